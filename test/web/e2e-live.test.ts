/**
 * Live mode end to end: two real apps (blue, green) behind the demo's Service proxy (per connection), a real
 * `bluegreen load --ui` run against the proxy, and real headless Chromium on the loadtester's dashboard.
 * The share the page shows for each colour must match the run's JSON report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { behindService, startApp, type Service } from '../helpers/apps.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-e2e-live-'));
let proxy: Service | null = null;

afterAll(async () => {
  await closeAllBrowsers();
  await proxy?.close();
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard, live mode', () => {
  it('shows the share per colour that the report gives', { timeout: 120_000 }, async () => {
    const [blue, green] = await Promise.all([startApp('blue'), startApp('green')]);
    proxy = await behindService([blue, green]);
    const jsonFile = join(dir, 'report.json');
    // Uneven connections (3 over 2 pods) so the shares differ and a swapped or stale share would show.
    const load = spawnCli([
      'load',
      `${proxy.url}api/info`,
      '--ui',
      '0',
      '--rate',
      '150',
      '--connections',
      '3',
      '--duration',
      '10s',
      '--json',
      jsonFile,
    ]);
    const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);

    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    await page.goto(pageUrl!);
    await page.waitForSelector('[data-testid="mode"]:has-text("live")', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
    // Traffic shows while the run goes on: both colours in the pods, the boxes and the chart's share.
    await page.waitForSelector('[data-testid="pods"] [data-pod="green-pod"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="boxes"] .box[data-color="blue"]', { timeout: 20_000 });
    await screenshot(page, 'live-running');

    expect(await load.exited).toBe(0);
    const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
    await page.waitForSelector('[data-testid="summary"]', { timeout: 20_000 });
    await page.waitForTimeout(500);
    await screenshot(page, 'live-finished');

    const rows = page.locator('[data-testid="share-run"] .share');
    const shown: { color: string; share: number; count: number; text: string }[] = [];
    for (const row of await rows.all()) {
      shown.push({
        color: (await row.getAttribute('data-color')) ?? '',
        share: Number(await row.getAttribute('data-share')),
        count: Number(await row.getAttribute('data-count')),
        text: (await row.locator('.big').textContent()) ?? '',
      });
    }
    expect(Object.keys(report.colors).sort()).toEqual(['blue', 'green']);
    expect(shown.map((s) => s.color).sort()).toEqual(['blue', 'green']);
    for (const s of shown) {
      // "This run" is the Outcomes table's: the colour's due requests, as the report's attribution has them.
      const group = report.attribution!.colors[s.color]!;
      const expected = { count: group.sent + group.skipped, share: group.share };
      expect(s.count).toBe(expected.count);
      expect(Math.abs(s.share - expected.share)).toBeLessThan(0.001);
      expect(s.text).toBe(`${(expected.share * 100).toFixed(1)}%`);
    }

    // The loadtester said goodbye and is gone: the page says the run finished (not "retrying") but still
    // looks quietly; a new loadtester on the same port is picked up, and its hello starts the page over.
    await page.waitForSelector('[data-testid="connection"][data-status="finished"]', { timeout: 20_000 });
    const uiPort = new URL(pageUrl!).port;
    const again = spawnCli([
      'load',
      `${proxy.url}api/info`,
      '--ui',
      uiPort,
      '--rate',
      '20',
      '--duration',
      '30s',
    ]);
    await again.waitFor(/dashboard: /, 30_000);
    await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
    await expect
      .poll(async () => Number(await page.getAttribute('[data-testid="share-run"] .share', 'data-count')), {
        timeout: 20_000,
      })
      .toBeLessThan(shown[0]!.count);
    expect(await page.locator('[data-testid="summary"]').count()).toBe(0);
    again.kill('SIGINT');
    expect(errors).toEqual([]);
  });

  it(
    'offers start, stop and rate only when the loadtester allows them, and they work',
    { timeout: 120_000 },
    async () => {
      const app = await startApp('teal');
      const browser = await launchBrowser();

      // Without --allow-control: settings shown, no controls.
      const plain = spawnCli([
        'load',
        `${app.url}api/info`,
        '--ui',
        '0',
        '--rate',
        '20',
        '--duration',
        '20s',
        '--quiet',
      ]);
      const [, plainUrl] = await plain.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
      const first = await newPage(browser);
      await first.page.goto(plainUrl!);
      await first.page.waitForSelector('[data-testid="settings"]', { timeout: 20_000 });
      expect(await first.page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
      plain.kill('SIGINT');
      await plain.exited;

      const load = spawnCli([
        'load',
        `${app.url}api/info`,
        '--serve',
        '--ui',
        '0',
        '--allow-control',
        '--max-rate',
        '200',
        '--rate',
        '20',
      ]);
      const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
      const { page, errors } = await newPage(browser);
      await page.goto(pageUrl!);
      const state = page.getByTestId('settings').locator('div:has(dt:text-is("state")) dd');
      const rate = page.getByTestId('settings').locator('div:has(dt:text-is("rate")) dd');
      await expect.poll(() => state.textContent(), { timeout: 20_000 }).toBe('running');
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(() => state.textContent(), { timeout: 20_000 }).toBe('stopped');
      // The field's max is --max-rate (the browser refuses more; the loadtester caps it too).
      expect(await page.getByLabel('rate').getAttribute('max')).toBe('200');
      await page.getByLabel('rate').fill('150');
      await page.getByRole('button', { name: 'Set', exact: true }).click();
      await expect.poll(() => rate.textContent(), { timeout: 20_000 }).toBe('150 req/s');
      // The panel says what the control did.
      await page
        .getByRole('status')
        .filter({ hasText: 'Rate set to 150 req/s.' })
        .waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Start' }).click();
      await expect.poll(() => state.textContent(), { timeout: 20_000 }).toBe('running');
      await page.getByRole('status').filter({ hasText: 'Started.' }).waitFor({ timeout: 20_000 });
      await page.waitForSelector('[data-testid="share-run"] .share[data-color="teal"]', { timeout: 20_000 });
      await screenshot(page, 'live-controls');
      expect(errors).toEqual([]);
    },
  );
});
