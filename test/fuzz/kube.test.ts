/**
 * Fuzz: `--kube`'s cluster client (loadtester/kube/) against a hostile stand-in API server
 * (test/helpers/fake-kube-api.ts, a real HTTP server on 127.0.0.1: no cluster runs here). Each case gives
 * each of the five watched resources a behaviour drawn from the seed: stalls (a LIST or a watch that never
 * answers, a watch accepted then silent, a body that drips), floods (events as fast as the socket takes
 * them), huge lines, bad objects and non-JSON, status codes with and without Retry-After (sane, huge,
 * garbage), 410 loops, watches that end at once, ERROR events, connections cut at random points. Then the
 * server behaves again.
 *
 * Properties, per case: no resource costs the server more requests than backoff allows while hostile
 * (with the small settings below: 20 ms doubling to 200 ms); no unhandled rejection; each problem line is
 * said once, and no "again" while a resource still fails; once the server behaves, every resource is
 * watched again, a new pod shows up, and every problem said has its "again"; close() is prompt. Cases are
 * bounded (1.5 s hostile, 6 s to recover). The seed is printed; FUZZ_SEED=<seed> replays a run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectApi } from '../../loadtester/kube/api-client.js';
import type { ClusterEvent } from '../../loadtester/kube/cluster-view.js';
import { watchCluster } from '../../loadtester/kube/watch-cluster.js';
import { FakeKubeApi } from '../helpers/fake-kube-api.js';
import { before, BLUE_RS, NS, PATHS, pod, SELECTOR } from '../helpers/rolling-update.js';
import { until } from '../helpers/until.js';
import { fuzzSeed, makeRng, type Rng } from './generate.js';

const CASES = 12;
const HOSTILE_MS = 1500;
const RECOVER_MS = 6000;
const TIMING = {
  minMs: 20,
  maxMs: 200,
  resetAfterMs: 120_000,
  retryAfterMaxMs: 1000,
  // Short enough to meet every stall while hostile, long enough that a busy machine meets none after.
  listTimeoutMs: 800,
  idleTimeoutMs: 800,
  healthyMs: 200,
};
/**
 * What backoff allows one resource in `ms`: two requests per failure (a 410 relists), the doubling steps,
 * then one failure per maxMs/2; plus a watch that stays healthy and is ended re-watched once per healthyMs.
 */
const ALLOWED =
  2 * (5 + Math.ceil(HOSTILE_MS / (TIMING.maxMs / 2))) + Math.ceil(HOSTILE_MS / TIMING.healthyMs);

type Behaviour = (rng: Rng) => Hostile;
/** Answers one request its way; `heal` ends whatever it still holds open. */
type Hostile = (req: IncomingMessage, res: ServerResponse, url: URL, held: Set<ServerResponse>) => boolean;

const isWatch = (url: URL): boolean => url.searchParams.get('watch') === 'true';
const line = (event: unknown): string => JSON.stringify(event) + '\n';
const STATUSES = [400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504];

function garbage(rng: Rng): string {
  return rng.pick([
    () => '{"type":"ADDED","object":',
    () => rng.bytes(rng.int(200)).toString('latin1').replace(/\n/g, ' '),
    () => line({ type: 'ADDED' }).trim(),
    () => line({ type: 'ADDED', object: null }).trim(),
    () => line({ type: 'ADDED', object: [] }).trim(),
    () => line({ type: 'ADDED', object: { metadata: null } }).trim(),
    () => line({ type: 'MODIFIED', object: { metadata: { name: rng.int(1e6) } } }).trim(),
    () => line({ type: 'DELETED', object: { metadata: { name: '' } } }).trim(),
    () => line({ type: 'NOPE', object: { metadata: { name: 'x' } } }).trim(),
    () => '{"type":"ADDED","object":{"__proto__":{"polluted":1},"metadata":{"name":"hostile-proto"}}}',
    () =>
      line({
        type: 'ADDED',
        object: {
          metadata: {
            name: 'hostile-odd',
            labels: 7,
            ownerReferences: 'x',
            resourceVersion: 'v'.repeat(5000),
          },
          spec: [],
          status: { conditions: 'ready', containerStatuses: [null, 3, { restartCount: 'many' }] },
        },
      }).trim(),
    () => line({ type: 'ERROR', object: 'not a status' }).trim(),
    () => line({ type: 'BOOKMARK', object: { metadata: { resourceVersion: { n: 1 } } } }).trim(),
  ])();
}

