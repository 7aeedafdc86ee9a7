/**
 * Live mode with the real demo: the page offers the rollout the demo allows, sends it, and shows what
 * follows — green pods appearing and turning ready, blue pods draining and going, the events on the
 * time axis, and green taking the traffic.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeAllBrowsers,
  launchBrowser,
  newPage,
  screenshot,
  waitForExpression,
} from '../helpers/browser.js';
import { killAllCli } from '../helpers/cli.js';
import { startRolloutDemo } from './rollout-demo.js';

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

describe('dashboard, live mode with the demo', () => {
  it(
    'rolls out from the page and shows pods, events and share move to green',
    { timeout: 180_000 },
    async () => {
      const { pageUrl } = await startRolloutDemo();
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(pageUrl);
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
      await page.waitForSelector('[data-testid="pods"] [data-color="blue"][data-state="ready"]', {
        timeout: 60_000,
      });
      await page.waitForSelector('[data-testid="share-now"] .share[data-color="blue"]', { timeout: 60_000 });

      const rollout = page.getByTestId('rollout');
      await rollout.getByRole('radio', { name: 'green', exact: true }).check();
      await rollout.getByRole('button', { name: 'Roll out' }).click();
      await page.waitForSelector('[data-testid="events"] li:has-text("rollout-started")', {
        timeout: 30_000,
      });
      await page.waitForSelector('[data-testid="pods"] [data-color="green"][data-state="ready"]', {
        timeout: 60_000,
      });
      await page.waitForSelector(
        '[data-testid="pods"] [data-color="blue"]:is([data-state="draining"], [data-state="gone"])',
        {
          timeout: 60_000,
        },
      );
      await screenshot(page, 'demo-rolling');
      await page.waitForSelector('[data-testid="events"] li:has-text("rollout-finished")', {
        timeout: 120_000,
      });
      // After the switch, the share over the last few seconds is all green.
      await waitForExpression(
        page,
        `document.querySelector('[data-testid="share-now"] .share')?.dataset.color === 'green' &&
       Number(document.querySelector('[data-testid="share-now"] .share')?.dataset.share) === 1`,
        60_000,
      );
      await screenshot(page, 'demo-finished');
      expect(
        await page.getByRole('status').filter({ hasText: 'Rollout started: progress at the top.' }).count(),
      ).toBe(1);
      expect(errors).toEqual([]);
    },
  );
});
