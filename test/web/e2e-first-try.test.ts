/**
 * The first try tells the truth (issue 24), in real headless Chromium against the real demo, in English on
 * a desktop and in Korean on a 390 px phone: the default rollout (L4 Service, keep-alive, no recycling)
 * says that old pods still hold traffic while they drain and "Done" only once they are gone, beside the
 * idle new pods too; an undrained rollout counts the failures of its aftermath; a bad new version puts its
 * cause and Roll back in the banner, in the page's language; the page fits a phone.
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

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

const PHONE = { width: 390, height: 844 };
const demos: CliProcess[] = [];

afterEach(async () => {
  for (const demo of demos.splice(0)) {
    demo.kill('SIGINT');
    await demo.exited;
  }
});
const FAST = ['--start-delay-seconds', '2', '--min-ready-seconds', '1', '--port', '0', '--ui', '0'];

async function startDemo(args: string[]): Promise<{ demo: CliProcess; url: string }> {
  const demo = spawnCli(['demo', '--allow-control', ...FAST, ...args]);
  demos.push(demo);
  const [, url] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
  return { demo, url: url! };
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
}

/** The run's failures as the Failures panel counts them: every kind, not sent included. */
async function panelFailed(page: Page): Promise<number> {
  const counts = await page
    .locator('[data-testid="errors"] tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => Number((r as unknown as { dataset: Record<string, string> }).dataset.count)),
    );
  return counts.reduce((a, b) => a + b, 0);
}

/** Nothing wider than the phone: the page does not scroll sideways, and no element pokes out of it. */
async function fitsThePhone(page: Page): Promise<void> {
  const wide = await page.evaluate(`(() => {
    const out = [...document.querySelectorAll('body *')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > innerWidth + 0.5 && !e.closest('.scroll');
    });
    return { scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5).map((e) => e.outerHTML.slice(0, 80)) };
  })()`);
  expect(wide).toEqual({ scrollWidth: PHONE.width, out: [] });
}

