/**
 * The demo as a trainee meets it: `bluegreen demo` waiting, the dashboard in real headless Chromium, a
 * rollout and a rollback started from the page's buttons, then Ctrl-C. Screenshots go to test-artifacts/.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  closeAllBrowsers,
  launchBrowser,
  newPage,
  screenshot,
  waitForExpression,
} from '../helpers/browser.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { leftovers, parseDemoOutput } from '../helpers/demo.js';

let cli: CliProcess | null = null;

afterEach(async () => {
  await killAllCli();
  if (cli) expect(await leftovers(parseDemoOutput(cli.stdout()))).toEqual({ processes: [], ports: [] });
  cli = null;
});
afterAll(closeAllBrowsers);

/** Waits until the page's "now" share is all `color`. */
async function allTraffic(page: Page, color: string, timeout: number): Promise<void> {
  // A string, evaluated in the page (this project's TypeScript has no DOM types).
  await waitForExpression(
    page,
    `(() => {
      const rows = [...document.querySelectorAll('[data-testid="share-now"] .share')];
      return rows.length === 1 && rows[0].dataset.color === ${JSON.stringify(color)} && Number(rows[0].dataset.share) === 1;
    })()`,
    timeout,
  );
}

type Tagged = { dataset: Record<string, string | undefined> };

async function tiles(page: Page): Promise<{ color?: string; state?: string }[]> {
  return page.$$eval('[data-testid="pods"] [data-pod]', (items) =>
    items.map((i) => {
      const { color, state } = (i as unknown as Tagged).dataset;
      return { color, state };
    }),
  );
}

describe('bluegreen demo with its dashboard', () => {
  it('rolls out and back from the page: the share turns green, then blue; tiles come and go; events mark it', async () => {
    cli = spawnCli([
      'demo',
      '--ui',
      '0',
      '--allow-control',
      '--port',
      '0',
      '--rate',
      '100',
      '--start-delay-seconds',
      '1',
      '--min-ready-seconds',
      '1',
    ]);
    const [, url] = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
    await cli.waitFor(/start a rollout there/, 30_000);

    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    await page.goto(url!);
    await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
    await allTraffic(page, 'blue', 20_000);
    await waitForExpression(
      page,
      `document.querySelectorAll('[data-testid="pods"] [data-state="ready"][data-color="blue"]').length === 4`,
      20_000,
    );
    await screenshot(page, 'demo-1-blue');

    const form = page.locator('[data-testid="rollout"]');
    await form.locator('select').selectOption('rolling');
    await form.getByRole('radio', { name: 'green', exact: true }).check();
    await form.getByRole('button', { name: 'Roll out' }).click();
    await page.waitForSelector('[data-testid="events"] li:has-text("rollout-started")', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="pods"] [data-state="draining"]', { timeout: 30_000 });
    await screenshot(page, 'demo-2-rolling');

    await allTraffic(page, 'green', 60_000);
    await page.waitForSelector('[data-testid="events"] li:has-text("rollout-finished")', { timeout: 20_000 });
    const afterRollout = await tiles(page);
    expect(afterRollout.filter((t) => t.color === 'green' && t.state === 'ready')).toHaveLength(4);
    expect(
      afterRollout.filter((t) => t.color === 'blue' && ['gone', 'draining'].includes(t.state ?? '')).length,
    ).toBe(4);
    await screenshot(page, 'demo-3-green');

    await form.getByRole('button', { name: 'Roll back' }).click();
    await page.waitForSelector('[data-testid="events"] li:has-text("rollback to blue")', { timeout: 10_000 });
    await allTraffic(page, 'blue', 60_000);
    await screenshot(page, 'demo-4-rolled-back');

    // Ctrl-C: the final report, exit 0 (nothing was lost), every pod and port gone (checked after the test).
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/Result\s+pass/);
    expect(cli.stdout()).toMatch(/rollback to blue \(v1\): complete/);
    expect(errors).toEqual([]);
  }, 180_000);
});
