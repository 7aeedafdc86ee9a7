/**
 * Attribution on the page, end to end: a blue app answering 200, a green one answering 500 for 10 % of
 * requests (its own ERROR_RATE fault injection), and an endpoint whose pod is gone (a closed port), all
 * behind the demo's L7 Ingress proxy, which answers 502 itself for that endpoint: a response without
 * identity. A real `bluegreen load --ui 0` child, real Chromium on its dashboard. The page must show
 * blue's error rate 0 and green's about 10 %, the 502s in the front-door row, and failures only in
 * green's and the front door's bands of the traffic chart: nothing shared out by traffic.
 * Then a stream of another protocol version (a tiny real WebSocket server) is refused, plainly.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { webDistDir } from '../../common/package-info.js';
import { IngressProxy } from '../../demo/ingress-proxy.js';
import type { Report } from '../../protocol/report.js';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { startApp } from '../helpers/apps.js';
import { settings, tick } from '../helpers/ticks.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-e2e-attribution-'));
const closers: (() => Promise<void>)[] = [];

afterAll(async () => {
  await closeAllBrowsers();
  for (const close of closers) await close();
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on: listen, note the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Row {
  kind: string;
  name: string;
  requests: number;
  failed: number;
  errorRate: number;
}

async function attributionRows(page: Page): Promise<Row[]> {
  return page.locator('[data-testid="attribution"] tbody tr[data-kind]').evaluateAll((rows) =>
    rows.map((r) => {
      const d = (r as unknown as { dataset: Record<string, string> }).dataset;
      return {
        kind: d.kind!,
        name: d.name!,
        requests: Number(d.requests),
        failed: Number(d.failed),
        errorRate: Number(d.errorRate),
      };
    }),
  );
}

describe('dashboard, attribution', () => {
  it(
    "shows each colour's own error rate, the front door apart, nothing apportioned",
    { timeout: 150_000 },
    async () => {
      const [blue, green] = await Promise.all([startApp('blue'), startApp('green', { ERROR_RATE: '0.1' })]);
      const ingress = new IngressProxy();
      const port = await ingress.listen(0, '127.0.0.1');
      closers.push(() => ingress.close());
      ingress.setBackends([
        { pod: blue.pod, host: '127.0.0.1', port: blue.port },
        { pod: green.pod, host: '127.0.0.1', port: green.port },
        { pod: 'gone-pod', host: '127.0.0.1', port: await closedPort() },
      ]);
      const jsonFile = join(dir, 'report.json');
      const load = spawnCli([
        'load',
        `http://127.0.0.1:${port}/api/info`,
        '--ui',
        '0',
        '--rate',
        '150',
        '--connections',
        '4',
        '--duration',
        '12s',
        '--json',
        jsonFile,
        '--quiet',
      ]);
      const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(pageUrl!);
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
      // While the run goes on: a tile per pod with its failures, p99 and open connections.
      const greenTile = page.locator(`[data-testid="pods"] [data-pod="${green.pod}"]`);
      await expect
        .poll(async () => Number(await greenTile.getAttribute('data-failed')), { timeout: 20_000 })
        .toBeGreaterThan(0);
      expect(await greenTile.getAttribute('data-p99')).toMatch(/^\d/);
      expect(await greenTile.getAttribute('data-open')).toMatch(/^\d+$/);

      // No threshold was asked: the run passes whatever failed.
      expect(await load.exited).toBe(0);
      const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
      await page.waitForSelector('[data-testid="summary"]', { timeout: 20_000 });
      await page.waitForTimeout(500);
      await screenshot(page, 'attribution-finished');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      await screenshot(page, 'attribution-finished-phone');

      const rows = await attributionRows(page);
      const by = Object.fromEntries(rows.map((r) => [r.name, r]));
      expect(rows.map((r) => r.kind).sort()).toEqual(['color', 'color', 'front-door']);
      // Blue never failed: its row says so, however many of green's and the front door's failed.
      expect(by.blue).toMatchObject({ failed: 0, errorRate: 0 });
      expect(by.blue!.requests).toBeGreaterThan(300);
      // Green fails 10 % of ~600 requests: 4 standard deviations either side is 5–15 %.
      expect(by.green!.errorRate).toBeGreaterThan(0.05);
      expect(by.green!.errorRate).toBeLessThan(0.15);
      // Every third request went to the gone pod's endpoint: the Ingress's own 502s, all failed.
      const frontDoor = by['front door']!;
      expect(frontDoor.failed).toBe(frontDoor.requests);
      expect(frontDoor.requests / report.sent).toBeGreaterThan(0.25);
      expect(frontDoor.requests / report.sent).toBeLessThan(0.42);
      // The page's rows are the report's groups, to the request.
      const groups = report.attribution!;
      const reported = { ...groups.colors, 'front door': groups.frontDoor };
      for (const row of rows) {
        const group = reported[row.name as keyof typeof reported]!;
        expect({ name: row.name, requests: row.requests, failed: row.failed }).toEqual({
          name: row.name,
          requests: group.sent + group.skipped,
          failed: group.failed,
        });
      }
      expect(groups.unknown.sent + groups.unknown.skipped).toBe(0);
      // The rows add up to the report: every request, every failure, every 5xx, once.
      expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(report.sent + (report.rate.skipped ?? 0));
      expect(rows.reduce((n, r) => n + r.failed, 0)).toBe(report.failed);
      expect(by.green!.failed + frontDoor.failed).toBe(report.responses['5xx']);

      // The traffic chart's failure bands: green's own and the front door's; none on blue.
      expect(await page.getByTestId('traffic-chart').getAttribute('data-failed-by')).toBe('green,front door');
      const tiles = page.locator('[data-testid="pods"] [data-pod]');
      const failedByPod = Object.fromEntries(
        await tiles.evaluateAll((all) =>
          all.map((t) => {
            const d = (t as unknown as { dataset: Record<string, string> }).dataset;
            return [d.pod!, Number(d.failed)];
          }),
        ),
      );
      expect(failedByPod).toEqual({ [blue.pod]: 0, [green.pod]: by.green!.failed });
      expect(errors).toEqual([]);
    },
  );

  it(
    "browser mode: the page's own requests attributed the same way, a failed fetch to unknown",
    { timeout: 90_000 },
    async () => {
      const app = await startApp('teal');
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(app.url);
      await page.waitForSelector('[data-testid="mode"]:has-text("browser")', { timeout: 20_000 });
      // Faults only once the page is loaded: the app's fault injection answers its page and scripts too.
      const faults = await fetch(`${app.url}api/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 0.3 }),
      });
      expect(faults.status).toBe(200);
      await page.getByRole('button', { name: '10 ms' }).click();
      await expect
        .poll(async () => (await attributionRows(page)).find((r) => r.name === 'teal')?.requests ?? 0, {
          timeout: 45_000,
        })
        .toBeGreaterThan(60);
      const rows = await attributionRows(page);
      expect(rows.map((r) => r.kind)).toEqual(['color']);
      // 30 % of more than 60 (a shared machine may send slowly): far from 0 and from 100 %.
      expect(rows[0]!.errorRate).toBeGreaterThan(0.05);
      expect(rows[0]!.errorRate).toBeLessThan(0.6);
      await expect
        .poll(() => page.getByTestId('traffic-chart').getAttribute('data-failed-by'), { timeout: 10_000 })
        .toBe('teal');
      const tile = page.locator(`[data-testid="pods"] [data-pod="${app.pod}"]`);
      expect(Number(await tile.getAttribute('data-failed'))).toBeGreaterThan(0);
      // The browser does not say which connection a fetch used: no connection count is shown.
      expect(await tile.getAttribute('data-open')).toBe('');

      // The app stops: the page's fetches fail with no response, and land in the unknown row.
      app.cli.kill('SIGKILL');
      await app.cli.exited;
      await expect
        .poll(async () => (await attributionRows(page)).find((r) => r.kind === 'unknown')?.failed ?? 0, {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      const teal = (await attributionRows(page)).find((r) => r.name === 'teal')!;
      await page.waitForTimeout(1500);
      // Nothing of the outage is put on teal.
      expect((await attributionRows(page)).find((r) => r.name === 'teal')!.failed).toBe(teal.failed);
      await screenshot(page, 'attribution-browser-mode');
      expect(errors).toEqual([]);
    },
  );

  it(
    'refuses a stream of another protocol version, says why, and takes the right one when it comes',
    { timeout: 60_000 },
    async () => {
      // The built page from a plain file server, and a stream that first speaks protocol 1, then 2.
      const types: Record<string, string> = {
        '.html': 'text/html',
        '.js': 'text/javascript',
        '.css': 'text/css',
      };
      const server: Server = createServer((req, res) => {
        const path =
          normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
        try {
          const body = readFileSync(join(webDistDir, path));
          res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
          res.end(body);
        } catch {
          res.writeHead(404).end();
        }
      });
      const wss = new WebSocketServer({ server, path: '/api/stream' });
      let connections = 0;
      // The later connections' hello waits until the test lets it go: the first refusal stays on screen.
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      wss.on('connection', (socket) => {
        connections++;
        const protocol = connections === 1 ? 1 : 2;
        const speak = (): void => {
          socket.send(
            JSON.stringify({
              type: 'hello',
              protocol,
              settings: settings(),
              history: { ticks: [], events: [] },
            }),
          );
          // Protocol 1's tick has no attribution: the page must not read it. Protocol 2's is shown.
          const v1Tick = {
            type: 'tick',
            seq: 1,
            t: Date.now(),
            intervalMs: 1000,
            bucket: { byColor: { red: 5 } },
          };
          // The run's first tick: its running attribution is its own.
          const v2Tick = tick({ seq: 1, byColor: { blue: 5 } });
          v2Tick.totalAttribution = v2Tick.bucket.attribution;
          socket.send(JSON.stringify(protocol === 1 ? v1Tick : v2Tick));
        };
        if (protocol === 1) speak();
        else void released.then(speak);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closers.push(async () => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      const { port } = server.address() as AddressInfo;
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(`http://127.0.0.1:${port}/`);
      const refused = page.getByTestId('protocol-mismatch');
      await refused.waitFor({ timeout: 20_000 });
      expect(await refused.textContent()).toBe(
        'this dashboard speaks protocol 2, the loadtester 1: use the same bluegreen version for both',
      );
      expect(await page.getByTestId('connection').getAttribute('data-status')).toBe('incompatible');
      expect(await page.locator('[data-testid="share-run"] .share').count()).toBe(0);
      await screenshot(page, 'protocol-mismatch');
      // Said again in the language the reader picks, while it lasts.
      await page.locator('[data-testid="language"] button[data-lang="ko"]').click();
      await refused
        .filter({ hasText: '이 대시보드는 프로토콜 2, 로드테스터는 1을(를) 씁니다' })
        .waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="language"] button[data-lang="en"]').click();
      release();
      // The page keeps looking: the next connection speaks protocol 2 and is taken.
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
      expect(await refused.count()).toBe(0);
      await page.waitForSelector('[data-testid="share-run"] .share[data-color="blue"]', { timeout: 10_000 });
      expect(await page.locator('[data-testid="share-run"] .share[data-color="red"]').count()).toBe(0);
      expect(connections).toBeGreaterThanOrEqual(2);
      expect(errors).toEqual([]);
    },
  );
});
