/**
 * `bluegreen serve`'s options: its settings table (flag, env variable, default, parser, help), the
 * resolver and the resolved type. Validated once at start; a bad value is a UsageError (exit code 2).
 * `bluegreen check` reads the table to check the env names and values set in manifests, and the demo
 * sets the app's env through SERVE_TABLE's names.
 */
import {
  decimal,
  onOff,
  oneOf,
  parseColor,
  parseLatency,
  port,
  secret,
  text,
  wholeNumber,
  type LatencyRange,
} from '../common/parsers.js';
import { envNames, optional, resolveSettings, value, type Env, type Flags } from '../common/settings.js';
import { UsageError } from '../common/usage-error.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServeOptions {
  port: number;
  host: string;
  color: string;
  version: string;
  startDelaySeconds: number;
  drainSeconds: number;
  shutdownTimeoutSeconds: number;
  rateLimit: number;
  errorRate: number;
  latency: LatencyRange;
  maxDelayMs: number;
  maxMemoryMb: number;
  maxCpuIterations: number;
  logLevel: LogLevel;
  faultsApi: boolean;
  faultsToken: string | null;
  loadEndpoints: boolean;
}

/** The rollout's headline: `kubectl set env deploy/app COLOR=green`. */
const COLOR_ENV = 'COLOR';

export const SERVE_TABLE = {
  port: value({
    flag: '--port',
    arg: '<port>',
    env: 'PORT',
    default: '8080',
    help: 'TCP port to listen on (0 = any free port)',
    parse: port,
  }),
  host: value({
    flag: '--host',
    arg: '<host>',
    env: 'HOST',
    default: '0.0.0.0',
    help: 'address to listen on',
    parse: text,
  }),
  color: value({
    flag: '--color',
    arg: '<colour>',
    env: COLOR_ENV,
    default: 'blue',
    help: 'colour this instance reports (CSS colour name or hex; through npx give the flag: npm sets COLOR itself)',
    parse: parseColor,
  }),
  version: value({
    flag: '--app-version',
    arg: '<version>',
    env: 'APP_VERSION',
    default: 'v1',
    help: 'version this instance reports',
    parse: text,
  }),
  startDelaySeconds: value({
    flag: '--start-delay-seconds',
    arg: '<seconds>',
    env: 'START_DELAY_SECONDS',
    default: '0',
    help: 'seconds after listening before /readyz turns 200',
    parse: decimal(0, 3600),
  }),
  drainSeconds: value({
    flag: '--drain-seconds',
    arg: '<seconds>',
    env: 'DRAIN_SECONDS',
    default: '5',
    help: 'seconds to keep serving after SIGTERM before closing',
    parse: decimal(0, 3600),
  }),
  shutdownTimeoutSeconds: value({
    flag: '--shutdown-timeout-seconds',
    arg: '<seconds>',
    env: 'SHUTDOWN_TIMEOUT_SECONDS',
    default: '25',
    help: 'hard limit for drain plus close; exceeded = exit 1',
    parse: decimal(0.1, 3600),
  }),
  rateLimit: value({
    flag: '--rate-limit',
    arg: '<req/s>',
    env: 'RATE_LIMIT',
    default: '0',
    help: 'requests per second before answering 429 (0 = off)',
    parse: wholeNumber(0, 1_000_000),
  }),
  errorRate: value({
    flag: '--error-rate',
    arg: '<ratio>',
    env: 'ERROR_RATE',
    default: '0',
    help: 'share of requests answered 500 by fault injection (0..1)',
    parse: decimal(0, 1),
  }),
  latency: value({
    flag: '--latency-ms',
    arg: '<ms|min-max>',
    env: 'LATENCY_MS',
    default: '0',
    help: 'added latency per request: fixed (50) or random range (20-200)',
    parse: parseLatency,
  }),
  maxDelayMs: value({
    flag: '--max-delay-ms',
    arg: '<ms>',
    env: 'MAX_DELAY_MS',
    default: '30000',
    help: 'largest /delay/:ms accepted',
    parse: wholeNumber(0, 600_000),
  }),
  maxMemoryMb: value({
    flag: '--max-memory-mb',
    arg: '<mb>',
    env: 'MAX_MEMORY_MB',
    default: '256',
    help: 'largest /memory/:mb accepted (and total held)',
    parse: wholeNumber(0, 65_536),
  }),
  maxCpuIterations: value({
    flag: '--max-cpu-iterations',
    arg: '<n>',
    env: 'MAX_CPU_ITERATIONS',
    default: '50000000',
    help: 'largest /cpu/:n accepted',
    parse: wholeNumber(0, 10_000_000_000),
  }),
  logLevel: value({
    flag: '--log-level',
    arg: '<level>',
    env: 'LOG_LEVEL',
    default: 'info',
    help: `log level (${LOG_LEVELS.join(', ')})`,
    parse: oneOf(LOG_LEVELS),
  }),
  faultsApi: value({
    flag: '--faults-api',
    arg: '<on|off>',
    env: 'FAULTS_API',
    default: 'on',
    help: 'on: PUT /api/faults changes fault injection at runtime; off: read-only',
    parse: onOff,
  }),
  faultsToken: optional({
    flag: '--faults-token',
    arg: '<token>',
    env: 'FAULTS_TOKEN',
    shownDefault: 'none',
    help: 'when set, PUT /api/faults needs "Authorization: Bearer <token>"',
    parse: secret,
  }),
  loadEndpoints: value({
    flag: '--load-endpoints',
    arg: '<on|off>',
    env: 'LOAD_ENDPOINTS',
    default: 'on',
    help: 'on: /cpu/:n and /memory/:mb burn CPU and hold memory on request; off: 403',
    parse: onOff,
  }),
};

