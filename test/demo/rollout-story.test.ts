/**
 * The page tells the story of a rollout: a banner that says the rollout started, then its real progress
 * and at the end how long it took and what failed; a card per rollout with the facts; a recreate's
 * outage shown as one (a red "no response" share and an outage with its duration); failure kinds that
 * explain themselves on hover and on focus. Each test writes the screenshots docs/dashboard.md shows
 * (test-artifacts/story-<strategy>-desktop.png and -phone.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { artifactsDir, closeAllBrowsers, launchBrowser, newPage } from '../helpers/browser.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { eventSeconds, leftovers, parseDemoOutput } from '../helpers/demo.js';

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

const REPLICAS = 3;
const WAIT = { timeout: 120_000 };

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

/** A demo with quick pods, and two pages on its dashboard: desktop and phone. */
async function open(strategy: string): Promise<{ desktop: Page; phone: Page; errors: string[] }> {
  demo = spawnCli([
    'demo',
    '--ui',
    '0',
    '--allow-control',
    '--rate',
    '40',
    '--replicas',
    String(REPLICAS),
    '--start-delay-seconds',
    '1',
    '--drain-seconds',
    '1',
    '--min-ready-seconds',
    '1',
    '--step-pause',
    '2s',
    '--strategy',
    strategy,
  ]);
  const [, url] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
  const browser = await launchBrowser();
  const desktop = await newPage(browser);
  const phone = await newPage(browser, { width: 390, height: 844 });
  for (const { page } of [desktop, phone]) {
    await page.goto(url!);
    await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
  }
  await desktop.page.waitForSelector('[data-testid="share-now"] .share[data-color="blue"]', WAIT);
  return { desktop: desktop.page, phone: phone.page, errors: [...desktop.errors, ...phone.errors] };
}

async function rollOut(page: Page, strategy: string): Promise<void> {
  const form = page.getByTestId('rollout');
  await form.getByLabel('strategy').selectOption(strategy);
  await form.getByRole('radio', { name: 'green', exact: true }).check();
  await form.getByRole('button', { name: 'Roll out' }).click();
}

const banner = (page: Page) => page.getByTestId('rollout-banner');

/** Reads the banner's "new ready" until the rollout is over: every distinct value, in order. */
async function watchProgress(page: Page): Promise<string[]> {
  const seen: string[] = [];
  for (const until = Date.now() + WAIT.timeout; Date.now() < until;) {
    const state = await banner(page).getAttribute('data-state');
    const value = (await banner(page).getByTestId('new-ready').locator('dd').textContent())!;
    if (seen.at(-1) !== value) seen.push(value);
    if (state !== 'running') return seen;
    await page.waitForTimeout(100);
  }
  throw new Error(`the rollout did not end; new ready seen: ${seen.join(' ')}`);
}

/** The banner's end line agrees with the card and with the demo's own clock. */
async function checkEnd(page: Page, strategy: string): Promise<number> {
  await expect.poll(() => banner(page).getAttribute('data-state'), WAIT).toBe('complete');
  // The tick that covers the finish can land just after it: read the banner and the card in one go, once
  // they have settled on the same count.
  await expect
    .poll(
      async () =>
        (await banner(page).getByRole('status').textContent())!.match(/(\d+) failed/)?.[1] ===
        (await page
          .getByTestId('rollout-card')
          .first()
          .locator('[data-fact="failures"]')
          .getAttribute('data-count')),
      WAIT,
    )
    .toBe(true);
  const line = (await banner(page).getByRole('status').textContent())!.replace(/\s+/g, ' ');
  const match = new RegExp(`${strategy} to green v2 finished in ([\\d.]+) s, (\\d+) failed`).exec(line);
  expect(match, line).not.toBeNull();
  const [, seconds, failed] = match!;
  const out = demo!.stdout();
  const started = eventSeconds(out, /rollout-started/);
  const finished = eventSeconds(out, /rollout-finished.*complete/);
  expect(Math.abs(Number(seconds) - (finished! - started!))).toBeLessThan(1.5);
  const card = page.getByTestId('rollout-card').first();
  expect(await card.getAttribute('data-strategy')).toBe(strategy);
  expect(await card.getAttribute('data-state')).toBe('complete');
  expect(await card.locator('[data-fact="failures"]').getAttribute('data-count')).toBe(failed);
  expect(await banner(page).getByTestId('new-ready').locator('dd').textContent()).toBe(
    `${REPLICAS}/${REPLICAS}`,
  );
  return Number(failed);
}

