/**
 * Incidents on the page: a real demo (app processes, the Service proxy, the loadtester) rolls out with
 * Recreate, which leaves the Service without ready endpoints for a while; headless Chromium must list the
 * incident with its cause under the events and mark it on the traffic chart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

async function marks(page: Page): Promise<Record<string, string>> {
  return page
    .getByTestId('traffic-chart')
    .locator('canvas')
    .evaluate((c) => ({ ...(c as unknown as { dataset: Record<string, string> }).dataset }));
}

describe('dashboard, incidents', () => {
  it(
    'lists a Recreate gap as no ready endpoints and marks it on the timeline',
    { timeout: 120_000 },
    async () => {
      const demo = spawnCli([
        'demo',
        '--ui',
        '0',
        '--strategy',
        'recreate',
        '--rollout-after',
        '3s',
        '--start-delay-seconds',
        '2',
        '--min-ready-seconds',
        '1',
        '--rate',
        '50',
        '--port',
        '0',
      ]);
      const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(pageUrl!);
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
      const incident = page.locator('[data-testid="incident"][data-cause="no-ready-endpoints"]').first();
      await incident.waitFor({ timeout: 60_000 });
      expect(await incident.innerText()).toMatch(/!1 no ready endpoints/);
      await incident.locator('summary').click();
      expect(await incident.innerText()).toMatch(/no ready endpoint from \+\d+\.\ds/);
      await expect
        .poll(async () => Number((await marks(page)).incidents), { timeout: 10_000 })
        .toBeGreaterThan(0);
      await screenshot(page, 'incidents');
      expect(errors).toEqual([]);
      demo.kill('SIGINT');
      await demo.exited;
    },
  );
});
