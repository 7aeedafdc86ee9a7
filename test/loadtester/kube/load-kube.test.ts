/**
 * `bluegreen load --kube` end to end: the built CLI sends real load to a real app process (`bluegreen
 * serve`) while it watches a stand-in Kubernetes API server (test/helpers/fake-kube-api.ts: no cluster runs
 * on these machines, and the API server is the one thing outside this one) playing a rolling update; in
 * the first test the apps are the script's pods, behind the demo's Service proxy whose endpoints follow the
 * script's EndpointSlice. The stream carries the cluster's events in order beside the ticks, and the
 * traffic follows the endpoints; API trouble is said once and the load goes on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceProxy } from '../../../demo/service-proxy.js';
import type { EventMessage } from '../../../protocol/events.js';
import type { Report } from '../../../protocol/report.js';
import type { TickMessage } from '../../../protocol/run.js';
import { startApp } from '../../helpers/apps.js';
import { spawnCli, type CliProcess } from '../../helpers/cli.js';
import { FakeKubeApi } from '../../helpers/fake-kube-api.js';
import { closedPort } from '../../helpers/targets.js';
import { connect } from '../sessions.js';
import { B1, B2, before, G1, G2, NS, PATHS, ROLLOUT, SELECTOR } from '../../helpers/rolling-update.js';
import { until } from '../../helpers/until.js';

let api: FakeKubeApi;
let dir: string;
let app: CliProcess;
let appUrl: string;

beforeEach(async () => {
  api = new FakeKubeApi();
  await api.listen();
  dir = mkdtempSync(join(tmpdir(), 'bluegreen-load-kube-'));
  writeFileSync(join(dir, 'config'), api.kubeconfig(NS));
  app = spawnCli(['serve'], { PORT: '0', HOST: '127.0.0.1', COLOR: 'blue', POD_NAME: B1, LOG_LEVEL: 'info' });
  const listening = await app.waitFor(/\{[^\n]*"msg":"listening"[^\n]*\}/);
  appUrl = `http://127.0.0.1:${(JSON.parse(listening[0]) as { port: number }).port}/`;
  await app.waitFor(/"msg":"ready"/);
});

afterEach(async () => {
  app.kill('SIGKILL');
  await api.close();
});

function load(extra: string[], kubeconfig = join(dir, 'config'), target = appUrl): CliProcess {
  return spawnCli(
    [
      'load',
      target,
      '--kube',
      '--selector',
      SELECTOR,
      '--service',
      'app',
      '--rate',
      '20',
      '--json',
      join(dir, 'report.json'),
      ...extra,
    ],
    { KUBECONFIG: kubeconfig },
  );
}

const report = (): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;

describe('bluegreen load --kube', () => {
  it('streams the rollout beside the traffic, in order', async () => {
    // Real pods: an app process per pod of the script, behind the demo's Service proxy (a pod per
    // connection, as kube-proxy), whose endpoints follow the script's EndpointSlice.
    const apps = await Promise.all(
      [
        [B1, 'blue'],
        [B2, 'blue'],
        [G1, 'green'],
        [G2, 'green'],
      ].map(([pod, color]) => startApp(color!, { POD_NAME: pod!, DRAIN_SECONDS: '1' })),
    );
    const port = new Map([B1, B2, G1, G2].map((pod, i) => [pod, apps[i]!.port]));
    const proxy = new ServiceProxy();
    const proxyPort = await proxy.listen(0, '127.0.0.1');
    const followSlice = (): void => {
      const slice = api.object(PATHS.endpointslices, 'app-x7k2p') as unknown as {
        endpoints: { targetRef: { name: string }; conditions: { ready: boolean } }[];
      };
      proxy.setBackends(
        slice.endpoints
          .filter((e) => e.conditions.ready)
          .map((e) => ({ pod: e.targetRef.name, host: '127.0.0.1', port: port.get(e.targetRef.name)! })),
      );
    };
    try {
      before(api);
      followSlice();
      const cli = load(
        ['--ui', '0', '--duration', '60s', '--recycle', '10', '--rate', '40'],
        join(dir, 'config'),
        `http://127.0.0.1:${proxyPort}/`,
      );
      const [, url] = (await cli.waitFor(/dashboard: (http:\S+)/)) as RegExpMatchArray;
      const client = await connect(new URL('api/stream', url).href.replace('http', 'ws'));
      const events = (): EventMessage[] =>
        client.messages.flatMap((m) =>
          m.type === 'event' ? [m] : m.type === 'hello' ? m.history.events : [],
        );
      const ticks = (): TickMessage[] => client.messages.flatMap((m) => (m.type === 'tick' ? [m] : []));
      const has = (kind: string, pod?: string): boolean =>
        events().some((e) => e.kind === kind && (pod === undefined || e.pod === pod));
      await until(() => events().filter((e) => e.kind === 'endpoint-added').length === 2, 'two endpoints');
      await client.next('tick');
      for (const step of ROLLOUT) {
        step.apply(api);
        await until(
          () => step.expect.every(([kind, pod]) => has(kind, pod)),
          () => JSON.stringify(step.expect),
        );
        followSlice();
        // A second of traffic on each state of the endpoints.
        await until(() => ticks().length > 0 && ticks().at(-1)!.t > Date.now() - 200, 'a fresh tick');
        await client.next('tick');
      }
      await client.next('tick');
      const order = events()
        .filter((e) => e.source === 'kube' && e.kind !== 'rollout-progress')
        .map((e) => `${e.kind} ${e.pod ?? ''}`.trim());
      // Steps follow each other; within a step several watches race, so compare step by step as sets.
      let at = order.indexOf('rollout-started');
      for (const step of ROLLOUT) {
        const names = step.expect.map(([k, p]) => `${k} ${p ?? ''}`.trim());
        expect(new Set(order.slice(at, at + names.length))).toEqual(new Set(names));
        at += names.length;
      }
      expect(at).toBe(order.length);
      expect(cli.stdout()).toMatch(/endpoint-serving\s+app-5d8f7c9b4-b1aaa blue/);

      // The traffic follows the endpoints: no green response before G1 joined them, none for B1 after it left.
      const joined = events().find((e) => e.kind === 'endpoint-added' && e.pod === G1)!.t;
      const firstGreen = ticks().find((t) => (t.bucket.byColor.green ?? 0) > 0)!;
      expect(firstGreen.t).toBeGreaterThan(joined);
      // Once the blue pods left the endpoints and their connections were recycled, only green answers.
      await until(
        () =>
          ticks().some(
            (t) => t.t > joined && t.bucket.sent > 0 && Object.keys(t.bucket.byColor).join() === 'green',
          ),
        'a tick of green answers only',
      );

      cli.kill('SIGINT');
      expect(await cli.exited).toBe(0);
      const r = report();
      expect(Object.keys(r.byPod).sort()).toEqual([B1, B2, G1, G2].sort());
      expect(r.failed).toBe(0);
      expect(cli.stderr()).toBe('');
    } finally {
      await proxy.close();
      for (const app of apps) app.cli.kill('SIGKILL');
    }
  }, 90_000);

  it('says a 403 once per resource, and the load runs to its end', async () => {
    for (const path of Object.values(PATHS)) api.forbidden.add(path);
    const cli = load(['--duration', '3s']);
    expect(await cli.exited).toBe(0);
    const lines = cli.stderr().trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const resource of ['pods', 'replicasets', 'deployments', 'endpointslices', 'events'])
      expect(
        lines.filter((l) => l.includes(`not allowed to watch ${resource} in namespace bluegreen (403`)),
      ).toHaveLength(1);
    expect(report().responses['2xx']).toBeGreaterThan(0);
    expect(api.requests.length).toBeGreaterThan(5);
  }, 30_000);

  it("makes a 403 on pods a stream event, a report event and the incidents' cause", async () => {
    api.forbidden.add(PATHS.pods);
    // Every request refused: one incident, whose cause the missing pods might have told.
    const cli = load(
      ['--ui', '0', '--duration', '4s'],
      join(dir, 'config'),
      `http://127.0.0.1:${await closedPort()}/`,
    );
    const [, url] = (await cli.waitFor(/dashboard: (http:\S+)/)) as RegExpMatchArray;
    const client = await connect(new URL('api/stream', url).href.replace('http', 'ws'));
    const failedOnStream = (): EventMessage | undefined =>
      client.messages
        .flatMap((m) => (m.type === 'event' ? [m] : m.type === 'hello' ? m.history.events : []))
        .find((e) => e.kind === 'cluster-view-failed');
    await until(() => failedOnStream() !== undefined, 'cluster-view-failed on the stream');
    expect(failedOnStream()).toMatchObject({
      source: 'kube',
      clusterView: { problem: 'forbidden', resource: 'pods', namespace: NS, status: 403 },
    });
    expect(failedOnStream()!.message).toMatch(/not allowed to watch pods in namespace bluegreen \(403/);
    await cli.exited;
    // Among the terminal's event lines; and the stderr line stays.
    expect(cli.stdout()).toMatch(/cluster-view-failed\s+not allowed to watch pods in namespace bluegreen/);
    expect(cli.stderr()).toMatch(/not allowed to watch pods in namespace bluegreen \(403/);
    const r = report();
    expect(r.events?.filter((e) => e.kind === 'cluster-view-failed')).toEqual([
      expect.objectContaining({ clusterView: expect.objectContaining({ resource: 'pods' }) }),
    ]);
    expect(r.incidents?.length).toBeGreaterThan(0);
    for (const incident of r.incidents!) {
      expect(incident.cause).toBe('cluster-view-failing');
      expect(incident.evidence[0]).toMatch(
        /^cluster view failing from .*, never back: .*not allowed to watch pods/,
      );
    }
  }, 30_000);

  it('says an unreachable API server once, and the load runs to its end', async () => {
    const port = await closedPort();
    writeFileSync(
      join(dir, 'gone'),
      api.kubeconfig(NS).replace(`127.0.0.1:${api.port}`, `127.0.0.1:${port}`),
    );
    const cli = load(['--duration', '3s'], join(dir, 'gone'));
    expect(await cli.exited).toBe(0);
    expect(cli.stderr().trim().split('\n')).toEqual([
      `bluegreen: --kube: cannot reach the Kubernetes API at http://127.0.0.1:${port} (ECONNREFUSED); the load goes on without cluster events, retrying in the background`,
    ]);
    expect(report().responses['2xx']).toBeGreaterThan(0);
  }, 30_000);
});