describe('the first try tells the truth', () => {
  it(
    'L4 with keep-alive: idle new pods say why, the banner says what still drains, then Done',
    { timeout: 200_000 },
    async () => {
      const { url } = await startDemo(['--rate', '40', '--drain-seconds', '8']);
      const browser = await launchBrowser();
      const en = await newPage(browser, undefined, 'en-US');
      const ko = await newPage(browser, PHONE, 'ko-KR');
      await Promise.all([open(en.page, url), open(ko.page, url)]);
      // Traffic flowing on the blue pods first: the demo takes a rollout once its pods are up.
      await en.page.waitForSelector('[data-testid="share-now"] .share[data-color="blue"]', {
        timeout: 60_000,
      });
      // The L4 caveat belongs to the Service: it is said here.
      await en.page.getByTestId('door-why').waitFor();
      await fitsThePhone(ko.page);

      await en.page.getByTestId('rollout').getByRole('button', { name: 'Roll out to green' }).click();
      // New pods ready at 0 req/s while the old ones keep their connections: said beside them.
      const idle = en.page.getByTestId('pods-idle');
      await idle.waitFor({ timeout: 60_000 });
      expect(await idle.textContent()).toMatch(/kept-alive connection on the pod it first reached/);
      await ko.page.getByTestId('pods-idle').waitFor({ timeout: 10_000 });
      expect(await ko.page.getByTestId('pods-idle').textContent()).toContain('트래픽 없음');

      // Complete while an old pod still drains: not "Done", and how much traffic it still holds.
      const banner = en.page.getByTestId('rollout-banner');
      await en.page.waitForSelector('[data-testid="rollout-banner"][data-state="draining"]', {
        timeout: 90_000,
      });
      expect(await banner.locator('.line').textContent()).toMatch(
        /Deployment complete;\s+\d+\.\d% of traffic still on \d+ draining old pods? over \d+ kept-alive connections?/,
      );
      expect(await banner.locator('.line').textContent()).not.toContain('Done');
      await ko.page.waitForSelector('[data-testid="rollout-banner"][data-state="draining"]', {
        timeout: 10_000,
      });
      expect(await ko.page.locator('[data-testid="rollout-banner"] .line').textContent()).toMatch(
        /배포 완료;\s+트래픽의 \d+\.\d%가 아직 드레인 중인 이전 파드/,
      );
      await screenshot(ko.page, 'first-try-draining-ko-phone');
      await fitsThePhone(ko.page);

      // Once the last old pod is gone: Done.
      await en.page.waitForSelector('[data-testid="rollout-banner"][data-state="complete"]', {
        timeout: 60_000,
      });
      expect(await banner.locator('.line').textContent()).toMatch(
        /Done:\s+rolling to green v\d+ finished in/,
      );
      expect(en.errors).toEqual([]);
      expect(ko.errors).toEqual([]);
    },
  );

  it(
    "an undrained rollout counts its aftermath: the banner's failures are the run's",
    { timeout: 200_000 },
    async () => {
      const { url } = await startDemo([
        '--rate',
        '60',
        '--drain-seconds',
        '0',
        '--via',
        'ingress',
        '--rollout-after',
        '4s',
      ]);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser, undefined, 'en-US');
      await open(page, url);
      await page.waitForSelector('[data-testid="rollout-banner"][data-state="complete"]', {
        timeout: 120_000,
      });
      // The front door's 502s after the last old pod went: settled a few seconds after the finish.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const banner = Number(await page.getByTestId('rollout-banner').getAttribute('data-failed'));
      expect(banner).toBeGreaterThan(0);
      expect(banner).toBe(await panelFailed(page));
      // The front door says it picks per request: no L4 caveat here.
      expect(await page.getByTestId('recycling').textContent()).not.toMatch(/first pod/);
      expect(await page.getByTestId('door-why').count()).toBe(0);
      expect(errors).toEqual([]);
    },
  );

  it(
    'a bad new version: its cause and Roll back in the banner, in English and in Korean on a phone',
    { timeout: 200_000 },
    async () => {
      const { url } = await startDemo([
        '--rate',
        '100',
        '--rollout-env',
        'ERROR_RATE=0.3',
        '--rollout-after',
        '3s',
        '--drain-seconds',
        '1',
      ]);
      const browser = await launchBrowser();
      const en = await newPage(browser, undefined, 'en-US');
      const ko = await newPage(browser, PHONE, 'ko-KR');
      await Promise.all([open(en.page, url), open(ko.page, url)]);
      const cause = en.page.locator('[data-testid="banner-cause"][data-cause="bad-new-version"]');
      await cause.waitFor({ timeout: 90_000 });
      expect(await cause.textContent()).toMatch(
        /Probable cause: bad new version:\s+the new version \(green\) answers worse than the old: roll back/,
      );
      const koCause = ko.page.locator('[data-testid="banner-cause"][data-cause="bad-new-version"]');
      await koCause.waitFor({ timeout: 10_000 });
      expect(await koCause.textContent()).toMatch(/추정 원인: 새 버전의 결함:\s+새 버전\(green\)이/);
      expect(await koCause.getByTestId('banner-rollback').textContent()).toBe('롤백');
      // The incident list speaks Korean too (its evidence stays the loadtester's facts).
      const incident = ko.page.locator('[data-testid="incident"][data-cause="bad-new-version"]').first();
      expect(await incident.locator('.summary').textContent()).toContain('롤백하고 고친 뒤');
      expect(await incident.locator('.count').textContent()).toMatch(/5xx/);
      await screenshot(ko.page, 'first-try-bad-version-ko-phone');
      await fitsThePhone(ko.page);
      // In Korean on a phone, the header's words stay whole: one line each.
      for (const id of ['mode', 'language']) {
        const box = await ko.page.getByTestId(id).boundingBox();
        expect(box!.height, id).toBeLessThan(32);
      }

      // Roll back from the banner: a rollback to blue starts.
      await en.page.getByTestId('banner-rollback').click();
      await waitForExpression(
        en.page,
        `/rollback|blue/.test(document.querySelector('[data-testid="rollout-banner"] .line')?.textContent ?? '')`,
        30_000,
      );
      expect(en.errors).toEqual([]);
      expect(ko.errors).toEqual([]);
    },
  );
});
