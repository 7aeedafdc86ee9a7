/**
 * `--kube`'s watches against a stand-in API server (test/helpers/fake-kube-api.ts): no Kubernetes cluster
 * runs on the machines these tests run on, and the API server is the one thing outside this machine, so a
 * local HTTP server speaks list and watch as the real one does (newline-delimited watch events,
 * resourceVersion, bookmarks, 410 Gone, dropped connections, 403). Everything else is real: the kubeconfig
 * is read by @kubernetes/client-node, requests go over real sockets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../../loadtester/kube/cluster-view.js';
import { connectApi } from '../../../loadtester/kube/api-client.js';
import type { ListWatchTiming } from '../../../loadtester/kube/list-watch.js';
import { IDENTITY_VALUE_LIMIT } from '../../../protocol/outcomes.js';
import { watchCluster, type ClusterWatch } from '../../../loadtester/kube/watch-cluster.js';
import { FakeKubeApi } from '../../helpers/fake-kube-api.js';
import { until } from '../../helpers/until.js';
import {
  B1,
  B2,
  before,
  BLUE_RS,
  G1,
  NS,
  PATHS,
  pod,
  ROLLOUT,
  SELECTOR,
} from '../../helpers/rolling-update.js';

const FAST = { minMs: 20, maxMs: 100, healthyMs: 200, listTimeoutMs: 5000, idleTimeoutMs: 5000 };

let api: FakeKubeApi;
let watch: ClusterWatch | null = null;
let events: ClusterEvent[];
let problems: string[];

beforeEach(async () => {
  api = new FakeKubeApi();
  await api.listen();
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-kube-'));
  writeFileSync(join(dir, 'config'), api.kubeconfig(NS));
  process.env.KUBECONFIG = join(dir, 'config');
  events = [];
  problems = [];
});

afterEach(async () => {
  await watch?.close();
  watch = null;
  await api.close();
  delete process.env.KUBECONFIG;
});

function start(service: string | null = 'app', timing: Partial<ListWatchTiming> = {}): void {
  watch = watchCluster(
    { context: null, namespace: null, selector: SELECTOR, service },
    { event: (e) => events.push(e), problem: (line) => problems.push(line) },
    connectApi,
    { ...FAST, ...timing },
  );
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const key = (e: ClusterEvent): string => `${e.kind} ${e.pod ?? ''}`.trim();
const named = (kind: string, pod?: string): string => `${kind} ${pod ?? ''}`.trim();

/** Applies the steps one by one; each step's events must all arrive (in any order) before the next. */
async function play(steps = ROLLOUT, between?: (i: number) => Promise<void> | void): Promise<string[][]> {
  const seen: string[][] = [];
  for (const [i, step] of steps.entries()) {
    const from = events.length;
    step.apply(api);
    const wanted = step.expect.map(([k, p]) => named(k, p));
    const got = (): string[] =>
      events
        .slice(from)
        .filter((e) => e.kind !== 'rollout-progress')
        .map(key);
    await until(
      () => wanted.every((w) => got().includes(w)),
      () => `step ${i}: ${JSON.stringify(wanted)}, got ${JSON.stringify(got())}`,
    );
    seen.push(got());
    await between?.(i);
  }
  return seen;
}

const initialState = (): boolean => events.filter((e) => e.kind === 'endpoint-added').length === 2;

