/**
 * Fuzz: `bluegreen demo --via ingress --allow-control` as a child process takes 10,000+ hostile inputs on
 * both ports it listens on, the dashboard (HTTP, raw bytes, malformed upgrades, hostile control frames,
 * slowloris) and the front door (the local Ingress, which passes them on to real app pods), then a burst of
 * valid rollout frames. It must stay up, answer no 5xx except where designed, keep its own memory bounded,
 * never run more than three times its replicas as pod processes, and on SIGTERM print and write its report;
 * every report keeps sent = responses + errors + timeouts + dropped.
 *
 * Designed 5xx: none from the dashboard; from the front door, the app's own (`/status/5xx`, injected faults:
 * hostile PUT /api/faults may turn them on, the pods have no FAULTS_TOKEN) and the Ingress's 503 when no pod
 * is ready. The rollout burst comes last, and 5xx during it are not judged (pods come and go on purpose).
 * The seed is printed; FUZZ_SEED=<seed> replays a run.
 */
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Report } from '../../protocol/report.js';
import { webDistDir } from '../../common/package-info.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import {
  Fuzz,
  childPids,
  collectReports,
  helloOf,
  invariantProblem,
  nodeWarnings,
  normalRequest,
  printedReportProblems,
  rssMb,
  someAsset,
  summary,
  terminate,
  type Designed5xx,
  POD_HEAP,
} from './drive.js';
import { fuzzSeed, hostileControl, hostileRequest, makeRng, rawPayload, type Surface } from './generate.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-fuzz-'));
afterAll(async () => {
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

const REPLICAS = 2;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const frontDoorDesigned: Designed5xx = (status, path, body, method) => {
  const route = path.split('?')[0]!;
  const head = method === 'HEAD';
  if (head && status === 500) return true; // an injected fault, without its body
  if (body.includes('"error":"injected_fault"')) return true;
  if (route.startsWith('/status/') && (head || body.includes(`"status":${status}`))) return true;
  if (route.startsWith('/cpu/') && status === 503 && body.includes('already waiting')) return true;
  return status === 503 && body.includes('no ready endpoints');
};

it('survives 10,000+ hostile inputs on its dashboard and front door, and a burst of rollouts', async () => {
  const seed = fuzzSeed();
  console.log(`demo fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
  const rng = makeRng(seed);
  const jsonFile = join(dir, 'report.json');

  const cli = spawnCli(
    [
      'demo',
      '--via',
      'ingress',
      '--ui',
      '0',
      '--port',
      '0',
      '--allow-control',
      '--replicas',
      String(REPLICAS),
      '--start-delay-seconds',
      '0',
      '--min-ready-seconds',
      '0',
      '--drain-seconds',
      '0',
      '--propagation-delay',
      '100ms',
      '--scale-down-delay',
      '1s',
      '--step-pause',
      '1s',
      '--rate',
      '20',
      '--max-rate',
      '50',
      '--timeout',
      '2s',
      '--json',
      jsonFile,
      '--quiet',
    ],
    POD_HEAP,
  );
  const doorPort = Number((await cli.waitFor(/front door: http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
  const uiPort = Number((await cli.waitFor(/dashboard: http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
  await cli.waitFor(/open the dashboard/, 30_000);
  const self = `http://127.0.0.1:${uiPort}`;
  const streamUrl = `ws://127.0.0.1:${uiPort}/api/stream`;
  const observer = collectReports(streamUrl, self);
  const pid = cli.child.pid!;
  for (let i = 0; i < 10; i++) await normalRequest(uiPort, '/');
  const rssBefore = rssMb(pid);

  const ui: Surface = {
    routes: [
      '/',
      '/index.html',
      someAsset(webDistDir),
      '/assets/',
      '/api/stream',
      '/dashboard/',
      '/x/api/stream',
    ],
    paramRoutes: ['/assets/', '/dashboard/', '/api/'],
    bodyRoutes: [],
  };
  const door: Surface = {
    routes: ['/', '/api/info', '/healthz', '/readyz', '/metrics', '/api/faults', '/memory', '/index.html'],
    paramRoutes: ['/delay/', '/cpu/', '/memory/', '/status/'],
    bodyRoutes: ['/api/faults'],
  };
  const atUi = new Fuzz(cli, () => false);
  const atDoor = new Fuzz(cli, frontDoorDesigned);
  const doorSelf = `http://127.0.0.1:${doorPort}`;

  atUi.begin('http');
  await atUi.http(uiPort, 3000, 16, () => hostileRequest(rng, ui, self));
  atDoor.begin('http');
  await atDoor.http(doorPort, 2500, 16, () => hostileRequest(rng, door, doorSelf));
  atUi.begin('websocket');
  const ws = await atUi.websocket(
    streamUrl,
    () => (rng.chance(0.8) ? self : rng.pick(['http://evil.example', 'null'])),
    6,
    1500,
    () => hostileControl(rng, false),
  );
  atDoor.begin('raw');
  await atDoor.raw(doorPort, 1000, 24, 250, () => rawPayload(rng, door));
  atUi.begin('raw');
  await atUi.raw(uiPort, 2000, 32, 250, () => rawPayload(rng, ui));
  atDoor.begin('slowloris');
  const slowestDoorMs = await atDoor.slowloris(doorPort, 50, 1500, () =>
    normalRequest(doorPort, '/api/info'),
  );
  atUi.begin('slowloris');
  const slowestUiMs = await atUi.slowloris(uiPort, 50, 1500, () => normalRequest(uiPort, '/'));
  const rssAfter = atUi.alive ? rssMb(pid) : NaN;
  atUi.done();
  atDoor.done();
  console.log(
    `demo dashboard: ${summary(atUi)}; ws replies ${ws.replies}, closes ${JSON.stringify([...ws.closes])}, refused ${ws.refused}`,
  );
  console.log(`demo front door: ${summary(atDoor)}`);
  console.log(
    `demo: RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB; slowest probe ${slowestDoorMs.toFixed(0)} ms (door), ${slowestUiMs.toFixed(0)} ms (dashboard)`,
  );

  const crash = atUi.crash ?? atDoor.crash;
  if (!crash) expect.soft(atUi.sent + atDoor.sent).toBeGreaterThanOrEqual(10_000);
  expect.soft(crash, `seed ${seed}: the demo exited during the fuzz`).toBeNull();
  expect.soft(atUi.undesigned, `seed ${seed}: 5xx from the dashboard server`).toEqual([]);
  expect.soft(atDoor.undesigned, `seed ${seed}: undesigned 5xx from the front door`).toEqual([]);
  // The demo process hosts the dashboard, the front door, the proxies' buffers and the load itself, and
  // takes twice the hostile traffic of the other parts. Measured here: +150 to +280 MiB, most of it in the
  // raw-socket phase, not yet explained (see the closing note of issue 11); this bound catches runaway growth.
  if (!Number.isNaN(rssAfter))
    expect
      .soft(rssAfter - rssBefore, `seed ${seed}: RSS growth of the demo process in MiB`)
      .toBeLessThan(400);
  expect.soft(slowestDoorMs, 'slowest front-door request during slowloris (ms)').toBeLessThan(1000);
  expect.soft(slowestUiMs, 'slowest GET / during slowloris (ms)').toBeLessThan(1000);

  // A burst of valid rollouts: one rollout at a time, never a crowd of pod processes.
  let mostPods = 0;
  if (!crash && atUi.alive) {
    const burst = new WebSocket(streamUrl, { origin: self });
    burst.on('error', () => undefined);
    await new Promise((resolve) => burst.once('open', resolve));
    for (let i = 0; i < 40; i++) burst.send(hostileControl(rng, true));
    for (let i = 0; i < 30; i++) {
      mostPods = Math.max(mostPods, childPids(pid).length);
      await sleep(100);
    }
    burst.terminate();
    console.log(`demo: at most ${mostPods} pod processes after 40 rollout frames`);
    expect
      .soft(mostPods, `seed ${seed}: pod processes during a burst of rollouts`)
      .toBeLessThanOrEqual(3 * REPLICAS);
  }

  if (atUi.alive) {
    const page = await normalRequest(uiPort, '/');
    expect.soft(page.status).toBe(200);
    expect.soft((await helloOf(streamUrl, self)).type).toBe('hello');
  }
  expect.soft(await terminate(cli, 15_000), 'exit code after SIGTERM').toBe(0);
  observer.stop();

  const printed = printedReportProblems(cli.stdout());
  expect.soft(printed.count, 'reports printed on the terminal').toBeGreaterThan(0);
  expect.soft(printed.problems, `seed ${seed}: printed reports`).toEqual([]);
  const streamed = observer.reports.map(invariantProblem).filter((p) => p !== null);
  expect.soft(streamed, `seed ${seed}: reports on the stream (${observer.reports.length})`).toEqual([]);
  let written: Report | null = null;
  try {
    written = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
  } catch {
    written = null;
  }
  expect.soft(written, '--json report written').not.toBeNull();
  if (written) expect.soft(invariantProblem(written), `seed ${seed}: --json report`).toBeNull();
  expect.soft(nodeWarnings(cli.stderr()), 'Node warnings').toEqual([]);
  if (crash) console.log(`crash: ${JSON.stringify(crash, null, 2)}`);
}, 90_000);
