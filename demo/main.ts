/**
 * `bluegreen demo`: wiring only. Front door (Service or Ingress) → cluster of real app processes →
 * rollout driver; the real loadtester through the front door, with its dashboard; lifecycle events into
 * the same stream; a scripted or dashboard-triggered rollout; everything ended on the way out.
 */
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlMessage, Report } from '../protocol/stream.js';
import type { UiServer } from '../loadtester/api.js';
import {
  brokenThresholds,
  formatReport,
  liveLine,
  settingsFor,
  startLoad,
  startUiServer,
} from '../loadtester/index.js';
import { UsageError } from '../common/usage-error.js';
import { parseColor } from '../server/config.js';
import type { Backend } from './backends.js';
import { Cluster, type ClusterEvent } from './cluster.js';
import { IngressProxy } from './ingress-proxy.js';
import type { DemoOptions } from './options.js';
import { DelayedView } from './propagation.js';
import { isStrategy, RolloutDriver, STRATEGIES } from './rollout.js';
import { ServiceProxy } from './service-proxy.js';

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;

export async function runDemo(options: DemoOptions, warnings: readonly string[]): Promise<number> {
  // Event lines share the clock of the load's tick lines; before the load starts they say `start`.
  let t0: number | null = null;
  const say = (line: string): void => void process.stdout.write(line + '\n');
  const stamp = (): string =>
    (t0 === null ? 'start' : `${((Date.now() - t0) / 1000).toFixed(1)}s`).padStart(7);
  for (const warning of warnings) process.stderr.write(`bluegreen demo: warning: ${warning}\n`);

  let ui: UiServer | null = null;
  const proxy = options.via === 'service' ? new ServiceProxy() : new IngressProxy();
  const propagation = new DelayedView<Backend[]>(options.propagationDelayMs, (backends) =>
    proxy.setBackends(backends),
  );

  const emit = (event: ClusterEvent): void => {
    ui?.hub.event(event);
    if (!options.load.quiet) {
      say(
        `${stamp()}  ${event.kind.padEnd(16)} ${event.pod ?? ''} ${event.color ?? ''}  ${event.message ?? ''}`.trimEnd(),
      );
    }
    if (event.kind === 'pod-crashed')
      process.stderr.write(`bluegreen demo: pod ${event.pod} crashed: ${event.message}\n`);
  };

  const cluster = new Cluster({
    deployment: 'app',
    env: options.appEnv,
    probe: options.probe,
    minReadyMs: options.minReadyMs,
    terminationGraceMs: options.terminationGraceMs,
    emit,
    onEndpoints: (backends) => propagation.set(backends),
  });
  // Whatever happens to this process, its pods do not outlive it (the pods also watch for our death).
  const killPods = (): void => cluster.killNow();
  process.once('exit', killPods);

  const driver = new RolloutDriver(
    cluster,
    {
      rolling: options.rolling,
      scaleDownDelayMs: options.scaleDownDelayMs,
      stepPauseMs: options.stepPauseMs,
    },
    emit,
    options.initial,
    options.strategy,
  );

  const stopping = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    if (++signals > 1) process.exit(130);
    cluster.freeze();
    stopping.abort(new Error('stopped'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve()));

  let code = 1;
  let scripted: NodeJS.Timeout | undefined;
  try {
    if (options.load.ui) {
      const settings = settingsFor(options.load, 'demo');
      ui = await startUiServer({
        port: options.load.ui.port,
        host: options.load.ui.host,
        settings: {
          ...settings,
          controls: { ...settings.controls, rollout: true, strategies: [...STRATEGIES] },
        },
        allowControl: options.load.allowControl,
        maxRate: options.load.maxRate,
      });
    }
    const port = await proxy.listen(options.port, HOST);
    const url = `http://${HOST}:${port}/`;
    const kind =
      options.via === 'service' ? 'Service (L4: a pod per connection)' : 'Ingress (L7: a pod per request)';
    say(`front door: ${url} — ${kind}, endpoint changes reach it after ${options.propagationDelayMs} ms`);
    if (ui) say(`dashboard: ${ui.url}`);

    const startup = AbortSignal.any([stopping.signal, AbortSignal.timeout(STARTUP_TIMEOUT_MS)]);
    say(`starting ${options.rolling.replicas} ${options.initial.color} pods…`);
    await driver.start(startup);
    // The front door hears of the ready pods only after the propagation delay.
    await sleep(options.propagationDelayMs + 100, undefined, { signal: stopping.signal });

    let lastReport: Report | null = null;
    t0 = Date.now();
    const run = startLoad(
      { ...options.load, url },
      {
        ...(ui ? { hub: ui.hub } : {}),
        onTick: (tick) => {
          if (!options.load.quiet && tick.intervalMs >= options.load.intervalMs / 2) say(liveLine(tick));
        },
        onReport: (report) => (lastReport = report),
      },
    );

    ui?.hub.onControl((message: ControlMessage) => {
      if (message.action === 'rollout') {
        if (!isStrategy(message.strategy)) throw new Error(`unknown strategy "${message.strategy}"`);
        const color = parseColor(message.color, 'color');
        void driver.rollout(message.strategy, color);
      } else if (message.action === 'rollback') {
        if (!driver.canRollBack) throw new Error('nothing to roll back to');
        void driver.rollback();
      }
    });

    if (options.rolloutAfterMs !== null) {
      scripted = setTimeout(
        () => void driver.rollout(options.strategy, options.color),
        options.rolloutAfterMs,
      );
    } else if (ui) {
      say(`open the dashboard and start a rollout there; Ctrl-C to stop`);
    }

    const bounded = options.load.durationMs !== null || options.load.requests !== null;
    const first = await Promise.race([
      bounded ? run.done : new Promise<never>(() => {}),
      stopped.then(() => run.stop()),
    ]);
    const report: Report = lastReport ?? first;
    if (driver.inProgress)
      process.stderr.write('bluegreen demo: the run ended with a rollout still in progress\n');
    process.stdout.write(formatReport(report));
    if (options.load.jsonFile) await writeFile(options.load.jsonFile, JSON.stringify(report, null, 2) + '\n');
    for (const line of brokenThresholds(report)) process.stderr.write(`bluegreen: ${line}\n`);
    code = report.pass ? 0 : 1;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (stopping.signal.aborted) process.stderr.write('bluegreen demo: stopped before the load started\n');
    else if (code === 'EADDRINUSE') {
      const port = (error as { port?: unknown }).port;
      throw new UsageError(
        `port ${String(port)} is in use: choose another with --port or --ui (0 = any free port)`,
      );
    } else if (error instanceof Error && error.name === 'TimeoutError') {
      process.stderr.write(
        `bluegreen demo: the first pods were not ready within ${STARTUP_TIMEOUT_MS / 1000} s\n`,
      );
    } else throw error;
  } finally {
    clearTimeout(scripted);
    await driver.stop();
    propagation.close();
    await proxy.close();
    await cluster.shutdown();
    await ui?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killPods);
  }
  return code;
}
