/**
 * Keep the run, end to end: a real `bluegreen load --html --json` run through the demo's Service proxy while
 * its backend switches from blue to green, then real headless Chromium opens the HTML file from file:// with
 * every network request aborted (and counted: the test fails on any). The page replays the run: its numbers
 * equal the JSON report's, and the slider moves the share shown (early on, blue only).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import type { RunSettings } from '../../protocol/run.js';
import { webDistDir } from '../../common/package-info.js';
import { Hub } from '../../loadtester/dashboard/hub.js';
import { startUiServer, type UiServer } from '../../loadtester/dashboard/ui-server.js';
import {
  closeAllBrowsers,
  launchBrowser,
  newPage,
  screenshot,
  waitForExpression,
} from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { ServiceProxy } from '../../demo/service-proxy.js';
import { until } from '../helpers/until.js';
import { startApp } from '../helpers/apps.js';
import { IncidentFinder } from '../../loadtester/count/incidents.js';
import { TimelineRecorder } from '../../loadtester/count/timeline.js';
import { syntheticRun } from '../helpers/run-ticks.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-e2e-replay-'));
const jsonFile = join(dir, 'run.json');
const htmlFile = join(dir, 'run.html');
let proxy: ServiceProxy | null = null;
let ui: UiServer | null = null;
let report: Report;

afterAll(async () => {
  await closeAllBrowsers();
  await proxy?.close();
  await ui?.close();
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The run's requests per colour as "This run" shows them: the Outcomes table's (due requests by who
 * answered), the front door's and unknown's together as "no response".
 */
function dueByColor(a: NonNullable<Report['attribution']>): Record<string, number> {
  const due = (g: { sent: number; skipped: number }): number => g.sent + g.skipped;
  const shown = Object.fromEntries(Object.entries(a.colors).map(([c, g]) => [c, due(g)]));
  const none = due(a.frontDoor) + due(a.unknown);
  return none > 0 ? { ...shown, 'no response': none } : shown;
}

async function runShares(page: import('playwright-core').Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const row of await page.locator('[data-testid="share-run"] .share').all()) {
    counts[(await row.getAttribute('data-color')) ?? ''] = Number(await row.getAttribute('data-count'));
  }
  return counts;
}

