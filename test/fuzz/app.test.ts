/**
 * Fuzz: `bluegreen serve` as a child process on 127.0.0.1 takes 10,000+ hostile requests (paths,
 * parameters, headers, bodies, methods, raw bytes, malformed upgrades, oversized headers, slowloris) and
 * must stay up, answer no 5xx it does not design, keep its memory bounded, and drain and exit 0 on SIGTERM.
 *
 * The 5xx the app answers on purpose: `/status/5xx` (its own body, `{ status, color, pod }`), injected
 * faults (ERROR_RATE; body `"error":"injected_fault"`, or no body for HEAD), `/cpu/:n` past its queue
 * (503 "already waiting"), `/readyz` while not ready. FAULTS_TOKEN is set and never sent, so hostile PUTs
 * reach validation but cannot turn every answer into an injected 500 or add seconds of latency.
 * The seed is printed; FUZZ_SEED=<seed> replays a run.
 */
import { afterAll, expect, it } from 'vitest';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import {
  Fuzz,
  nodeWarnings,
  normalRequest,
  rssMb,
  summary,
  terminate,
  type Designed5xx,
  POD_HEAP,
} from './drive.js';
import { fuzzSeed, hostileRequest, makeRng, rawPayload, type Surface } from './generate.js';

afterAll(killAllCli);

const SURFACE: Surface = {
  routes: [
    '/',
    '/api/info',
    '/healthz',
    '/readyz',
    '/metrics',
    '/api/faults',
    '/memory',
    '/index.html',
    '/assets/',
    '/favicon.ico',
  ],
  paramRoutes: ['/delay/', '/cpu/', '/memory/', '/status/'],
  bodyRoutes: ['/api/faults'],
};

const designed: Designed5xx = (status, path, body, method) => {
  const route = path.split('?')[0]!;
  const head = method === 'HEAD';
  if (head && status === 500) return true; // an injected fault, without its body
  if (body.includes('"error":"injected_fault"')) return true;
  if (route.startsWith('/status/') && (head || body.includes(`"status":${status}`))) return true;
  if (route.startsWith('/cpu/') && status === 503 && body.includes('already waiting')) return true;
  return route.startsWith('/readyz') && body.includes('"ready":false');
};

it('survives 10,000+ hostile requests: no crash, no undesigned 5xx, bounded memory, clean exit', async () => {
  const seed = fuzzSeed();
  console.log(`app fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
  const rng = makeRng(seed);

  const cli = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1'], {
    COLOR: 'blue',
    LOG_LEVEL: 'info',
    DRAIN_SECONDS: '0.5',
    SHUTDOWN_TIMEOUT_SECONDS: '10',
    ERROR_RATE: '0.01',
    MAX_DELAY_MS: '50',
    MAX_CPU_ITERATIONS: '2000000',
    MAX_MEMORY_MB: '16',
    FAULTS_TOKEN: 'never-sent-by-the-fuzz',
    ...POD_HEAP,
  });
  const port = Number((await cli.waitFor(/"port":(\d+)/))[1]);
  await cli.waitFor(/"msg":"ready"/);
  const pid = cli.child.pid!;
  const self = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 20; i++) await normalRequest(port, '/api/info');
  const rssBefore = rssMb(pid);

  const fuzz = new Fuzz(cli, designed);
  fuzz.begin('http');
  await fuzz.http(port, 8600, 24, () => hostileRequest(rng, SURFACE, self));
  fuzz.begin('raw');
  await fuzz.raw(port, 1500, 32, 250, () => rawPayload(rng, SURFACE));
  fuzz.begin('slowloris');
  const slowestProbeMs = await fuzz.slowloris(port, 100, 2000, () => normalRequest(port, '/healthz'));
  const rssAfter = fuzz.alive ? rssMb(pid) : NaN;
  fuzz.done();
  console.log(
    `app: ${summary(fuzz)}; RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB; slowest probe ${slowestProbeMs.toFixed(0)} ms`,
  );

  // A crash ends the fuzz early; it is reported below, with the inputs in flight.
  if (!fuzz.crash) expect.soft(fuzz.sent).toBeGreaterThanOrEqual(10_000);
  expect.soft(fuzz.crash, `seed ${seed}: the app exited during the fuzz`).toBeNull();
  expect.soft(fuzz.undesigned, `seed ${seed}: 5xx the app does not design`).toEqual([]);
  if (!Number.isNaN(rssAfter))
    expect.soft(rssAfter - rssBefore, `seed ${seed}: RSS growth in MiB`).toBeLessThan(150);
  expect.soft(slowestProbeMs, 'slowest /healthz during slowloris (ms)').toBeLessThan(1000);

  if (fuzz.alive) {
    const health = await normalRequest(port, '/healthz');
    expect.soft(health.status).toBe(200);
    const info = await normalRequest(port, '/api/info');
    expect.soft(info.status).toBe(200);
    expect.soft(JSON.parse(info.body)).toMatchObject({ color: 'blue' });
    const metrics = await normalRequest(port, '/metrics');
    expect
      .soft(metrics.body.length, '/metrics size after the fuzz (label cardinality)')
      .toBeLessThan(1_000_000);
  }
  expect.soft(await terminate(cli, 10_000), 'exit code after SIGTERM').toBe(0);
  expect.soft(cli.stdout()).toMatch(/"msg":"closed"/);
  expect.soft(nodeWarnings(cli.stderr()), 'Node warnings').toEqual([]);
  if (fuzz.crash) console.log(`crash: ${JSON.stringify(fuzz.crash, null, 2)}`);
}, 90_000);
