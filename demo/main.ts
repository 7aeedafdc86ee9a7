/**
 * `bluegreen demo`: wiring only. Front door (Service, Ingress or Gateway) → cluster of real app processes →
 * rollout driver; the real loadtester through the front door, with its dashboard; lifecycle events into
 * the same stream; a scripted or dashboard-triggered rollout; everything ended on the way out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlMessage } from '../protocol/stream.js';
import { LoadSession } from '../loadtester/session.js';
import { printable } from '../loadtester/report/format.js';
import { UsageError } from '../common/usage-error.js';
import { parseColor } from '../common/parsers.js';
import type { Backend } from './backends.js';
import { Cluster, type ClusterEvent } from './cluster.js';
import { GatewayProxy } from './gateway-proxy.js';
import { IngressProxy } from './ingress-proxy.js';
import type { DemoOptions } from './options.js';
import { DelayedView } from './propagation.js';
import { isStrategy, RolloutDriver, STRATEGIES, WEIGHTED_STRATEGIES } from './rollout.js';
import { RouteWeights, type Weights } from './route-weights.js';
import { ServiceProxy } from './service-proxy.js';

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;

const DOORS = {
  service: 'Service (L4: a pod per connection)',
  ingress: 'Ingress (L7: a pod per request)',
  gateway: 'Gateway (L7: a colour per request by HTTPRoute weight, then a pod)',
} as const;

export async function runDemo(options: DemoOptions): Promise<number> {
  const gateway = options.via === 'gateway' ? new GatewayProxy() : null;
  const proxy = options.via === 'service' ? new ServiceProxy() : (gateway ?? new IngressProxy());
  // The HTTPRoute, with --via gateway: all traffic to the first colour. The Gateway hears of changes late.
  const weightsView = new DelayedView<Weights>(options.propagationDelayMs, (weights) =>
    gateway?.setWeights(weights),
  );
  const route = gateway
    ? new RouteWeights({ [options.initial.color]: 100 }, (weights) => {
        weightsView.set(weights);
        // Changes come from the driver and the page, both after the session opened.
        session.settingsChanged();
      })
    : null;
  if (route) gateway!.setWeights(route.get());
  const strategies = route ? WEIGHTED_STRATEGIES : STRATEGIES;
  let session: LoadSession;
  try {
    const port = await proxy.listen(options.port, HOST);
    const url = `http://${HOST}:${port}/`;
    const kind = DOORS[options.via];
    process.stdout.write(
      `front door: ${url} — ${kind}, endpoint changes reach it after ${options.propagationDelayMs} ms\n`,
    );
    session = await LoadSession.open(
      { ...options.load, url },
      {
        mode: 'demo',
        frontDoor: options.via,
        ...(route ? { weights: () => route.get() } : {}),
        // Offered once the load runs (the session refuses rollouts before): `driver` exists by then.
        rollout: { strategies, control: (message) => demoControl(driver, route, strategies, message) },
        onRunEnd: () => {
          if (driver.inProgress)
            process.stderr.write('bluegreen demo: the run ended with a rollout still in progress\n');
        },
      },
    );
  } catch (error) {
    weightsView.close();
    await proxy.close();
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new UsageError(`port ${options.port} is in use: choose another with --port (0 = any free port)`);
    }
    throw error;
  }

  // Event lines share the clock of the load's tick lines; before the load starts they say `start`.
  const stamp = (): string => {
    const ms = session.elapsedMs();
    return (ms === null ? 'start' : `${(ms / 1000).toFixed(1)}s`).padStart(7);
  };
  // A crashed app's message carries its own output: escaped like everything a target says.
  const emit = (event: ClusterEvent): void => {
    session.event({ source: 'demo', ...event });
    const pod = printable(event.pod ?? '');
    const message = printable(event.message ?? '');
    if (!options.load.quiet) {
      session.say(
        `${stamp()}  ${event.kind.padEnd(16)} ${pod} ${printable(event.color ?? '')}  ${message}`.trimEnd(),
      );
    }
    if (event.kind === 'pod-crashed')
      process.stderr.write(`bluegreen demo: pod ${pod} crashed: ${message}\n`);
  };

  const propagation = new DelayedView<Backend[]>(options.propagationDelayMs, (backends) =>
    proxy.setBackends(backends),
  );
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
  // The first Ctrl-C: no more pods are started or replaced while everything winds down.
  session.stopping.addEventListener('abort', () => cluster.freeze());

  const driver = new RolloutDriver(
    cluster,
    {
      rolling: options.rolling,
      scaleDownDelayMs: options.scaleDownDelayMs,
      stepPauseMs: options.stepPauseMs,
      route,
      env: options.rolloutEnv,
    },
    emit,
    options.initial,
    options.strategy,
  );

  let code = 1;
  let scripted: NodeJS.Timeout | undefined;
  try {
    const startup = AbortSignal.any([session.stopping, AbortSignal.timeout(STARTUP_TIMEOUT_MS)]);
    session.say(`starting ${options.rolling.replicas} ${options.initial.color} pods…`);
    await driver.start(startup);
    // The front door hears of the ready pods only after the propagation delay.
    await sleep(options.propagationDelayMs + 100, undefined, { signal: session.stopping });

    session.start();
    if (options.rolloutAfterMs !== null) {
      scripted = setTimeout(
        () => void driver.rollout(options.strategy, options.color),
        options.rolloutAfterMs,
      );
    } else if (session.dashboardUrl) {
      session.say(
        options.load.allowControl
          ? `open the dashboard and start a rollout there; Ctrl-C to stop`
          : `open the dashboard to watch (rollouts from it need --allow-control; npm start adds it); Ctrl-C to stop`,
      );
    }
    code = await session.finish();
  } catch (error) {
    if (session.stopping.aborted) process.stderr.write('bluegreen demo: stopped before the load started\n');
    else if (error instanceof Error && error.name === 'TimeoutError') {
      process.stderr.write(
        `bluegreen demo: the first pods were not ready within ${STARTUP_TIMEOUT_MS / 1000} s\n`,
      );
    } else throw error;
  } finally {
    clearTimeout(scripted);
    await driver.stop();
    propagation.close();
    weightsView.close();
    await proxy.close();
    await cluster.shutdown();
    // Last, so a second Ctrl-C while the pods drain still exits at once.
    await session.close();
    process.off('exit', killPods);
  }
  return code;
}

/** The dashboard's rollout and rollback buttons, and the gateway's weight slider. */
function demoControl(
  driver: RolloutDriver,
  route: RouteWeights | null,
  strategies: readonly string[],
  message: ControlMessage,
): void {
  if (message.action === 'set-weights') {
    if (!route) throw new Error('weights need the gateway front door (bluegreen demo --via gateway)');
    route.update(message.weights);
  } else if (message.action === 'rollout') {
    if (!isStrategy(message.strategy) || !strategies.includes(message.strategy)) {
      throw new Error(`unknown strategy "${message.strategy}": this demo offers ${strategies.join(', ')}`);
    }
    const color = parseColor(message.color, 'color');
    void driver.rollout(message.strategy, color);
  } else if (message.action === 'rollback') {
    if (!driver.canRollBack) throw new Error('nothing to roll back to');
    void driver.rollback();
  }
}
