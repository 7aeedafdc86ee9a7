/**
 * `bluegreen demo` end to end: real app processes, the real proxies, the real loadtester. Runs that do
 * not disturb each other go side by side to keep the file near three minutes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import type { Report } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import type { ServerMessage } from '../../protocol/stream.js';
import {
  eventSeconds,
  invariantHolds,
  leftovers,
  listen,
  parseDemoOutput,
  podProcesses,
  ticksOf,
} from '../helpers/demo.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-demo-'));
const started: CliProcess[] = [];

// Quicker pods than the manifest's, so a whole rollout fits well inside the run.
const FAST = ['--start-delay-seconds', '2', '--min-ready-seconds', '1', '--port', '0'];

interface Finished {
  code: number | string;
  stdout: string;
  stderr: string;
  report: Report;
  messages: ServerMessage[];
}

let runs = 0;
async function demo(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<Finished> {
  const json = join(dir, `report-${++runs}.json`);
  const cli = spawnCli(['demo', '--headless', '--ui', '0', '--json', json, ...FAST, ...args], env);
  started.push(cli);
  const dashboard = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
  const stream = listen(dashboard[1]!);
  const timer = setTimeout(() => cli.kill('SIGKILL'), timeoutMs);
  const code = await cli.exited;
  clearTimeout(timer);
  stream.close();
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  return { code, stdout: cli.stdout(), stderr: cli.stderr(), report, messages: stream.messages };
}

afterEach(async () => {
  // Also after a failure: end the demos, then prove their pods and ports are gone.
  await killAllCli();
  const output = parseDemoOutput(started.map((c) => c.stdout()).join('\n'));
  started.length = 0;
  expect(await leftovers(output)).toEqual({ processes: [], ports: [] });
});

process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

function expectRollingUpdate(run: Finished): void {
  const { report, code } = run;
  expect(code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  expect(report.sent).toBeGreaterThanOrEqual(10_000);
  expect(report.rate.achieved).toBeGreaterThanOrEqual(200);
  expect(report.failed).toBe(0);
  expect(report.sent).toBe(report.responses['2xx']);
  expect(report.switchOver).toMatchObject({ from: 'blue', to: 'green' });

  const ticks = ticksOf(run.messages);
  expect(ticks.length).toBeGreaterThanOrEqual(45);
  for (const tick of ticks) expect(invariantHolds(tick), JSON.stringify(tick)).toBe(true);
  // Ticks that saw responses (a starved first or closing tick may have none).
  const seen = ticks.map((t) => Object.keys(t.bucket.byColor)).filter((c) => c.length > 0);
  for (const i of [0, 1, 2]) expect(seen.at(i)).toEqual(['blue']);
  for (const i of [-1, -2, -3]) expect(seen.at(i)).toEqual(['green']);

  const kinds = new Set(run.messages.flatMap((m) => (m.type === 'event' ? [m.kind] : [])));
  for (const kind of [
    'pod-added',
    'pod-ready',
    'pod-terminating',
    'pod-gone',
    'rollout-started',
    'rollout-finished',
  ]) {
    expect(kinds).toContain(kind);
  }
  expect(run.stdout).toMatch(/rollout-finished\s+green\s+rolling rollout to green \(v2\): complete/);
}

describe('bluegreen demo', () => {
  it('rolls blue to green with 0 lost requests through the Service and through the Ingress', async () => {
    const args = [
      '--strategy',
      'rolling',
      '--rollout-after',
      '5s',
      '--duration',
      '60s',
      '--rate',
      '210',
      '--max-errors',
      '0',
    ];
    const [service, ingress] = await Promise.all([
      demo(['--via', 'service', ...args]),
      demo(['--via', 'ingress', ...args]),
    ]);
    expectRollingUpdate(service);
    expectRollingUpdate(ingress);
    console.log(
      'rolling update:',
      JSON.stringify({
        service: {
          sent: service.report.sent,
          failed: service.report.failed,
          switchOver: service.report.switchOver,
        },
        ingress: {
          sent: ingress.report.sent,
          failed: ingress.report.failed,
          switchOver: ingress.report.switchOver,
        },
      }),
    );
  }, 150_000);

  it('shows the requests a recreate loses and those lost without a drain; a canary loses none', async () => {
    const common = ['--rollout-after', '3s', '--duration', '35s', '--rate', '100', '--max-errors', '0'];
    const [recreate, noDrain, canary] = await Promise.all([
      demo(['--strategy', 'recreate', ...common]),
      // DRAIN_SECONDS from the environment, as for `bluegreen serve`: the pods close at once on SIGTERM
      // while the Ingress still sends to them for the propagation delay.
      demo(['--via', 'ingress', '--strategy', 'rolling', ...common], { DRAIN_SECONDS: '0' }),
      demo(['--via', 'ingress', '--strategy', 'canary', '--step-pause', '1s', ...common]),
    ]);
    for (const run of [recreate, noDrain]) {
      expect(run.code).toBe(1);
      expect(run.report.pass).toBe(false);
      expect(run.report.failed).toBeGreaterThan(0);
      expect(run.stderr).toMatch(/threshold broken: max-errors/);
      const ticks = ticksOf(run.messages);
      for (const tick of ticks) expect(invariantHolds(tick)).toBe(true);
      expect(ticks.some((t) => t.bucket.failed > 0)).toBe(true);
    }
    // Recreate: nobody serves between the old pods' exit and the new pods' readiness. New connections are
    // reset; requests paced meanwhile wait for a connection, so the gap also shows as latency.
    expect(recreate.report.errors.reset + recreate.report.errors.refused).toBeGreaterThan(20);
    const recreateTicks = ticksOf(recreate.messages);
    const gap = recreateTicks.findIndex((t, i) => i > 0 && Object.keys(t.bucket.byColor).length === 0);
    expect(gap).toBeGreaterThan(0);
    expect(recreate.report.latency.max).toBeGreaterThan(1000);
    // No drain: the Ingress answers 502 for the pod that is gone but still in its endpoints.
    expect(noDrain.report.responses['5xx']).toBeGreaterThan(0);

    expect(canary.code, canary.stderr).toBe(0);
    expect(canary.report.failed).toBe(0);
    // Canary: a pod per step, and per-request balancing shows the share in between.
    const steps = [...canary.stdout.matchAll(/canary (\d)\/4 pods \((\d+)%\)/g)].map((m) => m[2]);
    expect(steps).toEqual(['25', '50', '75', '100']);
    const ticks = ticksOf(canary.messages);
    // Of the tick's responses (a response can end in the tick after its request was sent; none failed).
    const responses = (t: TickMessage): number =>
      Object.values(t.bucket.responses).reduce((a, b) => a + b, 0);
    const greenShare = ticks.map((t) => (t.bucket.byColor.green ?? 0) / Math.max(1, responses(t)));
    expect(greenShare.some((share) => share > 0.1 && share < 0.4)).toBe(true);
    expect(greenShare.some((share) => share > 0.4 && share < 0.9)).toBe(true);
    expect(greenShare.slice(-2)).toEqual([1, 1]);

    console.log(
      'lost:',
      JSON.stringify({
        recreate: recreate.report.failed,
        noDrain: noDrain.report.failed,
        sent: recreate.report.sent,
      }),
    );
  }, 120_000);

  it('blue-green: the Ingress switches at once; keep-alive connections through the Service lag until blue closes', async () => {
    const args = [
      '--strategy',
      'blue-green',
      '--rollout-after',
      '3s',
      '--duration',
      '40s',
      '--rate',
      '150',
      '--scale-down-delay',
      '8s',
    ];
    const [service, ingress] = await Promise.all([
      demo(['--via', 'service', ...args]),
      demo(['--via', 'ingress', ...args]),
    ]);
    for (const run of [service, ingress]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.report.failed).toBe(0);
      expect(run.report.switchOver, run.stdout.slice(-4000)).toMatchObject({ from: 'blue', to: 'green' });
    }
    const switchedAt = (run: Finished) => eventSeconds(run.stdout, /Service switched to green/)! * 1000;
    const lag = (run: Finished) => run.report.switchOver!.endMs - switchedAt(run);
    // Through the Ingress, traffic follows the switch within the propagation delay (and a tick).
    expect(lag(ingress)).toBeLessThan(3000);
    // Through the Service, open connections stay on blue until blue closes them: scale-down delay + drain.
    expect(service.report.switchOver!.startMs - switchedAt(service)).toBeGreaterThan(8000);
    expect(lag(service)).toBeGreaterThan(10_000);
    console.log(
      'blue-green switch-over:',
      JSON.stringify({
        service: { switchedAtMs: switchedAt(service), ...service.report.switchOver },
        ingress: { switchedAtMs: switchedAt(ingress), ...ingress.report.switchOver },
      }),
    );
  }, 120_000);

  it('reports a crashed pod and replaces it; killed with SIGKILL, it leaves no pod behind', async () => {
    const cli = spawnCli(['demo', '--headless', '--duration', '5m', '--rate', '50', ...FAST]);
    started.push(cli);
    await cli.waitFor(/req\/s/, 30_000);
    const pods = parseDemoOutput(cli.stdout()).pods;
    const [pid, pod] = [...podProcesses(pods)][0]!;
    process.kill(pid, 'SIGKILL');
    await cli.waitFor(new RegExp(`pod ${pod} crashed: exited with signal SIGKILL`), 10_000);
    // The ReplicaSet replaces it with a new pod, which turns ready.
    const [, replacement] = await cli.waitFor(
      new RegExp(`pod-crashed\\s+${pod}[\\s\\S]*?pod-added\\s+(app-\\S+)`),
      20_000,
    );
    expect(replacement).toBeDefined();
    expect(pods.has(replacement!)).toBe(false);
    await cli.waitFor(new RegExp(`pod-ready\\s+${replacement}`), 20_000);

    cli.kill('SIGKILL');
    await cli.exited;
    // The demo had no chance to clean up: the pods notice on their own.
    expect(await leftovers(parseDemoOutput(cli.stdout()))).toEqual({ processes: [], ports: [] });
  }, 90_000);

  it('exits 2 with a message on bad usage', async () => {
    const bad = spawnCli(['demo', '--strategy', 'sideways']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/sideways/);
    const replicas = spawnCli(['demo', '--headless', '--replicas', 'many']);
    expect(await replicas.exited).toBe(2);
    expect(replicas.stderr()).toMatch(/--replicas: "many"/);
  });
});
