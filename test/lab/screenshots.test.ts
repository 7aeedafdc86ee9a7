/**
 * The pictures docs/lab.md and docs/lab.ko.md show, taken from the real page in Chromium (never drawn):
 * the app's own page of step 1, the dashboard of steps 2-4 before any rollout, and two of step 6's rollouts
 * (the selector switch, the app without drain). Each test also checks that the picture shows what the guide
 * says it shows. Written to test-artifacts/lab-*.png; docs/lab.md says how they are copied to docs/img/.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { startApp } from '../helpers/apps.js';
import { leftovers, parseDemoOutput } from '../helpers/demo.js';

const WAIT = { timeout: 90_000 };
let demo: CliProcess | null = null;
afterEach(async () => {
  const cli = demo;
  demo = null;
  if (!cli) return;
  cli.kill('SIGINT');
  await cli.exited;
  expect(await leftovers(parseDemoOutput(cli.stdout()))).toEqual({ processes: [], ports: [] });
});
afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

/** A demo with quick pods and its dashboard open in a desktop-sized page. */
async function openDemo(args: string[]): Promise<{ page: Page; errors: string[] }> {
  demo = spawnCli([
    'demo',
    '--ui',
    '0',
    '--rate',
    '40',
    '--replicas',
    '3',
    '--start-delay-seconds',
    '1',
    '--min-ready-seconds',
    '1',
    '--scale-down-delay',
    '5s',
    ...args,
  ]);
  const [, url] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
  const { page, errors } = await newPage(await launchBrowser(), { width: 1400, height: 900 });
  await page.goto(url!);
  await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="share-now"] .share[data-color="blue"]', WAIT);
  return { page, errors };
}

const headless = (strategy: string, ...more: string[]) => [
  '--headless',
  '--strategy',
  strategy,
  '--rollout-after',
  '4s',
  '--duration',
  '60s',
  ...more,
];

describe('the lab guide’s screenshots', () => {
  it('step 1: a Pod on its own serves its page, all boxes its colour', { timeout: 120_000 }, async () => {
    const app = await startApp('blue');
    const { page, errors } = await newPage(await launchBrowser(), { width: 1400, height: 900 });
    await page.goto(app.url);
    await page.waitForSelector('[data-testid="mode"]:has-text("browser")', WAIT);
    await expect
      .poll(() => page.locator('[data-testid="boxes"] .box[data-color="blue"]').count(), WAIT)
      .toBeGreaterThan(100);
    await screenshot(page, 'lab-pod');
    expect(errors).toEqual([]);
  });

  it('steps 2-4: the dashboard, every pod blue, no failures', { timeout: 150_000 }, async () => {
    const { page, errors } = await openDemo([]);
    await expect
      .poll(() => page.locator('[data-testid="pods"] [data-pod]').count(), WAIT)
      .toBeGreaterThanOrEqual(3);
    await page.waitForTimeout(5_000);
    expect(await page.locator('[data-testid="share-now"] .share').count()).toBe(1);
    await screenshot(page, 'lab-dashboard');
    expect(errors).toEqual([]);
  });

  it('step 6: the selector switch moves the share to green', { timeout: 150_000 }, async () => {
    // Connections reopened every 20 requests, as the lab's in-cluster dashboard does (LOAD_RECYCLE): the
    // share fades from blue to green as they reopen, both colours on screen.
    const { page, errors } = await openDemo(headless('blue-green', '--recycle', '20'));
    await page.waitForSelector('[data-testid="share-now"] .share[data-color="green"]', WAIT);
    await page.waitForTimeout(1_000);
    expect(await page.locator('[data-testid="share-now"] .share[data-color="blue"]').count()).toBe(1);
    await screenshot(page, 'lab-blue-green');
    expect(errors).toEqual([]);
  });

  it('step 6: without a drain, lost requests show in the failures', { timeout: 150_000 }, async () => {
    const { page, errors } = await openDemo(headless('rolling', '--via', 'ingress', '--drain-seconds', '0'));
    await page.waitForSelector('[data-testid="errors"] tr.bad', WAIT);
    await page.waitForSelector('[data-testid="share-now"] .share[data-color="green"]', WAIT);
    await screenshot(page, 'lab-undrained');
    expect(errors).toEqual([]);
  });
});
