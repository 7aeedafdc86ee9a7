/**
 * `bluegreen demo`'s options: its settings table (flags, and the app's env variables), the resolver and the
 * resolved type. The resolved values lie over the app Deployment's in deploy/.
 */
import { parseDuration } from '../common/duration.js';
import { deployDir } from '../common/package-info.js';
import { decimal, duration, oneOf, parseColor, port, wholeNumber, type Parse } from '../common/parsers.js';
import {
  list,
  optional,
  resolveSettings,
  toggle,
  value,
  type Env,
  type Flags,
  type ValueSetting,
} from '../common/settings.js';
import { UsageError } from '../common/usage-error.js';
import { resolveLoadSettings, type LoadSettings } from '../loadtester/options.js';
import { SERVE_TABLE } from '../server/options.js';
import { readAppDeployment, type AppDeployment } from './manifest.js';
import type { ProbeConfig } from './pod.js';
import { isIntOrPercent, resolveRollingParams, type RollingParams } from './rollout-math.js';
import { STRATEGIES, WEIGHTED_STRATEGIES, type Strategy } from './rollout.js';

export const VIAS = ['service', 'ingress', 'gateway'] as const;
export type Via = (typeof VIAS)[number];

const FROM_DEPLOY = 'from deploy/ app Deployment';
const DEFAULT_STRATEGY: Strategy = 'rolling';
const MAX_PODS = 20;
/** Headless runs start a rollout after this long and end after this long, unless told otherwise. */
const HEADLESS_ROLLOUT_AFTER = '10s';
export const HEADLESS_DURATION = '60s';

const intOrPercent: Parse<string> = (raw, source) => {
  if (!isIntOrPercent(raw.trim())) {
    throw new UsageError(`${source}: "${raw}" must be a whole number or a percentage such as 25%`);
  }
  return raw.trim();
};

/** An app setting the demo passes on to its pods: the app's own flag, env variable and parser. */
function appSetting(setting: ValueSetting<number>, help: string): ValueSetting<number | null> {
  return optional({
    flag: setting.flag,
    arg: '<s>',
    env: setting.env,
    shownDefault: FROM_DEPLOY,
    help,
    parse: setting.parse,
  });
}

/** `NAME=value` for an app setting (SERVE_TABLE), checked by the app's own parser now rather than in a pod. */
const rolloutEnvEntry: Parse<[string, string]> = (raw, source) => {
  const eq = raw.indexOf('=');
  const name = eq > 0 ? raw.slice(0, eq).trim() : '';
  const setting = Object.values(SERVE_TABLE).find((s) => 'env' in s && s.env === name) as
    ValueSetting<unknown> | undefined;
  if (!setting || name === SERVE_TABLE.color.env || name === SERVE_TABLE.version.env) {
    throw new UsageError(
      `${source}: "${raw}" must be NAME=value for one of the app's settings (e.g. ERROR_RATE=0.2); the colour comes from --color`,
    );
  }
  const value = raw.slice(eq + 1).trim();
  setting.parse(value, `${source} ${name}`);
  return [name, value];
};

export const DEMO_TABLE = {
  via: value({
    flag: '--via',
    arg: '<door>',
    default: 'service',
    help: 'front door: service (L4, per connection), ingress (L7, per request) or gateway (L7, per request by HTTPRoute weight; canary and blue-green move weights)',
    parse: oneOf(VIAS),
  }),
  strategy: optional({
    flag: '--strategy',
    arg: '<name>',
    shownDefault: `${DEFAULT_STRATEGY}, or recreate if deploy/ says so; canary with --via gateway`,
    help: `rollout strategy: ${STRATEGIES.join(', ')}`,
    parse: oneOf(STRATEGIES),
  }),
  color: value({
    flag: '--color',
    arg: '<colour>',
    default: 'green',
    help: 'the colour a rollout moves to',
    parse: parseColor,
  }),
  replicas: optional({
    flag: '--replicas',
    arg: '<n>',
    shownDefault: FROM_DEPLOY,
    help: 'app pods',
    parse: wholeNumber(1, MAX_PODS),
  }),
  maxSurge: optional({
    flag: '--max-surge',
    arg: '<n|%>',
    shownDefault: FROM_DEPLOY,
    help: 'rolling update: pods above replicas',
    parse: intOrPercent,
  }),
  maxUnavailable: optional({
    flag: '--max-unavailable',
    arg: '<n|%>',
    shownDefault: FROM_DEPLOY,
    help: 'rolling update: pods below replicas',
    parse: intOrPercent,
  }),
  minReadySeconds: optional({
    flag: '--min-ready-seconds',
    arg: '<s>',
    shownDefault: FROM_DEPLOY,
    help: 'ready this long before a pod counts as available',
    parse: decimal(0, 3600),
  }),
  startDelaySeconds: appSetting(SERVE_TABLE.startDelaySeconds, "the app's unready start"),
  drainSeconds: appSetting(SERVE_TABLE.drainSeconds, "the app's drain after SIGTERM (0 = close at once)"),
  propagationDelay: value({
    flag: '--propagation-delay',
    arg: '<time>',
    default: '1s',
    help: 'how late the front door learns endpoint changes (pods get SIGTERM at once)',
    parse: duration(),
  }),
  scaleDownDelay: value({
    flag: '--scale-down-delay',
    arg: '<time>',
    default: '15s',
    help: 'blue-green: old pods stay this long after the switch',
    parse: duration(),
  }),
  stepPause: value({
    flag: '--step-pause',
    arg: '<time>',
    default: '5s',
    help: 'canary: pause after each step',
    parse: duration(),
  }),
  rolloutEnv: list({
    flag: '--rollout-env',
    arg: '<NAME=value>',
    help: "the app's setting for the pods a rollout creates, e.g. ERROR_RATE=0.2 (a bad new version); repeatable",
    parse: rolloutEnvEntry,
  }),
  rolloutAfter: optional({
    flag: '--rollout-after',
    arg: '<time>',
    shownDefault: `none; ${HEADLESS_ROLLOUT_AFTER} with --headless`,
    help: 'start a rollout after this long',
    parse: duration(),
  }),
  headless: toggle({
    flag: '--headless',
    help: `no dashboard (unless --ui) and no waiting: scripted rollout, run for --duration (default ${HEADLESS_DURATION}), exit with the report's code`,
  }),
  port: value({
    flag: '--port',
    arg: '<n>',
    default: '0',
    help: 'front door port (0 = any free port)',
    parse: port,
  }),
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
  /** App settings for the pods a rollout creates (not the first ones), e.g. ERROR_RATE. */
  rolloutEnv: Record<string, string>;
  /** Scripted rollout after this long; null = wait for the dashboard. */
  rolloutAfterMs: number | null;
  headless: boolean;
  propagationDelayMs: number;
  scaleDownDelayMs: number;
  stepPauseMs: number;
  /** The front door (Service or Ingress) port; 0 = any free port. */
  port: number;
  /** The loadtester's settings; the target is the front door, known once it listens. */
  load: LoadSettings;
}

