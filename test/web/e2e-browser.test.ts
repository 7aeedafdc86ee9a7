/**
 * Browser mode end to end: real headless Chromium on the page a real `bluegreen serve` serves at `/`.
 * The page sends its own requests: its boxes turn the app's colour; once the app is stopped, they turn red.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli } from '../helpers/cli.js';
import { startApp } from './apps.js';

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

function boxCounts() {
  const boxes = [...document.querySelectorAll<HTMLElement>('[data-testid="boxes"] .box')];
  const count = (pred: (b: HTMLElement) => boolean): number => boxes.filter(pred).length;
  return {
    total: boxes.length,
    color: count((b) => b.dataset.state === 'ok' && b.dataset.color === 'aqua'),
    failure: count((b) => b.dataset.state === 'failure'),
    background: boxes.find((b) => b.dataset.state === 'ok')?.style.backgroundColor ?? '',
  };
}

describe('dashboard, browser mode', () => {
  it("turns boxes the app's colour, and red once the app stops", { timeout: 120_000 }, async () => {
    const app = await startApp('aqua');
    const browser = await launchBrowser();
    const { page } = await newPage(browser);
    await page.goto(app.url);
    await page.waitForSelector('[data-testid="mode"]:has-text("browser")', { timeout: 20_000 });
    await page.getByRole('button', { name: '10 ms' }).click();

    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="boxes"] .box[data-state="ok"][data-color="aqua"]').length >=
        100,
      null,
      { timeout: 30_000 },
    );
    const before = await page.evaluate(boxCounts);
    expect(before.total).toBe(1000);
    expect(before.failure).toBe(0);
    expect(before.background).toBe('aqua');
    await page.waitForSelector('[data-testid="pods"] [data-pod="aqua-pod"][data-state="seen"]');
    await screenshot(page, 'browser-running');

    app.cli.kill('SIGKILL');
    await app.cli.exited;
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="boxes"] .box[data-state="failure"]').length >= 100,
      null,
      { timeout: 30_000 },
    );
    const after = await page.evaluate(boxCounts);
    expect(after.failure).toBeGreaterThanOrEqual(100);
    const otherErrors = Number(
      await page.getAttribute('[data-testid="errors"] [data-kind="other"]', 'data-count'),
    );
    expect(otherErrors).toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    await screenshot(page, 'browser-app-stopped');
  });
});
