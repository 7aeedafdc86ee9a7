/**
 * The gateway demo's dashboard in real headless Chromium: the HTTPRoute weights beside the measured share,
 * a canary started from the page, and the weight slider moving the split while kept-alive connections stay
 * open. Screenshots go to test-artifacts/.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
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

const row = (color: string) =>
  `document.querySelector('[data-testid="gateway-weights"] tr[data-color="${color}"]')`;

/** Waits until `color`'s row shows this weight and a measured share within [min, max] percent. */
async function weightRow(
  page: Page,
  color: string,
  weight: number,
  min: number,
  max: number,
  timeout: number,
) {
  await waitForExpression(
    page,
    `(() => {
      const r = ${row(color)};
      if (!r || Number(r.dataset.weight) !== ${weight}) return false;
      const measured = parseFloat(r.querySelector('[data-testid="measured-share"]').textContent);
      return measured >= ${min} && measured <= ${max};
    })()`,
    timeout,
  );
}

it('shows the weights beside the measured share, and the slider moves the split', async () => {
  cli = spawnCli([
    'demo',
    '--via',
    'gateway',
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
    // The canary stays at its first step (90/10) for the whole test: the slider then takes over.
    '--step-pause',
    '10m',
  ]);
  const [, url] = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
  await cli.waitFor(/start a rollout there/, 30_000);

  const browser = await launchBrowser();
  const { page, errors } = await newPage(browser);
  await page.goto(url!);
  await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
  await page.waitForSelector('[data-testid="front-door"][data-door="gateway"]', { timeout: 10_000 });
  await weightRow(page, 'blue', 100, 99, 100, 20_000);
  // One backend: nothing to slide yet.
  expect(await page.locator('[data-testid="gateway-weights"] input[type="range"]').count()).toBe(0);

  const form = page.locator('[data-testid="rollout"]');
  expect(await form.locator('select option').allTextContents()).toEqual(['canary', 'blue-green']);
  await form.locator('select').selectOption('canary');
  await form.getByRole('radio', { name: 'green', exact: true }).check();
  await form.getByRole('button', { name: 'Roll out' }).click();
  await weightRow(page, 'green', 10, 5, 15, 60_000);
  await weightRow(page, 'blue', 90, 85, 95, 10_000);
  await screenshot(page, 'gateway-1-canary-90-10');

  const slider = page.getByRole('slider', { name: 'share of requests to green (%)' });
  await slider.fill('50');
  await weightRow(page, 'green', 50, 40, 60, 20_000);
  await weightRow(page, 'blue', 50, 40, 60, 5_000);
  await screenshot(page, 'gateway-2-slider-50-50');
  expect(cli.stdout()).not.toMatch(/refused/i);

  cli.kill('SIGINT');
  expect(await cli.exited).toBe(0);
  expect(cli.stdout()).toMatch(/Result\s+pass/);
  expect(errors).toEqual([]);
}, 180_000);
