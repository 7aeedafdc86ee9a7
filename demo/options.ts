/** `bluegreen demo` options: flags (and a few env variables) over the app Deployment's values. */
import { parseDuration } from '../common/duration.js';
import { UsageError } from '../common/usage-error.js';
import type { LoadOptions } from '../loadtester/api.js';
import { parseColor } from '../server/config.js';
import type { AppDeployment } from './manifest.js';
import type { ProbeConfig } from './pod.js';
import { isIntOrPercent, resolveRollingParams, type RollingParams } from './rollout-math.js';
import { isStrategy, STRATEGIES, type Strategy } from './rollout.js';

export const VIAS = ['service', 'ingress'] as const;
export type Via = (typeof VIAS)[number];

export const DEMO_DEFAULTS = {
  via: 'service' as Via,
  strategy: 'rolling' as Strategy,
  color: 'green',
  rolloutAfterHeadless: '10s',
  durationHeadless: '60s',
  propagationDelay: '1s',
  scaleDownDelay: '15s',
  stepPause: '5s',
  port: 0,
};

export interface DemoOptions {
  via: Via;
  strategy: Strategy;
  /** The colour a rollout moves to (the dashboard may ask for another). */
  color: string;
  /** The first ReplicaSet's template: COLOR and APP_VERSION from the manifest. */
  initial: { color: string; version: string };
  rolling: RollingParams;
  minReadyMs: number;
  probe: ProbeConfig;
  terminationGraceMs: number;
  /** The app's environment for every pod. */
  appEnv: Record<string, string>;
  /** Scripted rollout after this long; null = wait for the dashboard. */
  rolloutAfterMs: number | null;
  headless: boolean;
  propagationDelayMs: number;
  scaleDownDelayMs: number;
  stepPauseMs: number;
  /** The front door (Service or Ingress) port; 0 = any free port. */
  port: number;
  load: LoadOptions;
}

type Flags = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function whole(raw: string, what: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${what}: "${raw}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function seconds(raw: string, what: string): string {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600) {
    throw new UsageError(`${what}: "${raw}" must be seconds from 0 to 3600`);
  }
  return String(n);
}

function oneOf<T extends string>(raw: string, what: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`${what}: "${raw}" must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/**
 * `load` are the loadtester's options as resolved from the same flags (with a placeholder URL: the front
 * door's port is known only once it listens). `durationGiven`: --duration, --requests or their env were set.
 */
export function resolveDemoOptions(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  manifest: AppDeployment,
  load: LoadOptions,
  durationGiven: boolean,
): DemoOptions {
  const via = oneOf(str(flags.via) ?? DEMO_DEFAULTS.via, '--via', VIAS);
  const strategyRaw =
    str(flags.strategy) ?? (manifest.strategy === 'Recreate' ? 'recreate' : DEMO_DEFAULTS.strategy);
  if (!isStrategy(strategyRaw))
    throw new UsageError(`--strategy: "${strategyRaw}" must be one of ${STRATEGIES.join(', ')}`);
  const headless = flags.headless === true;
  const replicas = str(flags.replicas) ? whole(str(flags.replicas)!, '--replicas', 1, 20) : manifest.replicas;
  if (replicas < 1 || replicas > 20)
    throw new UsageError(`replicas: the demo runs 1 to 20 pods, not ${replicas}`);

  const intOrPercent = (flag: string, value: unknown, fallback: string | number) => {
    const v = str(value) ?? fallback;
    if (!isIntOrPercent(typeof v === 'number' ? v : v.trim())) {
      throw new UsageError(`${flag}: "${v}" must be a whole number or a percentage such as 25%`);
    }
    return v;
  };
  // A Recreate manifest still gives rolling parameters for when the dashboard asks for a rolling update.
  const rolling = resolveRollingParams(
    replicas,
    intOrPercent('--max-surge', flags.maxSurge, manifest.maxSurge),
    intOrPercent('--max-unavailable', flags.maxUnavailable, manifest.maxUnavailable),
  );

  const appEnv = { ...manifest.env };
  delete appEnv.COLOR;
  delete appEnv.APP_VERSION;
  for (const [flag, key, name] of [
    ['startDelaySeconds', 'START_DELAY_SECONDS', '--start-delay-seconds'],
    ['drainSeconds', 'DRAIN_SECONDS', '--drain-seconds'],
  ] as const) {
    const raw = str(flags[flag]) ?? env[key];
    if (raw !== undefined && raw !== '') appEnv[key] = seconds(raw, str(flags[flag]) ? name : key);
  }
  // Keep the app's own hard limit above the drain, as the manifest does.
  const drain = Number(appEnv.DRAIN_SECONDS ?? 5);
  const shutdown = Number(appEnv.SHUTDOWN_TIMEOUT_SECONDS ?? 25);
  if (drain >= shutdown) appEnv.SHUTDOWN_TIMEOUT_SECONDS = String(drain + 10);

  const minReady = str(flags.minReadySeconds);
  const rolloutAfter = str(flags.rolloutAfter) ?? (headless ? DEMO_DEFAULTS.rolloutAfterHeadless : undefined);
  const duration = (v: string | undefined, fallback: string, what: string) =>
    parseDuration(v ?? fallback, what);
  const port = str(flags.port) ? whole(str(flags.port)!, '--port', 0, 65535) : DEMO_DEFAULTS.port;

  const loadOptions: LoadOptions = { ...load };
  if (!durationGiven) {
    // Interactive: until stopped. Headless: a bounded run.
    loadOptions.durationMs = headless ? parseDuration(DEMO_DEFAULTS.durationHeadless) : null;
  }
  // Interactive runs always serve the dashboard; headless ones only with --ui.
  if (!headless && loadOptions.ui === null) {
    const host = str(flags.uiHost) ?? (env.LOAD_UI_HOST || undefined) ?? '127.0.0.1';
    loadOptions.ui = { port: 8090, host };
  }

  return {
    via,
    strategy: strategyRaw,
    color: parseColor(str(flags.color) ?? DEMO_DEFAULTS.color, '--color'),
    initial: {
      color: parseColor(manifest.env.COLOR ?? 'blue', 'COLOR in deploy/'),
      version: manifest.env.APP_VERSION ?? 'v1',
    },
    rolling,
    minReadyMs:
      (minReady !== undefined ? Number(seconds(minReady, '--min-ready-seconds')) : manifest.minReadySeconds) *
      1000,
    probe: {
      periodMs: manifest.probe.periodSeconds * 1000,
      timeoutMs: manifest.probe.timeoutSeconds * 1000,
      successThreshold: manifest.probe.successThreshold,
      failureThreshold: manifest.probe.failureThreshold,
    },
    terminationGraceMs: manifest.terminationGracePeriodSeconds * 1000,
    appEnv,
    rolloutAfterMs: rolloutAfter === undefined ? null : parseDuration(rolloutAfter, '--rollout-after'),
    headless,
    propagationDelayMs: duration(
      str(flags.propagationDelay),
      DEMO_DEFAULTS.propagationDelay,
      '--propagation-delay',
    ),
    scaleDownDelayMs: duration(str(flags.scaleDownDelay), DEMO_DEFAULTS.scaleDownDelay, '--scale-down-delay'),
    stepPauseMs: duration(str(flags.stepPause), DEMO_DEFAULTS.stepPause, '--step-pause'),
    port,
    load: loadOptions,
  };
}