const BEHAVIOURS: Record<string, Behaviour> = {
  normal: () => () => false,
  'stall everything': () => (_req, res, _url, held) => (held.add(res), true),
  'stall the watch': () => (_req, res, url, held) => isWatch(url) && (held.add(res), true),
  'silent watch': () => (_req, res, url, held) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
    held.add(res);
    return true;
  },
  'drip the list': (rng) => (_req, res, url, held) => {
    if (isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    held.add(res);
    const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(' ')), 20 + rng.int(80));
    res.on('close', () => clearInterval(drip));
    return true;
  },
  'flood of events': (rng) => (_req, res, url, held) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    held.add(res);
    let n = 0;
    const more = (): void => {
      while (!res.destroyed) {
        const name = `hostile-${rng.int(5000)}`;
        const object = { ...pod(name, BLUE_RS, 'blue', { ready: rng.chance(0.5) }), kind: 'Pod' };
        object.metadata.resourceVersion = String(1000 + n++);
        if (!res.write(line({ type: rng.pick(['ADDED', 'MODIFIED', 'DELETED']), object }))) {
          res.once('drain', more);
          return;
        }
      }
    };
    more();
    return true;
  },
  'huge line': (rng) => (_req, res, url, held) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    held.add(res);
    res.write(`{"type":"ADDED","object":{"metadata":{"name":"`);
    const block = 'h'.repeat(1 << 20);
    for (let i = 0; i < 8 + rng.int(3); i++) res.write(block);
    res.write('"}}}\n');
    return true;
  },
  'bad objects': (rng) => (_req, res, url, held) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    held.add(res);
    for (let i = 0; i < 1 + rng.int(30); i++) res.write(garbage(rng) + '\n');
    return true;
  },
  'bad list': (rng) => (_req, res, url) => {
    if (isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      rng.pick([
        'not json',
        '{"items":"many"}',
        '{"metadata":{"resourceVersion":"1"}}',
        '[]',
        'null',
        JSON.stringify({ metadata: { resourceVersion: '101' }, items: [null, 1, { metadata: {} }] }),
      ]),
    );
    return true;
  },
  status: (rng) => {
    const code = rng.pick(STATUSES);
    const retry = rng.pick([null, '0', '1', '99999', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT']);
    const body = rng.pick(['{"kind":"Status","message":"no"}', 'plain words', 'x'.repeat(100_000), '']);
    const onWatch = rng.chance(0.5);
    return (_req, res, url) => {
      if (onWatch && !isWatch(url)) return false;
      res.writeHead(code, { 'content-type': 'application/json', ...(retry ? { 'retry-after': retry } : {}) });
      res.end(body);
      return true;
    };
  },
  '410 loop': () => (_req, res, url) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      line({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } }),
    );
    return true;
  },
  'watch ends at once': () => (_req, res, url) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end();
    return true;
  },
  'ERROR event': (rng) => (_req, res, url) => {
    if (!isWatch(url)) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(line({ type: 'ERROR', object: { kind: 'Status', code: rng.pick(STATUSES), message: 'boom' } }));
    return true;
  },
  'cut the connection': (rng) => (_req, res, url) => {
    const when = rng.int(3);
    if (when === 0) res.socket?.destroy();
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(isWatch(url) ? '{"type":"ADDED","obj' : '{"kind":"List","items":[');
      setTimeout(() => res.socket?.destroy(), when === 1 ? 0 : rng.int(150));
    }
    return true;
  },
};