/** The table's settings as a list, for code that looks one up by env name (the deploy/ checks). */
export const SERVE_SETTINGS = Object.values(SERVE_TABLE);

/** Downward API variables read for pod identity (not settings: they are facts about the pod). */
export const IDENTITY_ENV = ['POD_NAME', 'POD_NAMESPACE', 'NODE_NAME', 'POD_IP'] as const;

/** Every environment variable `bluegreen serve` reads. */
export const SERVE_ENV_NAMES: readonly string[] = [...envNames(SERVE_TABLE), ...IDENTITY_ENV];

/** npm puts these in the environment of everything it runs (npx, npm exec, npm run). */
function runByNpm(env: Env): boolean {
  return (
    env.npm_command !== undefined ||
    env.npm_lifecycle_event !== undefined ||
    env.npm_execpath !== undefined ||
    Object.keys(env).some((name) => name.startsWith('npm_config_'))
  );
}

/**
 * The environment as the app's settings: without COLOR when it is npm's. npm sets COLOR to 0 or 1 (its
 * own terminal colour) in what it runs, over any COLOR the user gave, so `npx bluegreen serve` would
 * otherwise always exit 2. Neither is a colour, so nothing the app could take is lost; outside npm they
 * are still refused, and under npm a script's own `COLOR=green bluegreen serve` (set after npm's) is kept.
 */
function appEnv(env: Env): Env {
  if (!runByNpm(env) || (env[COLOR_ENV] !== '0' && env[COLOR_ENV] !== '1')) return env;
  return { ...env, [COLOR_ENV]: undefined };
}

/** Resolves the options from commander's flags and the environment; a flag wins over env, env over default. */
export function resolveServeOptions(flags: Flags, env: Env = process.env): ServeOptions {
  const options: ServeOptions = resolveSettings(SERVE_TABLE, flags, appEnv(env)).values;
  if (options.drainSeconds >= options.shutdownTimeoutSeconds) {
    throw new UsageError(
      `${SERVE_TABLE.drainSeconds.env} (${options.drainSeconds}) must be less than ${SERVE_TABLE.shutdownTimeoutSeconds.env} (${options.shutdownTimeoutSeconds}): the drain would hit the hard timer`,
    );
  }
  return options;
}