/** A setting of the app as the app reads it from its env (the pods get `appEnv`), else its default. */
function appValue<T>(appEnv: Record<string, string>, setting: ValueSetting<T>): T {
  const name = setting.env!;
  return setting.parse(appEnv[name] ?? setting.default!, `${name} in deploy/`);
}

/** Resolves the demo's flags (and env) over the app Deployment read from deploy/ (or the one given). */
export function resolveDemoOptions(
  flags: Flags,
  env: Env = process.env,
  manifest: AppDeployment = readAppDeployment(deployDir),
): DemoOptions {
  const { values: v } = resolveSettings(DEMO_TABLE, flags, env);
  const replicas = v.replicas ?? manifest.replicas;
  if (replicas < 1 || replicas > MAX_PODS)
    throw new UsageError(`replicas: the demo runs 1 to ${MAX_PODS} pods, not ${replicas}`);
  // A Recreate manifest still gives rolling parameters for when the dashboard asks for a rolling update.
  const rolling = resolveRollingParams(
    replicas,
    v.maxSurge ?? manifest.maxSurge,
    v.maxUnavailable ?? manifest.maxUnavailable,
  );

  const app = SERVE_TABLE;
  const appEnv = { ...manifest.env };
  const initial = { color: appValue(appEnv, app.color), version: appValue(appEnv, app.version) };
  delete appEnv[app.color.env!];
  delete appEnv[app.version.env!];
  if (v.startDelaySeconds !== null) appEnv[app.startDelaySeconds.env!] = String(v.startDelaySeconds);
  if (v.drainSeconds !== null) appEnv[app.drainSeconds.env!] = String(v.drainSeconds);
  // Keep the app's own hard limit above the drain, as the manifest does.
  const drain = appValue(appEnv, app.drainSeconds);
  if (drain >= appValue(appEnv, app.shutdownTimeoutSeconds)) {
    appEnv[app.shutdownTimeoutSeconds.env!] = String(drain + 10);
  }

  const strategy =
    v.via === 'gateway'
      ? gatewayStrategy(v.strategy)
      : (v.strategy ?? (manifest.strategy === 'Recreate' ? 'recreate' : DEFAULT_STRATEGY));
  if (v.via === 'gateway' && v.color === initial.color) {
    throw new UsageError(
      `--color ${v.color}: the pods start ${initial.color}, and the gateway moves weights between colours: choose another`,
    );
  }

  return {
    via: v.via,
    strategy,
    color: v.color,
    initial,
    rolling,
    minReadyMs: (v.minReadySeconds ?? manifest.minReadySeconds) * 1000,
    probe: {
      periodMs: manifest.probe.periodSeconds * 1000,
      timeoutMs: manifest.probe.timeoutSeconds * 1000,
      successThreshold: manifest.probe.successThreshold,
      failureThreshold: manifest.probe.failureThreshold,
    },
    terminationGraceMs: manifest.terminationGracePeriodSeconds * 1000,
    appEnv,
    rolloutEnv: Object.fromEntries(v.rolloutEnv),
    rolloutAfterMs: v.rolloutAfter ?? (v.headless ? parseDuration(HEADLESS_ROLLOUT_AFTER) : null),
    headless: v.headless,
    propagationDelayMs: v.propagationDelay,
    scaleDownDelayMs: v.scaleDownDelay,
    stepPauseMs: v.stepPause,
    port: v.port,
    // Interactive runs serve the dashboard and last until stopped; headless ones are bounded.
    load: resolveLoadSettings(flags, env, {
      durationMs: v.headless ? parseDuration(HEADLESS_DURATION) : null,
      ui: !v.headless,
    }),
  };
}

/** With a Gateway the rollouts move weights: canary (the default) or blue-green. */
function gatewayStrategy(strategy: Strategy | null): Strategy {
  if (strategy === null) return 'canary';
  if (!(WEIGHTED_STRATEGIES as readonly Strategy[]).includes(strategy)) {
    throw new UsageError(
      `--strategy ${strategy}: with --via gateway a rollout moves HTTPRoute weights; use ${WEIGHTED_STRATEGIES.join(' or ')}`,
    );
  }
  return strategy;
}
