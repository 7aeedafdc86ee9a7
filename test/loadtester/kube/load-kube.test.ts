/**
 * `bluegreen load --kube` end to end: the built CLI sends real load to a real app process (`bluegreen
 * serve`) while it watches a stand-in Kubernetes API server (test/helpers/fake-kube-api.ts: no cluster runs
 * on these machines, and the API server is the one thing outside this one) playing a rolling update. The
 * stream carries the cluster's events in order beside the ticks; API trouble is said once and the load goes on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMessage, Report } from '../../../protocol/stream.js';
import { spawnCli, type CliProcess } from '../../helpers/cli.js';
import { FakeKubeApi } from '../../helpers/fake-kube-api.js';
import { closedPort } from '../targets.js';
import { connect } from '../sessions.js';
import { B1, before, NS, PATHS, ROLLOUT, SELECTOR } from './rolling-update.js';

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

function load(extra: string[], kubeconfig = join(dir, 'config')): CliProcess {
  return spawnCli(
    [
      'load',
      appUrl,
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
    before(api);
    const cli = load(['--ui', '0', '--duration', '60s']);
    const [, url] = (await cli.waitFor(/dashboard: (http:\S+)/)) as RegExpMatchArray;
    const client = await connect(new URL('api/stream', url).href.replace('http', 'ws'));
    const events = (): EventMessage[] =>
      client.messages.flatMap((m) => (m.type === 'event' ? [m] : m.type === 'hello' ? m.history.events : []));
    const has = (kind: string, pod?: string): boolean =>
      events().some((e) => e.kind === kind && (pod === undefined || e.pod === pod));
    await until(() => events().filter((e) => e.kind === 'endpoint-added').length === 2);
    await client.next('tick');
    for (const step of ROLLOUT) {
      step.apply(api);
      await until(() => step.expect.every(([kind, pod]) => has(kind, pod)));
    }
    const order = events()
      .filter((e) => e.source === 'kube' && e.kind !== 'rollout-progress')
      .map((e) => `${e.kind} ${e.pod ?? ''}`.trim());
    const expected = ROLLOUT.flatMap((s) => s.expect.map(([k, p]) => `${k} ${p ?? ''}`.trim()));
    // Steps follow each other; within a step several watches race, so compare step by step as sets.
    let at = order.indexOf('rollout-started');
    for (const step of ROLLOUT) {
      const names = step.expect.map(([k, p]) => `${k} ${p ?? ''}`.trim());
      expect(new Set(order.slice(at, at + names.length))).toEqual(new Set(names));
      at += names.length;
    }
    expect(at).toBe(order.length);
    expect(expected).toHaveLength(order.length - order.indexOf('rollout-started'));
    expect(cli.stdout()).toMatch(/endpoint-serving\s+app-5d8f7c9b4-b1aaa blue/);

    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(report().sent).toBeGreaterThan(0);
    expect(cli.stderr()).toBe('');
  }, 60_000);

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

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