describe('the story of a rollout on the page', () => {
  it(
    'rolling: started, then new pods ready one by one, then finished with its failures counted',
    { timeout: 240_000 },
    async () => {
      const { desktop, phone, errors } = await open('rolling');
      await rollOut(desktop, 'rolling');
      // The click is acknowledged as a start, not as done.
      await desktop
        .getByRole('status')
        .filter({ hasText: 'Rollout started: progress at the top.' })
        .waitFor(WAIT);
      await expect
        .poll(() => banner(desktop).getByRole('status').textContent(), WAIT)
        .toMatch(/Rollout started:\s*rolling to green v2/);
      await desktop.waitForSelector(
        '[data-testid="rollout-banner"] [data-testid="new-ready"] dd:text("1/3")',
        WAIT,
      );
      await shoot(desktop, 'story-rolling-desktop');
      await shoot(phone, 'story-rolling-phone');
      const seen = await watchProgress(desktop);
      expect(seen.at(-1)).toBe('3/3');
      expect(seen.length, seen.join(' ')).toBeGreaterThan(1);
      await checkEnd(desktop, 'rolling');
      expect(errors).toEqual([]);
    },
  );

  it(
    'recreate: the outage reads as one, the card has its facts, and failure kinds explain themselves',
    { timeout: 240_000 },
    async () => {
      const { desktop, phone, errors } = await open('recreate');
      await rollOut(desktop, 'recreate');
      const outage = desktop.getByTestId('outage');
      await outage.waitFor(WAIT);
      expect(await outage.textContent()).toMatch(/Outage: no successful response for \d+ s/);
      expect(Number(await outage.getAttribute('data-ms'))).toBeGreaterThan(1000);
      const noResponse = desktop.locator('[data-testid="share-now"] .share[data-color="no response"]');
      expect(Number(await noResponse.getAttribute('data-share'))).toBeGreaterThan(0.2);
      await phone.getByTestId('outage').waitFor(WAIT);
      await shoot(desktop, 'story-recreate-desktop');
      await shoot(phone, 'story-recreate-phone');

      const failed = await checkEnd(desktop, 'recreate');
      expect(failed).toBeGreaterThan(0);
      // The outage is over; it stays on the page as the last one.
      await desktop.getByTestId('last-outage').waitFor(WAIT);
      const card = desktop.getByTestId('rollout-card').first();
      expect(
        Number(await card.locator('[data-fact="no-endpoints"]').getAttribute('data-ms')),
      ).toBeGreaterThan(1000);
      expect(Number(await card.locator('[data-fact="dark"]').getAttribute('data-ms'))).toBeGreaterThan(1000);
      expect(
        Number(await card.locator('[data-fact="worst-latency"]').getAttribute('data-ms')),
      ).toBeGreaterThan(0);
      expect(await card.locator('[data-fact="window"] dd').textContent()).toMatch(/\+[\d.]+ s to \+[\d.]+ s/);

      // A failure kind's meaning: on hover…
      const refused = desktop.locator('[data-testid="errors"] [data-kind="refused"] [data-term]');
      const refusedMeaning = desktop.locator(`#${await refused.getAttribute('aria-describedby')}`);
      expect(await refusedMeaning.isVisible()).toBe(false);
      await refused.hover();
      expect(await refusedMeaning.isVisible()).toBe(true);
      expect(await refusedMeaning.textContent()).toMatch(/^Connection refused/);
      // …and on keyboard focus, in the table and on the card alike.
      await desktop.mouse.move(0, 0);
      const kind = card.locator('[data-kind] [data-term]').first();
      const meaning = desktop.locator(`#${await kind.getAttribute('aria-describedby')}`);
      expect(await meaning.isVisible()).toBe(false);
      await kind.focus();
      expect(await meaning.isVisible()).toBe(true);
      expect((await meaning.textContent())!.length).toBeGreaterThan(20);
      await desktop.keyboard.press('Tab');
      expect(await meaning.isVisible()).toBe(false);
      expect(errors).toEqual([]);
    },
  );

  it('canary: the banner follows the canary steps to the end', { timeout: 240_000 }, async () => {
    const { desktop, phone, errors } = await open('canary');
    await rollOut(desktop, 'canary');
    await expect
      .poll(() => banner(desktop).getByRole('status').textContent(), WAIT)
      .toMatch(/Rollout started:\s*canary to green v2/);
    await desktop.waitForSelector(
      '[data-testid="rollout-banner"] [data-testid="new-ready"] dd:text("1/3")',
      WAIT,
    );
    // Canary traffic: both colours answer at once.
    await desktop.waitForSelector('[data-testid="share-now"] .share[data-color="green"]', WAIT);
    await shoot(desktop, 'story-canary-desktop');
    await shoot(phone, 'story-canary-phone');
    const seen = await watchProgress(desktop);
    expect(seen.at(-1)).toBe('3/3');
    await checkEnd(desktop, 'canary');
    expect(errors).toEqual([]);
  });
});
