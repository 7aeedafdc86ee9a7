/**
 * `bluegreen serve` settings: each has a flag, an env variable and a default; a flag wins over env.
 * Everything is validated once at start; a bad value is a UsageError (exit code 2).
 * The deploy/ validation imports SERVE_SETTINGS to check env names set in manifests.
 */
import { UsageError } from '../common/usage-error.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

export interface ServeConfig {
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
}

export interface SettingSpec<K extends keyof ServeConfig = keyof ServeConfig> {
  key: K;
  flag: string;
  env: string;
  description: string;
  default: string;
  parse: (raw: string, name: string) => ServeConfig[K];
}

function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`${name}: "${raw}" must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function decimal(min: number, max: number) {
  return (raw: string, name: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new UsageError(`${name}: "${raw}" must be a number from ${min} to ${max}`);
    }
    return n;
  };
}

// CSS named colours are many; accept any plain word (the browser decides) or a hex colour.
const COLOR_PATTERN = /^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,30})$/;

export function parseColor(raw: string, name: string): string {
  const value = raw.trim();
  if (!COLOR_PATTERN.test(value)) {
    throw new UsageError(
      `${name}: "${raw}" is not a CSS colour name or hex colour (examples: blue, green, #ff8800)`,
    );
  }
  return value.toLowerCase();
}

export function parseLatency(raw: string, name: string): LatencyRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(raw);
  if (!match) throw new UsageError(`${name}: "${raw}" must be milliseconds, fixed (50) or a range (20-200)`);
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  if (maxMs < minMs) throw new UsageError(`${name}: "${raw}" has its maximum below its minimum`);
  if (maxMs > 600_000) throw new UsageError(`${name}: "${raw}" is over 600000 ms`);
  return { minMs, maxMs };
}

function text(raw: string, name: string): string {
  if (raw.trim() === '' || raw.length > 128) throw new UsageError(`${name}: must be 1 to 128 characters`);
  return raw.trim();
}

function logLevel(raw: string, name: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new UsageError(`${name}: "${raw}" must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return raw as LogLevel;
}

function spec<K extends keyof ServeConfig>(s: SettingSpec<K>): SettingSpec<K> {
  return s;
}

export const SERVE_SETTINGS = [
  spec({
    key: 'port',
    flag: '--port',
    env: 'PORT',
    default: '8080',
    description: 'TCP port to listen on (0 = any free port)',
    parse: integer(0, 65535),
  }),
  spec({
    key: 'host',
    flag: '--host',
    env: 'HOST',
    default: '0.0.0.0',
    description: 'address to listen on',
    parse: text,
  }),
  spec({
    key: 'color',
    flag: '--color',
    env: 'COLOR',
    default: 'blue',
    description: 'colour this instance reports (CSS colour name or hex)',
    parse: parseColor,
  }),
  spec({
    key: 'version',
    flag: '--app-version',
    env: 'APP_VERSION',
    default: 'v1',
    description: 'version this instance reports',
    parse: text,
  }),
  spec({
    key: 'startDelaySeconds',
    flag: '--start-delay-seconds',
    env: 'START_DELAY_SECONDS',
    default: '0',
    description: 'seconds after listening before /readyz turns 200',
    parse: decimal(0, 3600),
  }),
  spec({
    key: 'drainSeconds',
    flag: '--drain-seconds',
    env: 'DRAIN_SECONDS',
    default: '5',
    description: 'seconds to keep serving after SIGTERM before closing',
    parse: decimal(0, 3600),
  }),
  spec({
    key: 'shutdownTimeoutSeconds',
    flag: '--shutdown-timeout-seconds',
    env: 'SHUTDOWN_TIMEOUT_SECONDS',
    default: '25',
    description: 'hard limit for drain plus close; exceeded = exit 1',
    parse: decimal(0.1, 3600),
  }),
  spec({
    key: 'rateLimit',
    flag: '--rate-limit',
    env: 'RATE_LIMIT',
    default: '0',
    description: 'requests per second before answering 429 (0 = off)',
    parse: integer(0, 1_000_000),
  }),
  spec({
    key: 'errorRate',
    flag: '--error-rate',
    env: 'ERROR_RATE',
    default: '0',
    description: 'share of requests answered 500 by fault injection (0..1)',
    parse: decimal(0, 1),
  }),
  spec({
    key: 'latency',
    flag: '--latency-ms',
    env: 'LATENCY_MS',
    default: '0',
    description: 'added latency per request: fixed (50) or random range (20-200)',
    parse: parseLatency,
  }),
  spec({
    key: 'maxDelayMs',
    flag: '--max-delay-ms',
    env: 'MAX_DELAY_MS',
    default: '30000',
    description: 'largest /delay/:ms accepted',
    parse: integer(0, 600_000),
  }),
  spec({
    key: 'maxMemoryMb',
    flag: '--max-memory-mb',
    env: 'MAX_MEMORY_MB',
    default: '256',
    description: 'largest /memory/:mb accepted (and total held)',
    parse: integer(0, 65_536),
  }),
  spec({
    key: 'maxCpuIterations',
    flag: '--max-cpu-iterations',
    env: 'MAX_CPU_ITERATIONS',
    default: '50000000',
    description: 'largest /cpu/:n accepted',
    parse: integer(0, 10_000_000_000),
  }),
  spec({
    key: 'logLevel',
    flag: '--log-level',
    env: 'LOG_LEVEL',
    default: 'info',
    description: `log level (${LOG_LEVELS.join(', ')})`,
    parse: logLevel,
  }),
] as const satisfies readonly SettingSpec[];

/** Downward API variables read for pod identity (not settings: they are facts about the pod). */
export const IDENTITY_ENV = ['POD_NAME', 'POD_NAMESPACE', 'NODE_NAME', 'POD_IP'] as const;

/** Every environment variable `bluegreen serve` reads. */
export const SERVE_ENV_NAMES: readonly string[] = [...SERVE_SETTINGS.map((s) => s.env), ...IDENTITY_ENV];

/**
 * Resolves the config from flag values (already strings, undefined when not given) and the environment.
 * Flag wins over env, env over default.
 */
export function resolveServeConfig(
  flags: Partial<Record<keyof ServeConfig, string>>,
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const config: Record<string, unknown> = {};
  for (const s of SERVE_SETTINGS) {
    const fromFlag = flags[s.key];
    const fromEnv = env[s.env];
    const [raw, name] =
      fromFlag !== undefined
        ? [fromFlag, s.flag]
        : fromEnv !== undefined
          ? [fromEnv, s.env]
          : [s.default, s.flag];
    config[s.key] = s.parse(raw, name);
  }
  const result = config as unknown as ServeConfig;
  if (result.drainSeconds >= result.shutdownTimeoutSeconds) {
    throw new UsageError(
      `DRAIN_SECONDS (${result.drainSeconds}) must be less than SHUTDOWN_TIMEOUT_SECONDS (${result.shutdownTimeoutSeconds}): the drain would hit the hard timer`,
    );
  }
  return result;
}
