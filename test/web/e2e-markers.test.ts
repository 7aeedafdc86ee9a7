/**
 * Markers that do not clutter, end to end with the real demo: a rollout started from the page shows as
 * one labelled band ("rolling → green") from its start to its finish; its pod events are not lines
 * until asked for, but named in the tooltip of their second; the marker key sits with the chart at
 * desktop and phone sizes.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
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

/** Hovers across the traffic chart from the newest second back; returns the first tooltip naming a pod event. */
async function findPodEventTooltip(page: Page): Promise<string> {
  const canvas = page.getByTestId('traffic-chart').locator('canvas');
  const box = (await canvas.boundingBox())!;
  const [left, top, right, bottom] = (await marks(page)).area!.split(' ').map(Number) as number[];
  for (let x = right!; x > left!; x -= 5) {
    await page.mouse.move(box.x + x, box.y + (top! + bottom!) / 2);
    await page.waitForTimeout(40);
    const footer = (await marks(page)).tooltipFooter ?? '';
    if (/pod-(added|ready|terminating|gone)/.test(footer)) return footer;
  }
  return '';
}

/** The key is right under the chart (its legend between them), and on screen without scrolling past it. */
async function keyBesideChart(page: Page): Promise<{ gap: number; keyBottom: number }> {
  const chart = (await page.getByTestId('traffic-chart').boundingBox())!;
  const key = (await page.getByTestId('marker-key').boundingBox())!;
  return { gap: key.y - (chart.y + chart.height), keyBottom: key.y + key.height };
}

describe('dashboard, rollout bands and pod events', () => {
  it(
    'shades the rollout as a labelled band; pod events on hover or as lines',
    { timeout: 180_000 },
    async () => {
      const demo = spawnCli([
        'demo',
        '--ui',
        '0',
        '--allow-control',
        '--replicas',
        '2',
        '--rate',
        '40',
        '--drain-seconds',
        '1',
      ]);
      const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(pageUrl!);
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
      await page.waitForSelector('[data-testid="pods"] [data-color="blue"][data-state="ready"]', {
        timeout: 60_000,
      });
      // The demo takes rollouts once its load runs (pods turn ready before that).
      const state = page.getByTestId('settings').locator('div:has(dt:text-is("state")) dd');
      await expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe('running');
      expect((await marks(page)).bands).toBe('');

      const rollout = page.getByTestId('rollout');
      await rollout.getByLabel('strategy').selectOption('rolling');
      await rollout.getByRole('button', { name: 'Roll out' }).click();
      const [, color] = await demo.waitFor(/rollout-started\s+.*rolling rollout to (\w+)/, 30_000);
      await expect
        .poll(async () => (await marks(page)).bands, { timeout: 20_000 })
        .toBe(`rolling → ${color}`);
      await demo.waitFor(/rollout-finished/, 90_000);
      // Finished: the band has its end (the description says from when to when).
      await expect
        .poll(() => page.locator('#traffic-chart-description').textContent(), { timeout: 20_000 })
        .toMatch(new RegExp(`rolling → ${color} from \\d\\d:\\d\\d:\\d\\d to \\d\\d:\\d\\d:\\d\\d\\.`));

      // Pod events: no lines by default, but the tooltip of their second names them.
      const quiet = await marks(page);
      expect(quiet.detailLines).toBe('0');
      expect(await findPodEventTooltip(page)).toMatch(/pod-\w+ app-/);
      await page.mouse.move(0, 0);
      const key = page.getByTestId('marker-key');
      expect(await key.textContent()).not.toContain('pod-ready');
      await key.getByLabel('pod events as lines').check();
      await expect
        .poll(async () => Number((await marks(page)).detailLines), { timeout: 10_000 })
        .toBeGreaterThan(0);
      expect(await key.textContent()).toContain('pod-ready');

      const desktop = await keyBesideChart(page);
      expect(desktop.gap).toBeLessThan(60);
      expect(desktop.keyBottom).toBeLessThanOrEqual(1000);
      await screenshot(page, 'charts-rollout-desktop');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('traffic-chart').scrollIntoViewIfNeeded();
      await page.waitForTimeout(500);
      const phone = await keyBesideChart(page);
      expect(phone.gap).toBeLessThan(60);
      // The band label fits a phone's chart too.
      await expect
        .poll(async () => (await marks(page)).bands, { timeout: 10_000 })
        .toBe(`rolling → ${color}`);
      await screenshot(page, 'charts-rollout-phone');
      expect(errors).toEqual([]);
    },
  );
});
