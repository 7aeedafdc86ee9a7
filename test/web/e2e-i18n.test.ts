/**
 * The dashboard in Korean and English, end to end: a real `bluegreen load --ui` run against two real apps
 * behind the demo's Service proxy, and real headless Chromium whose browser language is Korean (ko-KR).
 * The page opens in Korean with Korean number and time formats; the switch in the header turns it to
 * English, and the choice outlives a reload although the browser still asks for Korean.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { startRolloutDemo } from './rollout-demo.js';
import { behindService, startApp, type Service } from '../helpers/apps.js';

let proxy: Service | null = null;

afterAll(async () => {
  await closeAllBrowsers();
  await proxy?.close();
  await killAllCli();
});

const ko = new Intl.NumberFormat('ko-KR');

/** Each cell of the attribution table beside the count it shows, read at one moment. */
async function requestCells(page: Page): Promise<{ n: number; text: string }[]> {
  return page.evaluate(`[...document.querySelectorAll('[data-testid="attribution"] tbody tr[data-requests]')].map(
    (row) => ({ n: Number(row.getAttribute('data-requests')), text: row.querySelector('td')?.textContent ?? '' }),
  )`);
}

describe('dashboard languages', () => {
  it(
    'opens in Korean for a Korean browser, switches to English, and remembers it',
    { timeout: 120_000 },
    async () => {
      const [blue, green] = await Promise.all([startApp('blue'), startApp('green')]);
      proxy = await behindService([blue, green]);
      const load = spawnCli([
        'load',
        `${proxy.url}api/info`,
        '--ui',
        '0',
        '--rate',
        '200',
        '--connections',
        '2',
        '--duration',
        '60s',
        '--quiet',
      ]);
      const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);

      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser, undefined, 'ko-KR');
      await page.goto(pageUrl!);
      expect(await page.evaluate('navigator.language')).toBe('ko-KR');

      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
      expect(await page.getAttribute('html', 'lang')).toBe('ko');
      expect(await page.getAttribute('[data-testid="language"]', 'data-lang')).toBe('ko');
      expect(await page.locator('#share-title').textContent()).toBe('색상별 비율');
      expect(await page.locator('#pods-title').textContent()).toBe('파드 (Pod)');
      expect(await page.locator('#events-title').textContent()).toBe('이벤트');
      expect(await page.getByTestId('connection').textContent()).toBe('실시간: 연결됨');
      expect(await page.getByTestId('mode').textContent()).toBe('실시간');

      // Numbers: past a thousand requests the counts are grouped the Korean way, in Korean sentences.
      await expect
        .poll(async () => Math.max(0, ...(await requestCells(page)).map((c) => c.n)), { timeout: 40_000 })
        .toBeGreaterThan(1000);
      const cells = await requestCells(page);
      expect(cells.length).toBe(2);
      for (const cell of cells) expect(cell.text).toBe(ko.format(cell.n));
      expect(cells.some((c) => c.n >= 1000 && c.text.includes(','))).toBe(true);
      const caption = (await page.locator('[data-testid="errors"] caption small').textContent()) ?? '';
      expect(caption).toMatch(/^보냄 \d{1,3}(,\d{3})+, 실패 \d+$/);
      expect(await page.locator('[data-testid="settings"]').textContent()).toMatch(/타임아웃\s*\d+초/);
      expect(await page.locator('[data-testid="share-run"] .share small').first().textContent()).toMatch(
        /^요청 \d{1,3}(,\d{3})*개$/,
      );
      // A failure kind explains itself in Korean too.
      expect(await page.locator('[data-testid="errors"] [data-term="refused"]').textContent()).toContain(
        '연결 거부',
      );
      await screenshot(page, 'i18n-korean');

      // The switch: English at once, every view with it.
      await page.locator('[data-testid="language"] button[data-lang="en"]').click();
      await page.waitForSelector('[data-testid="language"][data-lang="en"]');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('#share-title').textContent()).toBe('Share by colour');
      expect(await page.locator('#pods-title').textContent()).toBe('Pods');
      expect(await page.getByTestId('connection').textContent()).toBe('live: connected');
      expect(await page.locator('[data-testid="errors"] caption small').textContent()).toMatch(
        /^sent \d{1,3}(,\d{3})+, failed \d+$/,
      );
      expect(await page.locator('[data-testid="settings"]').textContent()).toMatch(/timeout\s*\d+ s/);
      await screenshot(page, 'i18n-english');

      // Remembered: a reload stays English although the browser still asks for Korean.
      await page.reload();
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
      expect(await page.evaluate("localStorage.getItem('bluegreen.lang')")).toBe('en');
      expect(await page.getAttribute('[data-testid="language"]', 'data-lang')).toBe('en');
      expect(await page.locator('#share-title').textContent()).toBe('Share by colour');

      // And back: Korean again after another reload.
      await page.locator('[data-testid="language"] button[data-lang="ko"]').click();
      await page.reload();
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
      expect(await page.locator('#share-title').textContent()).toBe('색상별 비율');

      load.kill('SIGINT');
      await load.exited;
      expect(errors).toEqual([]);
    },
  );
  it(
    'rolls out from a Korean page: the bar, the banner and the rollout card speak Korean',
    { timeout: 180_000 },
    async () => {
      const { demo, pageUrl } = await startRolloutDemo();
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser, undefined, 'ko-KR');
      await page.goto(pageUrl);
      await page.waitForSelector('[data-testid="pods"] [data-color="blue"][data-state="ready"]', {
        timeout: 60_000,
      });
      // As the demo test does: a rollout is taken once the run is under way.
      await page.waitForSelector('[data-testid="share-now"] .share[data-color="blue"]', { timeout: 60_000 });
      expect(await page.locator('#rollout-title').textContent()).toBe('롤아웃');
      expect(await page.getByTestId('first-visit').textContent()).toMatch(/green\s*\(으\)로 롤아웃하고/);
      expect(
        await page
          .locator('[data-testid="pods"] [data-color="blue"][data-state="ready"] .state')
          .first()
          .textContent(),
      ).toBe('준비됨');

      const rollout = page.getByTestId('rollout');
      await rollout.getByRole('radio', { name: 'green', exact: true }).check();
      await rollout.getByRole('button', { name: 'green(으)로 롤아웃' }).click();
      await page.waitForSelector('[data-testid="rollout-banner"][data-state="running"]', { timeout: 30_000 });
      expect(await page.getByTestId('rollout-banner').textContent()).toContain('롤아웃 시작:');
      await page.waitForSelector('[data-testid="rollout-banner"][data-state="complete"]', {
        timeout: 120_000,
      });
      // "rolling → green v2: 12.3초 만에 완료, 실패 0건"
      expect(await page.locator('[data-testid="rollout-banner"] .line').textContent()).toMatch(
        /완료:\s*\S+ → green \S+: [\d.]+(분|초)( \d+초)? 만에 완료, 실패 \d+건/,
      );
      const card = page.getByTestId('rollout-card').first();
      expect(await card.locator('[data-fact="no-endpoints"] dt').textContent()).toBe(
        '준비된 엔드포인트 없음',
      );
      expect(await card.locator('.when').textContent()).toMatch(
        /^\d{2}:\d{2}:\d{2}, (\d+분 )?([\d.]+초 )?소요$/,
      );
      await screenshot(page, 'i18n-korean-rollout');

      demo.kill('SIGINT');
      await demo.exited;
      expect(errors).toEqual([]);
    },
  );
});
