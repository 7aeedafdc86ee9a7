/** The loadtester's flags (shared by `load` and `demo`) and their validation into LoadOptions. */
import { Option, type Command } from 'commander';
import { envOption } from '../common/command-options.js';
import { parseDuration } from '../common/duration.js';
import { UsageError } from '../common/usage-error.js';
import type { AddLoadFlags, LoadOptions, ResolveLoadOptions } from './api.js';

export const DEFAULTS = {
  rate: 100,
  connections: 10,
  durationMs: 30_000,
  timeoutMs: 10_000,
  intervalMs: 1000,
  uiPort: 8090,
  maxRate: 1000,
} as const;

export const addLoadFlags: AddLoadFlags = (command: Command) =>
  command
    .addOption(
      envOption(
        '-r, --rate <n>',
        'requests per second, paced evenly; "max" = as fast as the connections allow',
        'LOAD_RATE',
        String(DEFAULTS.rate),
      ),
    )
    .addOption(
      envOption(
        '-c, --connections <n>',
        'concurrent connections',
        'LOAD_CONNECTIONS',
        String(DEFAULTS.connections),
      ),
    )
    .addOption(
      envOption(
        '-d, --duration <time>',
        'how long to run, e.g. 30s, 5m',
        'LOAD_DURATION',
        '30s unless --requests or --serve',
      ),
    )
    .addOption(envOption('-n, --requests <n>', 'stop after this many requests', 'LOAD_REQUESTS', 'none'))
    .addOption(envOption('--timeout <time>', 'per-request timeout', 'LOAD_TIMEOUT', '10s'))
    .addOption(
      envOption(
        '--recycle <when>',
        'close and reopen each connection after N requests and/or an age, e.g. 100, 10s, 100,10s (reaches new pods behind an L4 Service)',
        'LOAD_RECYCLE',
        'never',
      ),
    )
    .addOption(new Option('--no-keepalive', 'a fresh connection for every request'))
    .addOption(
      new Option('-H, --header <name:value>', 'extra request header (repeatable)').argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    )
    .addOption(envOption('--interval <time>', 'tally bucket length', 'LOAD_INTERVAL', '1s'))
    .addOption(envOption('--json <file>', 'write the final report as JSON to this file', null, 'none'))
    .addOption(new Option('-q, --quiet', 'no live output; only the final report'))
    .addOption(
      envOption(
        '--max-errors <n>',
        'fail (exit 1) when more requests than this fail',
        'LOAD_MAX_ERRORS',
        'none',
      ),
    )
    .addOption(
      envOption(
        '--max-error-rate <percent>',
        'fail (exit 1) when more than this percentage fails, e.g. 0.5 or 0.5%',
        'LOAD_MAX_ERROR_RATE',
        'none',
      ),
    )
    .addOption(
      envOption(
        '--max-p99 <ms>',
        'fail (exit 1) when p99 latency exceeds this many ms',
        'LOAD_MAX_P99',
        'none',
      ),
    )
    .addOption(
      envOption(
        '--ui [port]',
        'serve the dashboard and its live stream on this port',
        'LOAD_UI_PORT',
        String(DEFAULTS.uiPort),
      ),
    )
    .addOption(
      envOption(
        '--ui-host <host>',
        'address the dashboard listens on',
        'LOAD_UI_HOST',
        '127.0.0.1; 0.0.0.0 with --serve',
      ),
    )
    .addOption(new Option('--serve', 'keep running and serving the dashboard until stopped (implies --ui)'))
    .addOption(
      new Option('--allow-control', 'let the dashboard start, stop and change the rate (never the target)'),
    )
    .addOption(
      envOption(
        '--engine <name>',
        'undici (accounts for every request) or autocannon (raw throughput: --rate max, keep-alive, no --recycle)',
        'LOAD_ENGINE',
        'undici',
      ),
    )
    .addOption(
      envOption(
        '--max-rate <n>',
        'the highest rate the dashboard may set',
        'LOAD_MAX_RATE',
        String(DEFAULTS.maxRate),
      ),
    );

type Flags = Record<string, unknown>;

/** The flag's value, else the env variable's; undefined when neither is set. */
function pick(
  flags: Flags,
  key: string,
  env: NodeJS.ProcessEnv,
  envName: string | null,
): { value: string; source: string } | undefined {
  const flag = flags[key];
  if (typeof flag === 'string') return { value: flag, source: `--${kebab(key)}` };
  const fromEnv = envName ? env[envName] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: envName! };
  return undefined;
}

function kebab(key: string): string {
  return key.replace(/[A-Z0-9]+/g, (m) => `-${m.toLowerCase()}`);
}

function number(
  raw: { value: string; source: string },
  { min, integer }: { min: number; integer: boolean },
): number {
  const text = raw.value.trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new UsageError(
      `${raw.source}: "${raw.value}" is not ${integer ? 'a whole number' : 'a number'} ≥ ${min}`,
    );
  }
  return n;
}

function duration(raw: { value: string; source: string }, min: number): number {
  const ms = parseDuration(raw.value, raw.source);
  if (ms < min) throw new UsageError(`${raw.source}: "${raw.value}" is too short (at least ${min} ms)`);
  return ms;
}

