/**
 * The dashboard's controls against a hostile page, in real Chromium: a page on another origin cannot open
 * the loadtester's stream (so it can neither read it nor stop, start or change the run), while the real
 * dashboard works; with a control token, the page asks for it once and a wrong one is refused.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { startApp, type App } from '../helpers/apps.js';

const servers: Server[] = [];
let app: App | null = null;
afterEach(async () => {
  await killAllCli();
  app = null;
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});
afterAll(closeAllBrowsers);

/** A page on another origin (its own port), as any site the operator visits could serve. */
async function otherSite(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

/** From inside `page`: opens the stream, sends a stop on open; says what happened within 3 s. */
function tryStream(page: Page, streamUrl: string): Promise<{ opened: boolean; messages: number }> {
  return page.evaluate(`new Promise((resolve) => {
    const result = { opened: false, messages: 0 };
    const ws = new WebSocket(${JSON.stringify(streamUrl)});
    ws.onopen = () => {
      result.opened = true;
      ws.send(JSON.stringify({ type: 'control', action: 'stop' }));
    };
    ws.onmessage = () => result.messages++;
    ws.onclose = () => resolve(result);
    setTimeout(() => resolve(result), 3000);
  })`);
}

async function startLoad(env: NodeJS.ProcessEnv = {}): Promise<string> {
  app = await startApp('teal');
  const load = spawnCli(
    ['load', `${app.url}api/info`, '--serve', '--ui', '0', '--allow-control', '--rate', '20', '-q'],
    env,
  );
  const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
  return pageUrl!;
}

function runState(page: Page) {
  return page.getByTestId('settings').locator('div:has(dt:text-is("state")) dd');
}

describe('a page on another origin', () => {
  it('cannot open the stream nor stop the run; the dashboard itself can', { timeout: 90_000 }, async () => {
    const pageUrl = await startLoad();
    const streamUrl = `${pageUrl.replace('http', 'ws')}api/stream`;
    const browser = await launchBrowser();

    // Another port on the same host, and `localhost` for 127.0.0.1: both other origins.
    const elsewhere = await newPage(browser);
    await elsewhere.page.goto(await otherSite());
    expect(await tryStream(elsewhere.page, streamUrl)).toEqual({ opened: false, messages: 0 });
    const port = new URL(pageUrl).port;
    const local = await newPage(browser);
    await local.page.goto(`http://localhost:${port}/`);
    expect(await tryStream(local.page, streamUrl)).toEqual({ opened: false, messages: 0 });

    const { page, errors } = await newPage(browser);
    await page.goto(pageUrl);
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('running');
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('stopped');
    // The dashboard opened as http://localhost:<port>/ is its own origin there, and works too.
    await local.page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
    await local.page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('running');
    expect(errors).toEqual([]);
  });
});

describe('a control token', () => {
  it('is asked for once, kept for the tab, and a wrong one is refused', { timeout: 90_000 }, async () => {
    const token = 'tok-3f9a-secret';
    const pageUrl = await startLoad({ LOAD_CONTROL_TOKEN: token });
    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    await page.goto(pageUrl);
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('running');
    const form = page.getByTestId('control-token');
    await form.waitFor();

    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText('Enter the control token to send this control.').waitFor();
    await form.getByLabel('control token').fill('not-the-token');
    await form.getByRole('button', { name: 'Use and send' }).click();
    await page
      .getByText('Refused: wrong control token. Enter the control token to send it again.')
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'controls-wrong-token');
    expect(await runState(page).textContent()).toBe('running');

    await form.getByLabel('control token').fill(token);
    await form.getByRole('button', { name: 'Use and send' }).click();
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('stopped');
    expect(await form.count()).toBe(0);
    // Kept for the tab: a reload does not ask again, and Start works at once.
    await page.reload();
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('stopped');
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => runState(page).textContent(), { timeout: 20_000 }).toBe('running');
    expect(await page.getByTestId('control-token').count()).toBe(0);
    // The page never received the token from the loadtester: it is in no frame, only in what it sent.
    expect(await page.content()).not.toContain(token);
    expect(errors).toEqual([]);
  });
});

describe('a control token in the demo', () => {
  it(
    'holds a rollout from the roll-out bar until the token is given, then sends it',
    { timeout: 120_000 },
    async () => {
      const token = 'demo-tok-77c1';
      const demo = spawnCli(['demo', '--ui', '0', '--rate', '20', '--replicas', '1', '--allow-control'], {
        LOAD_CONTROL_TOKEN: token,
      });
      const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(pageUrl!);
      // Once the load runs: the demo takes rollouts from then on.
      await page.waitForSelector('[data-testid="share-now"] .share[data-color="blue"]', { timeout: 60_000 });
      await page.getByTestId('rollout').getByRole('button', { name: 'Roll out' }).click();
      await page.getByText('Enter the control token to send this control.').waitFor({ timeout: 10_000 });
      expect(demo.stdout()).not.toMatch(/rollout-started/);
      const form = page.getByTestId('control-token');
      await form.getByLabel('control token').fill(token);
      await form.getByRole('button', { name: 'Use and send' }).click();
      await demo.waitFor(/rollout-started\s+.*rolling rollout to green/, 30_000);
      expect(errors).toEqual([]);
    },
  );
});
