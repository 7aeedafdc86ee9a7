/**
 * The strategy picker keeps the user's pick: each strategy chosen on the page stays chosen while the
 * stream updates the page, and the rollout the demo runs is the one picked (it used to snap back to
 * `rolling` within half a second, so only rolling rollouts could be run from the page).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser, newPage } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

describe('dashboard, the strategy picker', () => {
  it('holds each pick through a second of updates and rolls out with it', { timeout: 120_000 }, async () => {
    const demo = spawnCli([
      'demo',
      '--ui',
      '0',
      '--rate',
      '40',
      '--replicas',
      '2',
      '--allow-control',
      '--step-pause',
      '1s',
    ]);
    const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    await page.goto(pageUrl!);
    await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
    // Ticks are flowing, so the settings and the model update while we wait.
    await page.waitForSelector('[data-testid="pods"] [data-color="blue"][data-state="ready"]', {
      timeout: 60_000,
    });
    const picker = page.getByTestId('rollout').getByLabel('strategy');
    for (const strategy of ['recreate', 'blue-green', 'canary']) {
      await picker.selectOption(strategy);
      await page.waitForTimeout(1000);
      expect(await picker.inputValue(), `${strategy} after a second`).toBe(strategy);
    }
    await page.getByTestId('rollout').getByRole('radio', { name: 'green', exact: true }).check();
    await page.getByTestId('rollout').getByRole('button', { name: 'Roll out' }).click();
    await demo.waitFor(/rollout-started\s+.*canary rollout to green/, 30_000);
    expect(await picker.inputValue()).toBe('canary');
    expect(errors).toEqual([]);
  });
});