function parseRecycle(raw: { value: string; source: string }): NonNullable<LoadOptions['recycle']> {
  const recycle: NonNullable<LoadOptions['recycle']> = { afterRequests: null, afterMs: null };
  for (const part of raw.value.split(',').map((p) => p.trim())) {
    if (/^\d+$/.test(part))
      recycle.afterRequests = number({ value: part, source: raw.source }, { min: 1, integer: true });
    else recycle.afterMs = duration({ value: part, source: raw.source }, 1);
  }
  return recycle;
}

function parseHeaders(list: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of (list as string[] | undefined) ?? []) {
    const colon = h.indexOf(':');
    const name = colon > 0 ? h.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new UsageError(`--header: "${h}" is not name:value`);
    headers[name.toLowerCase()] = h.slice(colon + 1).trim();
  }
  return headers;
}

export function parseTarget(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL (example: http://127.0.0.1:8080/)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`"${text}": only http:// and https:// URLs are supported`);
  }
  return url.href;
}

export const resolveLoadOptions: ResolveLoadOptions = (url, flags, env = process.env) => {
  const target = parseTarget(url);
  const rateRaw = pick(flags, 'rate', env, 'LOAD_RATE');
  const rate =
    rateRaw === undefined
      ? DEFAULTS.rate
      : /^(max|0)$/i.test(rateRaw.value.trim())
        ? null
        : number(rateRaw, { min: 0.1, integer: false });
  const c = pick(flags, 'connections', env, 'LOAD_CONNECTIONS');
  const connections = c ? number(c, { min: 1, integer: true }) : DEFAULTS.connections;
  const d = pick(flags, 'duration', env, 'LOAD_DURATION');
  const n = pick(flags, 'requests', env, 'LOAD_REQUESTS');
  const requests = n ? number(n, { min: 1, integer: true }) : null;
  const serve = flags.serve === true;
  const durationMs = d ? duration(d, 1) : requests !== null || serve ? null : DEFAULTS.durationMs;
  const t = pick(flags, 'timeout', env, 'LOAD_TIMEOUT');
  const timeoutMs = t ? duration(t, 1) : DEFAULTS.timeoutMs;
  const r = pick(flags, 'recycle', env, 'LOAD_RECYCLE');
  const i = pick(flags, 'interval', env, 'LOAD_INTERVAL');
  const intervalMs = i ? duration(i, 50) : DEFAULTS.intervalMs;
  const maxErrors = pick(flags, 'maxErrors', env, 'LOAD_MAX_ERRORS');
  const maxErrorRate = pick(flags, 'maxErrorRate', env, 'LOAD_MAX_ERROR_RATE');
  const maxP99 = pick(flags, 'maxP99', env, 'LOAD_MAX_P99');
  const mr = pick(flags, 'maxRate', env, 'LOAD_MAX_RATE');
  const maxRate = mr ? number(mr, { min: 0.1, integer: false }) : DEFAULTS.maxRate;

  let ui: LoadOptions['ui'] = null;
  const uiFlag = flags.ui;
  const uiEnv = env.LOAD_UI_PORT;
  if (uiFlag !== undefined || serve || (uiEnv !== undefined && uiEnv !== '')) {
    const portRaw =
      typeof uiFlag === 'string'
        ? { value: uiFlag, source: '--ui' }
        : uiEnv
          ? { value: uiEnv, source: 'LOAD_UI_PORT' }
          : null;
    const port = portRaw ? number(portRaw, { min: 0, integer: true }) : DEFAULTS.uiPort;
    if (port > 65535) throw new UsageError(`${portRaw!.source}: ${port} is not a port`);
    const host = pick(flags, 'uiHost', env, 'LOAD_UI_HOST')?.value ?? (serve ? '0.0.0.0' : '127.0.0.1');
    ui = { port, host };
  }

  const engineRaw = pick(flags, 'engine', env, 'LOAD_ENGINE');
  const engine = engineRaw?.value ?? 'undici';
  if (engine !== 'undici' && engine !== 'autocannon') {
    throw new UsageError(`${engineRaw!.source}: "${engine}" is not an engine (undici or autocannon)`);
  }
  const keepAlive = flags.keepalive !== false;
  const recycle = r && r.value !== 'never' ? parseRecycle(r) : null;
  if (engine === 'autocannon' && (rate !== null || !keepAlive || recycle !== null)) {
    throw new UsageError(
      '--engine autocannon is for raw throughput: it needs --rate max and supports neither --recycle nor --no-keepalive',
    );
  }

  return {
    url: target,
    rate,
    connections,
    durationMs,
    requests,
    timeoutMs,
    keepAlive,
    recycle,
    headers: parseHeaders(flags.header),
    intervalMs,
    jsonFile: typeof flags.json === 'string' ? flags.json : null,
    quiet: flags.quiet === true,
    thresholds: {
      maxErrors: maxErrors ? number(maxErrors, { min: 0, integer: true }) : null,
      maxErrorRate: maxErrorRate
        ? number(
            { ...maxErrorRate, value: maxErrorRate.value.replace(/%\s*$/, '') },
            { min: 0, integer: false },
          )
        : null,
      maxP99Ms: maxP99 ? number(maxP99, { min: 0, integer: false }) : null,
    },
    ui,
    serve,
    allowControl: flags.allowControl === true,
    maxRate,
    engine,
  };
};