const NAMES = Object.keys(BEHAVIOURS);
const RESOURCE_PATHS = [PATHS.pods, PATHS.replicasets, PATHS.deployments, PATHS.events, PATHS.endpointslices];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it(`keeps a hostile API server's cost bounded and recovers: ${CASES} seeded cases`, async () => {
  const seed = fuzzSeed();
  console.log(`kube fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
  const rng = makeRng(seed);
  // Most requests one resource sent in a case, by behaviour.
  const cost = new Map<string, number>();
  // Behaviours go round the resources in turn, so every one is met in every run; where it starts, and each one's details, are the seed's.
  const offset = rng.int(NAMES.length);
  for (let i = 0; i < CASES; i++) {
    const plan = RESOURCE_PATHS.map((path, r) => {
      const name = NAMES[(i * RESOURCE_PATHS.length + r + offset) % NAMES.length]!;
      return { path, name, answer: BEHAVIOURS[name]!(rng) };
    });
    const what = `case ${i} (seed ${seed}): ${plan.map((p) => `${p.path.split('/').at(-1)}: ${p.name}`).join(', ')}`;
    await runCase(plan, what, cost);
  }
  expect(unhandled).toEqual([]);
  console.log(
    `kube fuzz: ${CASES} cases × ${RESOURCE_PATHS.length} resources; most requests by one resource in ` +
      `${HOSTILE_MS} ms (allowed ${ALLOWED}): ${JSON.stringify(Object.fromEntries(cost))}`,
  );
}, 180_000);

async function runCase(
  plan: { path: string; name: string; answer: Hostile }[],
  what: string,
  cost: Map<string, number>,
): Promise<void> {
  const api = new FakeKubeApi({ bookmarkEveryMs: 150 });
  await api.listen();
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-kube-fuzz-'));
  writeFileSync(join(dir, 'config'), api.kubeconfig(NS));
  process.env.KUBECONFIG = join(dir, 'config');
  before(api);
  const held = new Set<ServerResponse>();
  api.misbehave = (req, res, url) =>
    plan.find((p) => p.path === url.pathname)?.answer(req, res, url, held) ?? false;
  const events: ClusterEvent[] = [];
  const problems: string[] = [];
  const watch = watchCluster(
    { context: null, namespace: null, selector: SELECTOR, service: 'app' },
    { event: (e) => events.push(e), problem: (l) => problems.push(l) },
    connectApi,
    TIMING,
  );
  try {
    await pause(HOSTILE_MS);
    for (const { path, name } of plan) {
      const sent = api.requests.filter((r) => r.startsWith(`GET ${path}?`)).length;
      cost.set(name, Math.max(cost.get(name) ?? 0, sent));
      expect(sent, `${what}: ${name} on ${path} cost ${sent} requests`).toBeLessThanOrEqual(ALLOWED);
    }
    const hostileLines = [...problems];
    expect(new Set(hostileLines).size, `${what}: said twice: ${JSON.stringify(hostileLines)}`).toBe(
      hostileLines.length,
    );
    expect(
      hostileLines.filter((l) => / again/.test(l)),
      `${what}: "again" while still failing`,
    ).toEqual([]);

    // The server behaves again.
    api.misbehave = null;
    for (const res of held) res.destroy();
    const told = (): string[] => problems.filter((l) => !/ again/.test(l) && !/^--kube: skipped /.test(l));
    const againFor = (l: string): RegExp =>
      l.includes('not allowed to watch')
        ? new RegExp(`watching ${/watch (\w+) in/.exec(l)![1]} in ${NS} again`)
        : /answers again/;
    const name = `recovered-${Math.floor(Math.random() * 1e9)}`;
    api.put(PATHS.pods, pod(name, BLUE_RS, 'blue', { node: 'n1' }));
    await until(
      () =>
        api.openWatches >= RESOURCE_PATHS.length &&
        events.some((e) => e.kind === 'pod-added' && e.pod === name) &&
        told().every((l) => problems.some((p) => againFor(l).test(p))),
      () => `${what}: recovery; ${api.openWatches} open watches, problems ${JSON.stringify(problems)}`,
      { timeoutMs: RECOVER_MS, intervalMs: 10 },
    );
    const tellings = problems.filter((l) => !/ again/.test(l));
    expect(new Set(tellings).size, `${what}: said twice: ${JSON.stringify(problems)}`).toBe(tellings.length);
    expect(problems.filter((l) => /answers again/.test(l)).length).toBeLessThanOrEqual(1);
  } finally {
    const closing = Date.now();
    await watch.close();
    expect(Date.now() - closing, `${what}: close()`).toBeLessThan(2000);
    api.misbehave = null;
    await api.close();
    delete process.env.KUBECONFIG;
  }
}
