/**
 * Headless Chromium for the dashboard's end-to-end tests: Debian's own browser (never a
 * downloaded one) driven by playwright-core. CHROMIUM_PATH overrides the binary.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packageRoot } from '../../common/package-info.js';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = join(packageRoot, 'test-artifacts');

const open = new Set<Browser>();

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  open.add(browser);
  browser.on('disconnected', () => open.delete(browser));
  return browser;
}

/** Closes every browser this process launched (for afterAll/finally). */
export async function closeAllBrowsers(): Promise<void> {
  await Promise.all([...open].map((b) => b.close().catch(() => undefined)));
}

/**
 * A page that collects uncaught script errors (`errors`: a test expects none) and console errors (`console`:
 * expected ones too, such as a refused reconnect after the loadtester exits).
 */
export async function newPage(
  browser: Browser,
  viewport = { width: 1400, height: 1000 },
  /** The browser's language (navigator.language), e.g. `ko-KR`; the browser's own by default. */
  locale?: string,
): Promise<{ page: Page; errors: string[]; console: string[] }> {
  const page = await browser.newPage({ viewport, ...(locale ? { locale } : {}) });
  const errors: string[] = [];
  const console: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') console.push(m.text());
  });
  return { page, errors, console };
}

/**
 * Waits until a JavaScript expression is true in the page. page.waitForFunction with a string evals it in
 * the page, which the dashboard's Content-Security-Policy forbids; page.evaluate goes through the
 * DevTools protocol and is not subject to it.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