/** A run whose backend switches from blue to green halfway, kept as JSON and as an HTML page. */
beforeAll(async () => {
  const [blue, green] = await Promise.all([startApp('blue'), startApp('green')]);
  proxy = new ServiceProxy();
  const port = await proxy.listen(0, '127.0.0.1');
  const backend = (app: typeof blue) => ({ pod: app.pod, host: '127.0.0.1', port: app.port });
  proxy.setBackends([backend(blue)]);
  // A fresh connection per request, so the switch of backends shows at once.
  const load = spawnCli([
    'load',
    `http://127.0.0.1:${port}/api/info`,
    '--rate',
    '60',
    '--duration',
    '6s',
    '--no-keepalive',
    '--quiet',
    '--json',
    jsonFile,
    '--html',
    htmlFile,
  ]);
  // Halfway: once blue has answered half of the run's 360 requests (these polls included), however long
  // the CLI took to start.
  const served = async (): Promise<number> =>
    ((await (await fetch(`${blue.url}api/info`)).json()) as { requestsServed: number }).requestsServed;
  await until(async () => (await served()) >= 180, 'blue to answer 180 requests', {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  proxy.setBackends([backend(green)]);
  expect(await load.exited).toBe(0);
  report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
  expect(report.byColor.blue).toBeGreaterThan(0);
  expect(report.byColor.green).toBeGreaterThan(0);
}, 60_000);

describe('the HTML report', () => {
  it(
    'replays the run from file:// with no network, and its slider scrubs it',
    { timeout: 120_000 },
    async () => {
      const html = readFileSync(htmlFile, 'utf8');
      expect(html).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*stylesheet/);

      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      const pageUrl = pathToFileURL(htmlFile).href;
      const requests: string[] = [];
      await page.context().route('**/*', async (route) => {
        const url = route.request().url();
        if (url === pageUrl) return route.continue();
        requests.push(url);
        await route.abort();
      });
      page.on('request', (request) => {
        if (request.url() !== pageUrl && !requests.includes(request.url())) requests.push(request.url());
      });
      await page.goto(pageUrl);
      await page.waitForSelector('[data-testid="mode"]:has-text("replay")', { timeout: 20_000 });
      await page.waitForSelector('[data-testid="summary"]', { timeout: 20_000 });
      await screenshot(page, 'replay-end');

      // At the end: the run's numbers, as the report has them, its latency per colour and pod too (not
      // percentiles estimated again from the ticks').
      expect(await runShares(page)).toEqual(dueByColor(report.attribution!));
      for (const [color, g] of Object.entries(report.attribution!.colors)) {
        const row = page.locator(`[data-testid="attribution"] tr[data-name="${color}"]`);
        expect(await row.getAttribute('data-p50')).toBe(String(g.latency.p50));
        expect(await row.getAttribute('data-p99')).toBe(String(g.latency.p99));
        expect(Number(await row.getAttribute('data-share'))).toBeCloseTo(g.share, 4);
        const share = page.locator(`[data-testid="share-run"] .share[data-color="${color}"]`);
        expect(await share.getAttribute('data-share')).toBe(await row.getAttribute('data-share'));
      }
      // The percentiles under the latency chart: the run's, as the report says them.
      const percentiles = page.getByTestId('latency-percentiles');
      expect(await percentiles.getAttribute('data-scope')).toBe('run');
      expect(await percentiles.getAttribute('data-p99')).toBe(String(report.latency.p99));
      for (const [pod, p] of Object.entries(report.attribution!.pods)) {
        expect(await page.getAttribute(`[data-testid="pods"] [data-pod="${pod}"]`, 'data-p99')).toBe(
          String(p.latency.p99),
        );
      }
      const errorCounts = page.locator('[data-testid="errors"] caption');
      expect(await errorCounts.textContent()).toContain(`sent ${report.sent.toLocaleString('en')}`);
      for (const [kind, count] of [
        ['timeouts', report.timeouts],
        ['refused', report.errors.refused],
        ['dropped', report.dropped],
        ['5xx', report.responses['5xx']],
      ] as const) {
        expect(await page.getAttribute(`[data-testid="errors"] tr[data-kind="${kind}"]`, 'data-count')).toBe(
          String(count),
        );
      }
      const ticks = report.timeline!.ticks.length;
      expect(await page.getAttribute('[data-testid="replay-time"]', 'data-position')).toBe(String(ticks));
      // The pods the run met, and the run's events.
      await page.waitForSelector('[data-testid="pods"] [data-pod="green-pod"]');
      await page.waitForSelector('[data-testid="pods"] [data-pod="blue-pod"]');
      expect(await page.locator('[data-testid="events"] li').count()).toBe(report.events!.length);

      // Early in the run only blue answered: the slider shows the run as it stood then.
      const slider = page.locator('[data-testid="replay-slider"]');
      await slider.fill('1');
      await waitForExpression(page, `document.querySelector('[data-testid="summary"]') === null`, 5000);
      const early = await runShares(page);
      expect(Object.keys(early)).toEqual(['blue']);
      const first = report.timeline!.ticks[0]!.bucket.attribution.colors.blue!;
      expect(early.blue).toBe(first.sent + first.skipped);
      await screenshot(page, 'replay-early');
      // And back to the end.
      await slider.fill(String(ticks));
      await page.waitForSelector('[data-testid="summary"]', { timeout: 5000 });
      expect(await runShares(page)).toEqual(dueByColor(report.attribution!));

      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it(
    'replays a report beside the page (?report=URL), and one dropped on the page',
    { timeout: 120_000 },
    async () => {
      // The built dashboard served as the loadtester serves it, with the report beside it.
      const web = join(dir, 'web');
      cpSync(webDistDir, web, { recursive: true });
      cpSync(jsonFile, join(web, 'run.json'));
      const hub = new Hub({
        settings: () => ({}) as RunSettings,
        control: () => {
          throw new Error('no controls here');
        },
      });
      ui = await startUiServer({ port: 0, hub, webDir: web });
      const browser = await launchBrowser();
      const { page, errors } = await newPage(browser);
      await page.goto(`${ui.url}?report=run.json`);
      await page.waitForSelector('[data-testid="mode"]:has-text("replay")', { timeout: 20_000 });
      await page.waitForSelector('[data-testid="summary"]', { timeout: 20_000 });
      expect(await runShares(page)).toEqual(dueByColor(report.attribution!));

      // Another report dropped on the page replaces it: here the run's first two ticks only.
      const short = structuredClone(report);
      short.timeline!.ticks = short.timeline!.ticks.slice(0, 2);
      // Its totals are those two ticks' alone: no attribution of its own, as in an older report.
      delete short.attribution;
      const drop = async (text: string): Promise<void> => {
        // A string, evaluated in the page: the test's own types have no DOM.
        const dataTransfer = await page.evaluateHandle(
          `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(text)}], 'run.json')); return t; })()`,
        );
        await page.dispatchEvent('main', 'drop', { dataTransfer });
      };
      await drop(JSON.stringify(short));
      await page.waitForSelector('[data-testid="replay-time"][data-position="2"]', { timeout: 5000 });
      const blueInTwo = short.timeline!.ticks.reduce((n, t) => {
        const g = t.bucket.attribution.colors.blue;
        return n + (g ? g.sent + g.skipped : 0);
      }, 0);
      expect((await runShares(page)).blue).toBe(blueInTwo);

      // A run with failures every second (one incident from start to end), made by the real tally and
      // incident finder: with the slider early on, the incident holds only the failures up to it.
      const { ticks } = syntheticRun({ seconds: 12, rate: 50, pods: 4 });
      const recorder = new TimelineRecorder();
      const finder = new IncidentFinder();
      for (const tick of ticks) {
        recorder.tick(tick);
        finder.tick(tick);
      }
      const failing: Report = {
        ...structuredClone(report),
        sent: ticks.at(-1)!.total.sent,
        timeline: recorder.timeline({ ...report.timeline!.settings }),
        events: [],
        incidents: finder.incidents(),
      };
      delete failing.attribution;
      await drop(JSON.stringify(failing));
      await page.waitForSelector('[data-testid="replay-time"][data-position="12"]', { timeout: 5000 });
      const incident = page.getByTestId('incident');
      expect(await incident.getAttribute('data-failed')).toBe(String(failing.incidents![0]!.failed));
      await page.getByTestId('replay-slider').fill('4');
      await page.waitForSelector('[data-testid="replay-time"][data-position="4"]', { timeout: 5000 });
      const upTo4 = ticks.slice(0, 4).reduce((n, t) => {
        const a = t.bucket.attribution;
        return (
          n +
          Object.values(a.colors).reduce((m, c) => m + c.failed, 0) +
          a.frontDoor.failed +
          a.unknown.failed
        );
      }, 0);
      await expect.poll(() => incident.getAttribute('data-failed')).toBe(String(upTo4));
      expect(upTo4).toBeLessThan(failing.incidents![0]!.failed);

      // A file that is not a report: the page says so and keeps what it showed.
      await drop('hello');
      await page.waitForSelector('[data-testid="replay-error"]:has-text("not JSON")', { timeout: 5000 });
      expect(await page.getAttribute('[data-testid="replay-time"]', 'data-position')).toBe('4');
      expect(errors).toEqual([]);
    },
  );
});
