/**
 * Browser mode end to end: real headless Chromium on the page a real `bluegreen serve` serves at `/`.
 * The page sends its own requests: its boxes turn the app's colour; once the app is stopped, they turn red.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli } from '../helpers/cli.js';
import { startApp } from '../helpers/apps.js';
import { until } from '../helpers/until.js';

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

/** What the page's boxes show (the test files are type-checked without the DOM library, hence the shape). */
interface BoxElement {
  dataset: Record<string, string | undefined>;
  style: { backgroundColor: string };
}

async function boxCounts(page: Page, color: string) {
  return page.$$eval(
    '[data-testid="boxes"] .box',
    (elements, color) => {
      const boxes = elements as unknown as BoxElement[];
      const count = (pred: (b: BoxElement) => boolean): number => boxes.filter(pred).length;
      return {
        total: boxes.length,
        color: count((b) => b.dataset.state === 'ok' && b.dataset.color === color),
        failure: count((b) => b.dataset.state === 'failure'),
        background: boxes.find((b) => b.dataset.state === 'ok')?.style.backgroundColor ?? '',
      };
    },
    color,
  );
}

async function countBoxes(page: Page, selector: string): Promise<number> {
  return page.locator(`[data-testid="boxes"] ${selector}`).count();
}

describe('dashboard, browser mode', () => {
  it("turns boxes the app's colour, and red once the app stops", { timeout: 120_000 }, async () => {
    const app = await startApp('aqua');
    const browser = await launchBrowser();
    const { page } = await newPage(browser);
    await page.goto(app.url);
    await page.waitForSelector('[data-testid="mode"]:has-text("browser")', { timeout: 20_000 });
    await page.getByRole('button', { name: '10 ms' }).click();

    await until(
      async () => (await countBoxes(page, '.box[data-state="ok"][data-color="aqua"]')) >= 100,
      '100 aqua boxes',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const before = await boxCounts(page, 'aqua');
    expect(before.total).toBe(1000);
    expect(before.failure).toBe(0);
    expect(before.background).toBe('aqua');
    await page.waitForSelector('[data-testid="pods"] [data-pod="aqua-pod"][data-state="seen"]');
    await screenshot(page, 'browser-running');

    app.cli.kill('SIGKILL');
    await app.cli.exited;
    await until(async () => (await countBoxes(page, '.box[data-state="failure"]')) >= 100, '100 failures', {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const after = await boxCounts(page, 'aqua');
    expect(after.failure).toBeGreaterThanOrEqual(100);
    const otherErrors = Number(
      await page.getAttribute('[data-testid="errors"] [data-kind="other"]', 'data-count'),
    );
    expect(otherErrors).toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    await screenshot(page, 'browser-app-stopped');
  });
});