describe('watching a rolling update through the API', () => {
  it('streams pods, endpoints and progress in order, with colour, ReplicaSet and revision', async () => {
    before(api);
    start();
    await until(initialState, () => JSON.stringify(events.map(key)));
    expect(events.map(key).filter((k) => k.includes(B1))).toEqual([
      named('pod-added', B1),
      named('pod-scheduled', B1),
      named('pod-ready', B1),
      named('endpoint-added', B1),
    ]);
    expect(events.some((e) => e.kind === 'rollout-started')).toBe(false);

    const seen = await play();
    // Every step caused exactly what it should (plus nothing but progress).
    expect(seen).toEqual(ROLLOUT.map((s) => expect.arrayContaining(s.expect.map(([k, p]) => named(k, p)))));
    expect(seen.map((s) => s.length)).toEqual(ROLLOUT.map((s) => s.expect.length));

    const g1 = events.find((e) => e.kind === 'pod-ready' && e.pod === G1)!;
    expect(g1).toMatchObject({ color: 'green', replicaSet: 'app-7c6b5d4f8', revision: '2', source: 'kube' });
    const draining = events.find((e) => e.kind === 'endpoint-serving' && e.pod === B1)!;
    expect(draining).toMatchObject({
      color: 'blue',
      endpoint: { ready: false, serving: true, terminating: true },
    });
    const warning = events.find((e) => e.kind === 'warning')!;
    expect(warning.message).toMatch(/Readiness probe failed/);

    const progress = events.filter((e) => e.kind === 'rollout-progress').map((e) => e.rollout!);
    expect(progress[0]).toMatchObject({
      revision: '2',
      desired: 2,
      updated: 0,
      color: 'green',
      strategy: 'rolling',
    });
    expect(progress.at(-1)).toMatchObject({
      updated: 2,
      available: 2,
      newReady: 2,
      oldRemaining: 0,
      endpoints: 2,
    });
    const finished = events.find((e) => e.kind === 'rollout-finished')!;
    expect(finished.rollout).toMatchObject({ result: 'complete', id: progress[0]!.id });
    expect(problems).toEqual([]);
  });

  it('carries on after dropped connections and bookmarks, without repeating or losing a change', async () => {
    before(api);
    start();
    await until(initialState, () => JSON.stringify(events.map(key)));
    await play(ROLLOUT, (i) => {
      if (i % 2 === 0) api.dropWatches();
      else api.bookmarkAll();
    });
    const counts = new Map<string, number>();
    for (const e of events)
      if (e.kind !== 'rollout-progress') counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    // A reconnect resumes from the last resourceVersion seen (no relist).
    const watches = api.requests.filter(
      (r) => r.startsWith(`GET ${PATHS.pods}?`) && r.includes('watch=true'),
    );
    expect(watches.length).toBeGreaterThan(3);
    expect(
      watches.every((r) => /resourceVersion=\d+/.test(r) && r.includes('allowWatchBookmarks=true')),
    ).toBe(true);
    expect(
      api.requests.filter((r) => r.startsWith(`GET ${PATHS.pods}?`) && !r.includes('watch=true')),
    ).toHaveLength(1);
  });

  it('lists again after 410 Gone and tells only what changed meanwhile', async () => {
    before(api);
    start();
    await until(initialState, () => JSON.stringify(events.map(key)));
    await until(
      () => api.openWatches >= 5,
      () => `5 open watches, ${api.openWatches}`,
    );
    // The watches go away; while they are away, B1 terminates and the history is compacted.
    api.forbidden.add(PATHS.pods);
    api.dropWatches();
    await until(
      () => problems.length > 0,
      () => 'a problem',
    );
    api.put(PATHS.pods, {
      ...pod(B1, BLUE_RS, 'blue', { node: 'n1', deleting: true }),
    });
    api.compact();
    api.forbidden.delete(PATHS.pods);
    await until(
      () => events.some((e) => e.kind === 'pod-terminating'),
      () => 'pod-terminating after relist',
    );
    const lists = api.requests.filter((r) => r.startsWith(`GET ${PATHS.pods}?`) && !r.includes('watch=true'));
    expect(lists.length).toBe(2);
    const after = events.filter((e) => e.kind.startsWith('pod-'));
    // B2 was not touched: still one pod-added for it, no pod-gone.
    expect(after.filter((e) => e.pod === B2).map((e) => e.kind)).toEqual([
      'pod-added',
      'pod-scheduled',
      'pod-ready',
    ]);
    // "Again" once the new watch has been healthy a while, not at the first answer.
    await until(
      () => problems.some((p) => /watching pods in bluegreen again/.test(p)),
      () => `"again" in ${JSON.stringify(problems)}`,
    );
    const view = events.filter((e) => e.kind.startsWith('cluster-view-'));
    expect(view.map((e) => [e.kind, e.clusterView])).toEqual([
      ['cluster-view-failed', { problem: 'forbidden', resource: 'pods', namespace: NS, status: 403 }],
      ['cluster-view-back', { problem: 'forbidden', resource: 'pods', namespace: NS, status: 403 }],
    ]);
    expect(view[1]!.message).toBe('watching pods in bluegreen again');
  });

  it('says a 403 once, names the permission, and keeps watching the rest', async () => {
    api.forbidden.add(PATHS.events);
    before(api);
    start();
    await until(initialState, () => JSON.stringify(events.map(key)));
    // Several retries happen (fast backoff), the message is given once.
    await until(
      () => api.requests.filter((r) => r.startsWith(`GET ${PATHS.events}?`)).length >= 4,
      () => 'retries of the forbidden list',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /not allowed to watch events in namespace bluegreen \(403: events is forbidden/,
    );
    expect(problems[0]).toMatch(/get, list and watch on events/);
    await play(ROLLOUT.slice(0, 4));
  });

  it('says an unreachable API server once, and closes cleanly', async () => {
    const port = api.port;
    await api.close();
    api = new FakeKubeApi();
    await api.listen();
    process.env.KUBECONFIG = join(mkdtempSync(join(tmpdir(), 'bluegreen-kube-')), 'config');
    writeFileSync(
      process.env.KUBECONFIG,
      api.kubeconfig(NS).replace(`127.0.0.1:${api.port}`, `127.0.0.1:${port}`),
    );
    start();
    await until(
      () => problems.length > 0,
      () => 'a problem',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(problems).toEqual([
      expect.stringMatching(
        /cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); the load goes on/,
      ),
    ]);
    // The same line as the one event: the stream, the report and the page hear of it too.
    expect(events).toEqual([
      {
        t: expect.any(Number) as number,
        kind: 'cluster-view-failed',
        source: 'kube',
        message: problems[0]!.replace(/^--kube: /, ''),
        clusterView: { problem: 'unreachable', resource: expect.any(String) as string, namespace: NS },
      },
    ]);
  });

  it('says a missing kubeconfig context once, and does nothing else', async () => {
    watch = watchCluster(
      { context: 'nowhere', namespace: null, selector: SELECTOR, service: null },
      { event: (e) => events.push(e), problem: (line) => problems.push(line) },
    );
    expect(problems).toEqual([expect.stringMatching(/no context "nowhere" in the kubeconfig/)]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'cluster-view-failed',
        message: problems[0]!.replace(/^--kube: /, ''),
        clusterView: { problem: 'no-api', resource: '', namespace: '' },
      }),
    ]);
    await watch.close();
  });

  it('says a failing API once, and "again" only when every watch is healthy, never in between', async () => {
    before(api);
    let failing = true;
    let nth = 0;
    // Under strain: lists answer, watches alternate between 410 Gone (a relist) and 500.
    api.misbehave = (_req, res, url) => {
      if (!failing || url.searchParams.get('watch') !== 'true') return false;
      res.writeHead(nth % 2 ? 500 : 200, { 'content-type': 'application/json' });
      res.end(
        nth++ % 2
          ? JSON.stringify({ kind: 'Status', code: 500, message: 'etcdserver: request timed out' })
          : JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } }) +
              '\n',
      );
      return true;
    };
    start();
    await until(
      () => problems.length > 0,
      () => 'a problem',
    );
    await pause(1000);
    expect(problems).toEqual([
      expect.stringMatching(
        /^--kube: the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ answers \w+ with 500 \(etcdserver: request timed out\); the load goes on/,
      ),
    ]);
    failing = false;
    await until(
      () => problems.length > 1,
      () => 'the API back',
    );
    await pause(500);
    expect(problems.slice(1)).toEqual([
      expect.stringMatching(/^--kube: the Kubernetes API at \S+ answers again; cluster events resume$/),
    ]);
    await until(initialState, () => JSON.stringify(events.map(key)));
  });

  it('says a LIST that never answers (timed out), then that the API is back', async () => {
    before(api);
    let stalled = true;
    api.misbehave = () => stalled;
    start('app', { listTimeoutMs: 300 });
    await until(
      () => problems.length > 0,
      () => 'a problem',
    );
    expect(problems).toEqual([
      expect.stringMatching(/timed out on \w+ \(no answer to the list within 0\.3 s\); the load goes on/),
    ]);
    stalled = false;
    await until(initialState, () => JSON.stringify(events.map(key)));
    await until(
      () => problems.length > 1,
      () => 'the API back',
    );
    expect(problems[1]).toMatch(/answers again/);
    expect(
      events.filter((e) => e.kind.startsWith('cluster-view-')).map((e) => [e.kind, e.clusterView?.problem]),
    ).toEqual([
      ['cluster-view-failed', 'timed-out'],
      ['cluster-view-back', 'timed-out'],
    ]);
  });

  it('says a watch that went silent, then that the API is back', async () => {
    before(api);
    let silent = true;
    api.misbehave = (_req, res, url) => {
      if (!silent || url.searchParams.get('watch') !== 'true') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      return true;
    };
    start('app', { idleTimeoutMs: 300 });
    await until(
      () => problems.length > 0,
      () => 'a problem',
    );
    expect(problems).toEqual([
      expect.stringMatching(/timed out on \w+ \(the watch sent nothing for 0\.3 s\); the load goes on/),
    ]);
    silent = false;
    await until(
      () => problems.length > 1,
      () => 'the API back',
    );
    expect(problems[1]).toMatch(/answers again/);
  });

  it('skips a malformed object, says so once naming the resource, and keeps the resource watched', async () => {
    before(api);
    api.misbehave = (_req, res, url) => {
      if (url.pathname !== PATHS.pods || url.searchParams.get('watch') !== 'true') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { kind: 'Pod' } }) + '\n');
      res.write(JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 7 } } }) + '\n');
      res.end();
      api.misbehave = null;
      return true;
    };
    start();
    await until(initialState, () => JSON.stringify(events.map(key)));
    await play(ROLLOUT.slice(0, 4));
    expect(problems).toEqual([
      expect.stringMatching(
        /^--kube: skipped an object without metadata among the pods from \S+; the others/,
      ),
    ]);
  });

  it('cuts names and labels from the cluster to the identity cap', async () => {
    const huge = 'p'.repeat(6 * 1024 * 1024);
    api.put(PATHS.pods, {
      ...pod(huge, BLUE_RS, 'blue', { node: 'n'.repeat(100_000), ready: true }),
    });
    const big = api.object(PATHS.pods, huge)!;
    (big.metadata.labels as Record<string, string>).color = 'c'.repeat(100_000);
    api.put(PATHS.pods, big);
    start();
    await until(
      () => events.some((e) => e.kind === 'pod-scheduled'),
      () => 'the pod',
    );
    const added = events.find((e) => e.kind === 'pod-added')!;
    expect(added.pod!.length).toBe(IDENTITY_VALUE_LIMIT);
    expect(added.pod!.endsWith('…')).toBe(true);
    const scheduled = events.find((e) => e.kind === 'pod-scheduled')!;
    expect(scheduled.message!.length).toBeLessThanOrEqual(IDENTITY_VALUE_LIMIT + 3);
    expect(JSON.stringify(events).length).toBeLessThan(10_000);
  });
});
