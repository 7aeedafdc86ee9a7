/**
 * The page tells the story of a rollout (issue 12, items 6, 7 and 9), with the real demo and a real
 * `bluegreen load --ui` run: the front door and its recycling (and the control that changes it), pods
 * grouped by ReplicaSet with gone pods collapsed, the first visit's hint, colour swatches, the phone's
 * roll-out bar, and a finished run that stays finished.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  closeAllBrowsers,
  launchBrowser,
  newPage,
  screenshot,
  waitForExpression,
} from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { startApp } from '../helpers/apps.js';

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
});

const PHONE = { width: 390, height: 844 };

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
}

describe('the page tells the story of a rollout', () => {
  it(
    'demo via the Service: front door, recycling control, first visit, swatches, phone bar, pods by ReplicaSet',
    { timeout: 240_000 },
    async () => {
      const demo = spawnCli([
        'demo',
        '--ui',
        '0',
        '--rate',
        '40',
        '--replicas',
        '2',
        '--allow-control',
        '--drain-seconds',
        '1',
      ]);
      const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await open(page, pageUrl!);
      await waitForExpression(
        page,
        `document.querySelectorAll('[data-testid="pods"] [data-state="ready"][data-color="blue"]').length === 2`,
        60_000,
      );

      // Item 6: the front door, why new pods can sit idle, and the recycling in force.
      const door = page.getByTestId('front-door');
      await expect.poll(() => door.getAttribute('data-door')).toBe('service');
      expect(await door.textContent()).toContain('L4 Service: a pod per TCP connection');
      expect(await page.getByTestId('recycling').textContent()).toMatch(/off: each of the 10 connections/);
      const why = door.getByText('Why new pods can sit idle');
      await why.focus();
      await page.keyboard.press('Enter');
      await door
        .getByText(/keep-alive, each\s+connection keeps talking to the pod it first reached/)
        .waitFor();

      // Item 9: the first visit says what to do; the default colour is the one the pods do not run.
      const rollout = page.getByTestId('rollout');
      expect(await page.getByTestId('first-visit').textContent()).toMatch(
        /Roll out to\s+green\s+and watch traffic move/,
      );
      expect(await rollout.getByRole('radio', { name: 'green', exact: true }).isChecked()).toBe(true);
      expect(await rollout.getByRole('radio', { name: 'blue', exact: true }).isChecked()).toBe(false);

      // Item 9: on a phone the roll-out bar sits near the top, and stays there when the page scrolls.
      const phone = await newPage(browser, PHONE);
      await open(phone.page, pageUrl!);
      const bar = phone.page.getByTestId('rollout');
      await bar.waitFor();
      expect((await bar.boundingBox())!.y).toBeLessThan(200);
      await phone.page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      await phone.page.waitForTimeout(300);
      const scrolled = (await bar.boundingBox())!;
      expect(scrolled.y).toBeGreaterThanOrEqual(0);
      expect(scrolled.y + scrolled.height).toBeLessThan(PHONE.height / 2);
      await phone.page.evaluate('window.scrollTo(0, 0)');
      await screenshot(phone.page, 'door-pods-bar-phone-first-visit');

      // Item 6: recycling turned on from the page reaches the run and comes back in its settings.
      await door.getByLabel(/recycle connections every/).fill('5');
      await door.getByRole('button', { name: 'Recycle' }).click();
      await page
        .getByTestId('recycling')
        .filter({ hasText: 'each connection is reopened after 5 requests' })
        .waitFor({ timeout: 10_000 });
      await screenshot(page, 'door-pods-bar-first-visit');

      // Item 7: during the rollout, old and new apart, the version on each tile.
      await rollout.getByRole('button', { name: 'Roll out to green' }).click();
      await demo.waitFor(/rollout-started\s+.*rolling rollout to green \(v2\)/, 30_000);
      const oldGroup = page.locator(
        '[data-testid="pod-group"][data-role="old"][data-group-color="blue"][data-group-version="v1"]',
      );
      const newGroup = page.locator(
        '[data-testid="pod-group"][data-role="new"][data-group-color="green"][data-group-version="v2"]',
      );
      await newGroup.locator('[data-pod][data-state="ready"]').first().waitFor({ timeout: 60_000 });
      expect(await oldGroup.locator('h3').textContent()).toMatch(/old:\s*blue\s+v1\s+\d\/\d ready/);
      expect(await newGroup.locator('[data-pod]').first().textContent()).toContain('v2');
      await screenshot(page, 'door-pods-bar-rolling');
      // The hint has done its job; the next default is the colour the pods are leaving.
      await page.getByTestId('first-visit').waitFor({ state: 'detached', timeout: 10_000 });
      expect(await rollout.getByRole('radio', { name: 'blue', exact: true }).isChecked()).toBe(true);

      // After it: the old pods are gone, collapsed into a count that expands.
      await demo.waitFor(/rollout-finished\s+.*complete/, 120_000);
      await waitForExpression(
        page,
        `document.querySelectorAll('[data-testid="pod-group"][data-role="old"] [data-state="gone"]').length === 2`,
        60_000,
      );
      const gone = oldGroup.getByTestId('pods-gone');
      await expect.poll(() => gone.textContent(), { timeout: 10_000 }).toMatch(/2 gone/);
      expect(await oldGroup.locator('h3').textContent()).toMatch(/0\/2 ready/);
      expect(await newGroup.locator('h3').textContent()).toMatch(/2\/2 ready/);
      expect(await gone.getAttribute('aria-expanded')).toBe('false');
      expect(await oldGroup.locator('[data-state="gone"]').first().isVisible()).toBe(false);
      await gone.click();
      expect(await gone.getAttribute('aria-expanded')).toBe('true');
      expect(await oldGroup.locator('[data-state="gone"]').first().isVisible()).toBe(true);
      await screenshot(page, 'door-pods-bar-after-rollout');

      expect(errors).toEqual([]);
      expect(phone.errors).toEqual([]);
    },
  );

  it(
    'demo via the Ingress names it, and offers no recycling control without --allow-control',
    {
      timeout: 120_000,
    },
    async () => {
      const demo = spawnCli(['demo', '--ui', '0', '--rate', '20', '--replicas', '1', '--via', 'ingress']);
      const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await open(page, pageUrl!);
      const door = page.getByTestId('front-door');
      await expect.poll(() => door.getAttribute('data-door'), { timeout: 20_000 }).toBe('ingress');
      expect(await door.textContent()).toContain('L7 Ingress: a pod per request');
      expect(await door.locator('form').count()).toBe(0);
      expect(errors).toEqual([]);
    },
  );

  it(
    'a `load --ui` run that ends without --serve: "run finished", and the report stays',
    {
      timeout: 120_000,
    },
    async () => {
      // The browser first: the run is short, and the page must join it before it ends.
      const [app, browser] = await Promise.all([startApp('blue'), launchBrowser()]);
      const { page, errors } = await newPage(browser);
      const load = spawnCli(['load', app.url, '--ui', '0', '--rate', '20', '--duration', '8s']);
      const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
      await open(page, pageUrl!);
      const door = page.getByTestId('front-door');
      await expect.poll(() => door.getAttribute('data-door'), { timeout: 20_000 }).toBe('unknown');
      expect(await door.textContent()).toContain('unknown');
      // Pods known only from traffic: how many answer, not a readiness nobody reported.
      await page.getByTestId('pod-group-count').filter({ hasText: '1 answering' }).waitFor();

      expect(await load.exited).toBe(0);
      const badge = page.getByTestId('connection');
      await page.waitForSelector('[data-testid="connection"][data-status="finished"]', { timeout: 20_000 });
      expect(await badge.textContent()).toContain('run finished');
      // Long enough for quiet reconnect attempts (the first comes within a second or so): the badge and the
      // report stay.
      await page.waitForTimeout(4000);
      expect(await badge.getAttribute('data-status')).toBe('finished');
      expect(await page.getByTestId('summary').textContent()).toMatch(/Run finished: pass/);
      await screenshot(page, 'door-pods-bar-load-finished');
      expect(errors).toEqual([]);
    },
  );
  it(
    'a run that breaks a whole-run and a per-colour threshold of the same name lists both in its summary',
    { timeout: 120_000 },
    async () => {
      const [app, browser] = await Promise.all([startApp('blue'), launchBrowser()]);
      const { page, errors } = await newPage(browser);
      // No response comes back within 1 µs: both p99 limits are broken.
      const load = spawnCli([
        'load',
        app.url,
        '--ui',
        '0',
        '--rate',
        '20',
        '--duration',
        '6s',
        '--max-p99',
        '0.001',
        '--max-p99',
        'blue:0.001',
      ]);
      const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
      await open(page, pageUrl!);
      expect(await load.exited).toBe(1);
      await page.waitForSelector('[data-testid="connection"][data-status="finished"]', { timeout: 20_000 });
      const summary = page.getByTestId('summary');
      await expect.poll(() => summary.locator('p.bad').count(), { timeout: 10_000 }).toBe(2);
      const lines = await summary.locator('p.bad').allTextContents();
      expect(lines.some((l) => /max-p99 blue/.test(l))).toBe(true);
      expect(lines.some((l) => /max-p99(?! blue)/.test(l))).toBe(true);
      expect(errors).toEqual([]);
    },
  );
});
