/**
 * Fuzz: `bluegreen load … --ui 0 --serve --allow-control` as a child process, loading a local target, takes
 * 10,000+ hostile inputs on its dashboard port (HTTP requests, raw bytes, malformed WebSocket upgrades,
 * hostile control frames over the stream, slowloris) and must stay up, answer no 5xx (it designs none: its
 * only 503 is "the dashboard is not built", and the test runs on a build), keep its memory bounded, and on
 * SIGTERM print and write its report; every report of the session (each run the page restarted, from the
 * stream, the terminal and --json) keeps sent = responses + errors + timeouts + dropped.
 *
 * The target is hostile too, within bounds that keep the run short: identities with prototype names,
 * escapes and CSS, bodies instead of headers, random statuses, resets, slow answers past --timeout, and a
 * few bodies that trickle a byte every 200 ms until the target closes.
 * The seed is printed; FUZZ_SEED=<seed> replays a run.
 */
import { afterAll, expect, it } from 'vitest';
import { createServer, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Report } from '../../protocol/report.js';
import { webDistDir } from '../../common/package-info.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import {
  Fuzz,
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
  POD_HEAP,
} from './drive.js';
import {
  fuzzSeed,
  hostileControl,
  hostileRequest,
  makeRng,
  rawPayload,
  type Rng,
  type Surface,
} from './generate.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-fuzz-'));
const closers: (() => void)[] = [];
afterAll(async () => {
  await killAllCli();
  for (const close of closers) close();
  rmSync(dir, { recursive: true, force: true });
}, 90_000);

const PODS = ['blue-1', 'blue-2', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'p'.repeat(300)];
const COLORS = [
  'blue',
  'green',
  '__proto__',
  'red;background-image:url(http://evil.example/x);position:fixed',
  '#zzz',
];
const TRICKLES = 3;

/** A target that answers like a misbehaving app, from its own seeded sequence. */
async function hostileTarget(rng: Rng): Promise<{ url: string; close: () => void }> {
  let n = 0;
  let trickles = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res: ServerResponse) => {
    n++;
    const roll = rng.next();
    const pod = rng.chance(0.2) ? `pod-${n}` : rng.pick(PODS);
    const color = rng.pick(COLORS);
    if (roll < 0.05) return void res.socket?.destroy();
    if (roll < 0.07 && trickles < TRICKLES) {
      trickles++;
      res.writeHead(200, { color: 'blue', 'x-pod-name': 'trickle' });
      const timer = setInterval(() => res.write('.'), 200);
      timers.add(timer);
      return;
    }
    const answer = (): void => {
      if (roll < 0.2) {
        // No identity headers: the loadtester falls back to the JSON body.
        res.end(JSON.stringify({ color, pod: `${pod}\x1b[2J\x1b]0;title\x07\r\nspoofed line` }));
      } else {
        res.writeHead(roll < 0.3 ? 200 + rng.int(400) : 200, { color, 'x-pod-name': pod });
        res.end('{}');
      }
    };
    if (roll > 0.95) {
      const timer = setTimeout(answer, 300 + rng.int(1200));
      timers.add(timer);
    } else answer();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const close = (): void => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    server.close();
  };
  closers.push(close);
  return { url: `http://127.0.0.1:${port}/`, close };
}

it('survives 10,000+ hostile inputs on the dashboard port and keeps every report consistent', async () => {
  const seed = fuzzSeed();
  console.log(`loadtester UI fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
  const rng = makeRng(seed);
  const target = await hostileTarget(makeRng(seed + 1));
  const jsonFile = join(dir, 'report.json');

  const cli = spawnCli(
    [
      'load',
      target.url,
      '--ui',
      '0',
      '--ui-host',
      '127.0.0.1',
      '--serve',
      '--allow-control',
      '--rate',
      '40',
      '--max-rate',
      '100',
      '--timeout',
      '1s',
      '--json',
      jsonFile,
      '--quiet',
    ],
    POD_HEAP,
  );
  const uiPort = Number((await cli.waitFor(/dashboard: http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
  const self = `http://127.0.0.1:${uiPort}`;
  const streamUrl = `ws://127.0.0.1:${uiPort}/api/stream`;
  const observer = collectReports(streamUrl, self);
  closers.push(observer.stop);
  const pid = cli.child.pid!;
  for (let i = 0; i < 10; i++) await normalRequest(uiPort, '/');
  const rssBefore = rssMb(pid);

  const surface: Surface = {
    routes: [
      '/',
      '/index.html',
      someAsset(webDistDir),
      '/assets/',
      '/api/stream',
      '/dashboard/',
      '/dashboard',
      '/x/y/api/stream',
      '/favicon.ico',
    ],
    paramRoutes: ['/assets/', '/dashboard/', '/api/'],
    bodyRoutes: [],
  };
  const fuzz = new Fuzz(cli, () => false);
  fuzz.begin('http');
  await fuzz.http(uiPort, 6500, 24, () => hostileRequest(rng, surface, self));
  fuzz.begin('websocket');
  const ws = await fuzz.websocket(
    streamUrl,
    () => (rng.chance(0.8) ? self : rng.pick(['http://evil.example', 'null', 'http://127.0.0.1:1'])),
    8,
    1500,
    () => hostileControl(rng, false),
  );
  fuzz.begin('raw');
  await fuzz.raw(uiPort, 2000, 32, 250, () => rawPayload(rng, surface));
  fuzz.begin('slowloris');
  const slowestProbeMs = await fuzz.slowloris(uiPort, 100, 2000, () => normalRequest(uiPort, '/'));
  const rssAfter = fuzz.alive ? rssMb(pid) : NaN;
  fuzz.done();
  console.log(
    `loadtester UI: ${summary(fuzz)}; ws replies ${ws.replies}, closes ${JSON.stringify([...ws.closes])}, refused ${ws.refused}; ` +
      `RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB; slowest probe ${slowestProbeMs.toFixed(0)} ms`,
  );

  // A crash ends the fuzz early; it is reported below, with the inputs in flight.
  if (!fuzz.crash) expect.soft(fuzz.sent).toBeGreaterThanOrEqual(10_000);
  expect.soft(fuzz.crash, `seed ${seed}: the loadtester exited during the fuzz`).toBeNull();
  expect.soft(fuzz.undesigned, `seed ${seed}: 5xx from the dashboard server`).toEqual([]);
  if (!Number.isNaN(rssAfter))
    expect.soft(rssAfter - rssBefore, `seed ${seed}: RSS growth in MiB`).toBeLessThan(150);
  expect.soft(slowestProbeMs, 'slowest GET / during slowloris (ms)').toBeLessThan(1000);

  if (fuzz.alive) {
    const page = await normalRequest(uiPort, '/');
    expect.soft(page.status).toBe(200);
    expect.soft(page.body).toContain('<html');
    expect.soft((await helloOf(streamUrl, self)).type).toBe('hello');
  }
  expect.soft(await terminate(cli, 10_000), 'exit code after SIGTERM').toBe(0);
  observer.stop();
  target.close();

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
  if (fuzz.crash) console.log(`crash: ${JSON.stringify(fuzz.crash, null, 2)}`);
}, 90_000);
