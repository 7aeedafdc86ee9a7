/**
 * The loadtester's settings (shared by `load` and `demo`): one table, resolved into LoadOptions, the options a
 * load session (loadtester/session.ts) runs on for both commands.
 */
import type { Command } from 'commander';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDuration } from '../common/duration.js';
import {
  decimal,
  duration,
  latencyMs,
  oneOf,
  percentage,
  port,
  secret,
  text,
  wholeNumber,
  type Parse,
} from '../common/parsers.js';
import { MIN_RATE } from '../protocol/control.js';
import { nameRecord } from '../protocol/outcomes.js';
import {
  addSettings,
  list,
  optional,
  resolveSettings,
  toggle,
  value,
  type AddSettingsOptions,
  type Env,
  type Flags,
} from '../common/settings.js';
import { UsageError } from '../common/usage-error.js';
import { parseOrigins } from './dashboard/origin.js';

export interface LoadOptions {
  /** Absolute http(s) URL, sent as given (credentials in it as basic auth); shown without credentials. */
  url: string;
  /** Requests per second, paced evenly (open model); null = as fast as the connections allow. */
  rate: number | null;
  connections: number;
  /** Exactly one of durationMs / requests bounds a run; both null = until stopped (--serve). */
  durationMs: number | null;
  requests: number | null;
  timeoutMs: number;
  keepAlive: boolean;
  recycle: { afterRequests: number | null; afterMs: number | null } | null;
  headers: Record<string, string>;
  intervalMs: number;
  jsonFile: string | null;
  /** `--timeline FILE.csv|.ndjson`: a row per interval and colour, written as the run goes. */
  timelineFile?: string | null;
  /** `--html FILE`: the run as a self-contained dashboard page, written at the end (loadtester/report/html-report.ts). */
  htmlFile?: string | null;
  quiet: boolean;
  /** false with `--no-color`; colour is used only on a TTY without NO_COLOR (loadtester/outputs/style.ts). */
  color: boolean;
  thresholds: Thresholds;
  /**
   * `--ui [PORT]`: serve the dashboard and /api/stream; null = no UI. `origins`: pages on these origins
   * may open the stream besides the dashboard's own (`--ui-origin`).
   */
  ui: { port: number; host: string; origins?: readonly string[] } | null;
  /** `--serve`: keep running (and serving the UI) until stopped. */
  serve: boolean;
  allowControl: boolean;
  maxRate: number;
  /** `--control-token`: when set, every control from the page must carry it. Never sent to a page. */
  controlToken: string | null;
  /**
   * `undici` (default): every request accounted for, paced, recyclable. `autocannon`: raw throughput at
   * maximum rate only, with autocannon's known blind spot for requests cut off mid-flight.
   */
  engine?: 'undici' | 'autocannon';
  /** `--insecure`: the target's TLS certificate is not verified. */
  insecure: boolean;
  /** `--kube`: watch the cluster behind the target and stream its changes as events; absent/null = no. */
  kube?: KubeOptions | null;
  /** `--ca FILE`: the PEM text of the CA certificates trusted for the target (instead of the system's). */
  ca: string | null;
}

/** Limits that fail a run (exit 1). Percentages are in percent (0.5 = 0.5 %). */
export interface Thresholds {
  maxErrors: number | null;
  /** The whole run's error rate, skipped requests included. */
  maxErrorRate: number | null;
  maxP99Ms: number | null;
  /** `--max-error-rate green:0.5%`: colour → limit, over that colour's requests only. Absent: none. */
  colorMaxErrorRate?: Record<string, number>;
  /** `--max-p99 green:250ms`: colour → limit in ms, over that colour's responses only. */
  colorMaxP99Ms?: Record<string, number>;
  /** `--compare blue,green --max-regression 20%`: the candidate's error rate and p99 against the baseline's. */
  compare?: { baseline: string; candidate: string; maxRegression: number } | null;
}

/** What `--kube` watches: the pods matching `selector` in `namespace`, their owners, and the Service's endpoints. */
export interface KubeOptions {
  /** A kubeconfig context; null = the current one (or the in-cluster account). */
  context: string | null;
  /** null = the context's namespace (in a pod: its own), else `default`. */
  namespace: string | null;
  /** A label selector for the app's pods, e.g. `app.kubernetes.io/name=bluegreen`. */
  selector: string;
  /** The Service whose EndpointSlices are watched; null = no endpoint events. */
  service: string | null;
}

/** Everything but the target: `demo` resolves these before its front door has a port. */
export type LoadSettings = Omit<LoadOptions, 'url'>;

/** How a command sizes a run that no setting bounds, and whether it serves the dashboard unasked. */
export interface RunDefaults {
  /** The run's length when neither --duration, --requests nor --serve bounds it; null = until stopped. */
  durationMs: number | null;
  /** Serve the dashboard even without --ui or --serve. */
  ui: boolean;
}

const LOAD_DURATION = '30s';
export const LOAD_RUN_DEFAULTS: RunDefaults = { durationMs: parseDuration(LOAD_DURATION), ui: false };
const LOCAL_HOST = '127.0.0.1';
const ALL_HOSTS = '0.0.0.0';
const ENGINES = ['undici', 'autocannon'] as const;

/** `max` = as fast as the connections allow; 0 is refused rather than read as either extreme. */
const rate: Parse<number | null> = (raw, source) => {
  if (/^max$/i.test(raw.trim())) return null;
  if (raw.trim() !== '' && Number(raw) === 0)
    throw new UsageError(
      `${source}: "${raw}" is no rate: for as fast as the connections allow, use --rate max; else at least ${MIN_RATE} per second`,
    );
  return decimal(MIN_RATE)(raw, source);
};

const recycle: Parse<LoadOptions['recycle']> = (raw, source) => {
  if (raw.trim() === 'never') return null;
  const when: NonNullable<LoadOptions['recycle']> = { afterRequests: null, afterMs: null };
  for (const part of raw.split(',').map((p) => p.trim())) {
    if (/^\d+$/.test(part)) when.afterRequests = wholeNumber(1)(part, source);
    else when.afterMs = duration(1)(part, source);
  }
  return when;
};

const header: Parse<[string, string]> = (raw, source) => {
  const colon = raw.indexOf(':');
  const name = colon > 0 ? raw.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw new UsageError(`${source}: "${raw}" is not name:value`);
  return [name.toLowerCase(), raw.slice(colon + 1).trim()];
};

/** An error rate: a share of the requests, so never above 100%. */
const errorRate = percentage(100);

/** A limit for the whole run (no colour) or for one colour's requests. */
type ScopedLimit = [color: string | null, limit: number];

/** `0.5%`, `green:0.5%`, or a comma list of them (`blue:1%,green:0.5%`): colour before the last colon. */
function scopedLimits(parseLimit: Parse<number>): Parse<ScopedLimit[]> {
  return (raw, source) =>
    raw.split(',').map((item): ScopedLimit => {
      const part = item.trim();
      if (part === '') throw new UsageError(`${source}: "${raw}" has an empty item`);
      const colon = part.lastIndexOf(':');
      if (colon < 0) return [null, parseLimit(part, source)];
      const color = part.slice(0, colon).trim();
      if (color === '')
        throw new UsageError(
          `${source}: "${part}" names no colour before the colon (e.g. green:${part.slice(colon + 1)})`,
        );
      return [color, parseLimit(part.slice(colon + 1).trim(), `${source} ${color}`)];
    });
}

/** The whole run's limit and each colour's, from every occurrence of the flag; each may be given once. */
function splitLimits(
  flag: string,
  occurrences: ScopedLimit[][],
): { run: number | null; colors: Record<string, number> | undefined } {
  let run: number | null = null;
  const colors = nameRecord<number>();
  for (const [color, limit] of occurrences.flat()) {
    if (color === null) {
      if (run !== null) throw new UsageError(`${flag}: the whole run's limit is given twice`);
      run = limit;
    } else {
      if (color in colors) throw new UsageError(`${flag}: ${color}'s limit is given twice`);
      colors[color] = limit;
    }
  }
  return { run, colors: Object.keys(colors).length > 0 ? colors : undefined };
}

/** `--compare blue,green`: the baseline colour, then the candidate. */
const colorPair: Parse<[string, string]> = (raw, source) => {
  const names = raw.split(',').map((n) => n.trim());
  if (names.length !== 2 || names.some((n) => n === ''))
    throw new UsageError(`${source}: "${raw}" must be two colours, baseline first (e.g. blue,green)`);
  if (names[0] === names[1]) throw new UsageError(`${source}: "${raw}" compares a colour with itself`);
  return [names[0]!, names[1]!];
};

const path: Parse<string> = (raw) => raw;

/** `--timeline`: the file's extension says the format. */
const timelinePath: Parse<string> = (raw, source) => {
  if (!/\.(csv|ndjson)$/i.test(raw)) {
    throw new UsageError(
      `${source}: "${raw}" must end in .csv or .ndjson (the format follows the extension)`,
    );
  }
  return raw;
};

/** A PEM file of CA certificates, read now so a bad file is bad usage that names it. */
const caFile: Parse<string> = (raw, source) => {
  let pem: string;
  try {
    pem = readFileSync(raw, 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`${source}: cannot read "${raw}" (${reason})`);
  }
  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate');
    new X509Certificate(pem);
  } catch {
    throw new UsageError(`${source}: "${raw}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return pem;
};

/** A namespace or Service name: an RFC 1123 label. */
const dnsLabel: Parse<string> = (raw, source) => {
  const name = raw.trim();
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name))
    throw new UsageError(
      `${source}: "${raw}" is not a Kubernetes name (lower-case letters, digits and -, at most 63)`,
    );
  return name;
};

/** Equality-based label selectors (`k=v`, `k==v`, `k!=v`, `k`, `!k`), comma-separated; set-based ones (`in`) too. */
const labelSelector: Parse<string> = (raw, source) => {
  const selector = raw.trim();
  const key = String.raw`([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`;
  const value = String.raw`[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`;
  const term = new RegExp(
    `^(!?${key}|${key}\\s*(=|==|!=)\\s*(${value})?|${key}\\s+(in|notin)\\s+\\(\\s*${value}(\\s*,\\s*${value})*\\s*\\))$`,
  );
  const terms = selector.split(/,(?![^(]*\))/).map((t) => t.trim());
  if (selector === '' || selector.length > 512 || !terms.every((t) => term.test(t)))
    throw new UsageError(
      `${source}: "${raw}" is not a label selector (example: app.kubernetes.io/name=bluegreen)`,
    );
  return selector;
};

export const LOAD_TABLE = {
  rate: value({
    flag: '--rate',
    short: '-r',
    arg: '<n>',
    env: 'LOAD_RATE',
    default: '100',
    help: 'requests per second, paced evenly; "max" = as fast as the connections allow',
    parse: rate,
  }),
  connections: value({
    flag: '--connections',
    short: '-c',
    arg: '<n>',
    env: 'LOAD_CONNECTIONS',
    default: '10',
    help: 'concurrent connections',
    parse: wholeNumber(1),
  }),
  duration: optional({
    flag: '--duration',
    short: '-d',
    arg: '<time>',
    env: 'LOAD_DURATION',
    shownDefault: `${LOAD_DURATION} unless --requests or --serve`,
    help: 'how long to run, e.g. 30s, 5m',
    parse: duration(1),
  }),
  requests: optional({
    flag: '--requests',
    short: '-n',
    arg: '<n>',
    env: 'LOAD_REQUESTS',
    help: 'stop after this many requests',
    parse: wholeNumber(1),
  }),
  timeout: value({
    flag: '--timeout',
    arg: '<time>',
    env: 'LOAD_TIMEOUT',
    default: '10s',
    help: 'per-request timeout',
    parse: duration(1),
  }),
  recycle: value({
    flag: '--recycle',
    arg: '<when>',
    env: 'LOAD_RECYCLE',
    default: 'never',
    help: 'close and reopen each connection after N requests and/or an age, e.g. 100, 10s, 100,10s (reaches new pods behind an L4 Service)',
    parse: recycle,
  }),
  keepalive: toggle({ flag: '--no-keepalive', help: 'a fresh connection for every request' }),
  header: list({
    flag: '--header',
    short: '-H',
    arg: '<name:value>',
    help: 'extra request header (repeatable)',
    parse: header,
  }),
  interval: value({
    flag: '--interval',
    arg: '<time>',
    env: 'LOAD_INTERVAL',
    default: '1s',
    help: 'tally bucket length',
    parse: duration(50),
  }),
  json: optional({
    flag: '--json',
    arg: '<file>',
    help: 'write the final report as JSON to this file',
    parse: path,
  }),
  timeline: optional({
    flag: '--timeline',
    arg: '<file>',
    help: 'write a row per interval and colour (requests, failures by kind, p50/p90/p99) to this .csv or .ndjson file',
    parse: timelinePath,
  }),
  html: optional({
    flag: '--html',
    arg: '<file>',
    help: 'write the run as one self-contained HTML page (the dashboard replaying it; opens offline)',
    parse: path,
  }),
  quiet: toggle({ flag: '--quiet', short: '-q', help: 'no live output; only the final report' }),
  color: toggle({
    flag: '--no-color',
    help: 'no colour on a terminal (also NO_COLOR; pipes and files never get colour)',
  }),
  maxErrors: optional({
    flag: '--max-errors',
    arg: '<n>',
    env: 'LOAD_MAX_ERRORS',
    help: 'fail (exit 1) when more requests than this fail',
    parse: wholeNumber(0),
  }),
  maxErrorRate: list({
    flag: '--max-error-rate',
    arg: '<[colour:]percent>',
    env: 'LOAD_MAX_ERROR_RATE',
    help: "fail (exit 1) when more than this percentage fails, e.g. 0.5 or 0.5% (at most 100%); green:0.5% for green's requests only (repeatable or comma-separated)",
    parse: scopedLimits(errorRate),
  }),
  maxP99: list({
    flag: '--max-p99',
    arg: '<[colour:]time>',
    env: 'LOAD_MAX_P99',
    help: "fail (exit 1) when p99 latency exceeds this, e.g. 250ms or 1s (a bare number is ms); green:250ms for green's responses only (repeatable or comma-separated)",
    parse: scopedLimits(latencyMs()),
  }),
  compare: optional({
    flag: '--compare',
    arg: '<baseline,candidate>',
    env: 'LOAD_COMPARE',
    help: "fail (exit 1) when the candidate colour's error rate or p99 is worse than the baseline's by more than --max-regression, e.g. blue,green",
    parse: colorPair,
  }),
  maxRegression: optional({
    flag: '--max-regression',
    arg: '<percent>',
    env: 'LOAD_MAX_REGRESSION',
    help: 'how much worse than the baseline the candidate may be (with --compare), e.g. 20%',
    parse: percentage(),
  }),
  ui: value({
    flag: '--ui',
    arg: '[port]',
    env: 'LOAD_UI_PORT',
    default: '8090',
    help: 'serve the dashboard and its live stream on this port',
    parse: port,
  }),
  uiHost: optional({
    flag: '--ui-host',
    arg: '<host>',
    env: 'LOAD_UI_HOST',
    shownDefault: `${LOCAL_HOST}; ${ALL_HOSTS} with --serve`,
    help: 'address the dashboard listens on',
    parse: text,
  }),
  serve: toggle({
    flag: '--serve',
    help: 'keep running and serving the dashboard until stopped (implies --ui)',
  }),
  uiOrigin: optional({
    flag: '--ui-origin',
    arg: '<origins>',
    env: 'LOAD_UI_ORIGIN',
    shownDefault: "only the dashboard's own",
    help: 'other origins whose pages may open the stream, comma-separated (a proxy in front that changes the Host)',
    parse: parseOrigins,
  }),
  allowControl: toggle({
    flag: '--allow-control',
    help: "let the dashboard start, stop and change the rate (never the target), and the demo's rollouts",
  }),
  controlToken: optional({
    flag: '--control-token',
    arg: '<token>',
    env: 'LOAD_CONTROL_TOKEN',
    help: 'controls from the page must carry this token (prefer the env variable: flags show in ps)',
    parse: secret,
  }),
  engine: value({
    flag: '--engine',
    arg: '<name>',
    env: 'LOAD_ENGINE',
    default: 'undici',
    help: 'undici (accounts for every request) or autocannon (raw throughput: --rate max, keep-alive, no --recycle)',
    parse: oneOf(ENGINES),
  }),
  maxRate: value({
    flag: '--max-rate',
    arg: '<n>',
    env: 'LOAD_MAX_RATE',
    default: '1000',
    help: 'the highest rate the dashboard may set or start a run at',
    parse: decimal(MIN_RATE),
  }),
  insecure: toggle({
    flag: '--insecure',
    help: "do not verify the target's TLS certificate (anyone on the path could pose as the target)",
  }),
  kube: toggle({
    flag: '--kube',
    help: 'watch the pods, ReplicaSets, Deployment, EndpointSlices and Warning events behind the target (in-cluster account, else kubeconfig) and stream them as events',
  }),
  kubeContext: optional({
    flag: '--context',
    arg: '<name>',
    env: 'LOAD_KUBE_CONTEXT',
    shownDefault: "the kubeconfig's current context",
    help: 'with --kube: the kubeconfig context',
    parse: text,
  }),
  kubeNamespace: optional({
    flag: '--namespace',
    arg: '<ns>',
    env: 'LOAD_KUBE_NAMESPACE',
    shownDefault: "the context's namespace (in a pod: its own), else default",
    help: 'with --kube: the namespace of the pods',
    parse: dnsLabel,
  }),
  kubeSelector: optional({
    flag: '--selector',
    arg: '<labels>',
    env: 'LOAD_KUBE_SELECTOR',
    help: 'with --kube (needed): the label selector of the app pods, e.g. app.kubernetes.io/component=app',
    parse: labelSelector,
  }),
  kubeService: optional({
    flag: '--service',
    arg: '<name>',
    env: 'LOAD_KUBE_SERVICE',
    help: 'with --kube: the Service whose EndpointSlices to watch (who is in the endpoints, ready, terminating)',
    parse: dnsLabel,
  }),
  ca: optional({
    flag: '--ca',
    arg: '<file>',
    env: 'LOAD_CA',
    help: "trust the CA certificates in this PEM file (only those) for the target's TLS",
    parse: caFile,
  }),
};

/** Adds the loadtester's flags to a command, so `load` and `demo` take them with the same names and meaning. */
export function addLoadFlags(command: Command, options?: AddSettingsOptions<typeof LOAD_TABLE>): Command {
  return addSettings(command, LOAD_TABLE, options);
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

/** Resolves the loadtester's settings from commander's flags and the environment (a flag wins over env). */
export function resolveLoadSettings(
  flags: Flags,
  env: Env = process.env,
  defaults: RunDefaults = LOAD_RUN_DEFAULTS,
): LoadSettings {
  const { values: v, given } = resolveSettings(LOAD_TABLE, flags, env);
  if (v.engine === 'autocannon' && (v.rate !== null || !v.keepalive || v.recycle !== null)) {
    throw new UsageError(
      '--engine autocannon is for raw throughput: it needs --rate max and supports neither --recycle nor --no-keepalive',
    );
  }
  if (v.insecure && v.ca !== null) throw new UsageError('--insecure and --ca exclude each other');
  const kube = resolveKube(v, given);
  if ((v.compare === null) !== (v.maxRegression === null)) {
    throw new UsageError(
      v.compare === null
        ? '--max-regression needs --compare <baseline,candidate> (e.g. --compare blue,green)'
        : '--compare needs --max-regression <percent>: how much worse the candidate may be (e.g. 20%)',
    );
  }
  const errorRates = splitLimits('--max-error-rate', v.maxErrorRate);
  const p99s = splitLimits('--max-p99', v.maxP99);
  // A request count ends the run by itself; --serve runs until stopped.
  const untimed = v.requests !== null || v.serve;
  const showUi = given.has('ui') || v.serve || defaults.ui;
  return {
    rate: v.rate,
    connections: v.connections,
    durationMs: v.duration ?? (untimed ? null : defaults.durationMs),
    requests: v.requests,
    timeoutMs: v.timeout,
    keepAlive: v.keepalive,
    recycle: v.recycle,
    headers: Object.fromEntries(v.header),
    intervalMs: v.interval,
    jsonFile: v.json,
    timelineFile: v.timeline,
    htmlFile: v.html,
    quiet: v.quiet,
    color: v.color,
    thresholds: {
      maxErrors: v.maxErrors,
      maxErrorRate: errorRates.run,
      maxP99Ms: p99s.run,
      ...(errorRates.colors ? { colorMaxErrorRate: errorRates.colors } : {}),
      ...(p99s.colors ? { colorMaxP99Ms: p99s.colors } : {}),
      ...(v.compare && v.maxRegression !== null
        ? { compare: { baseline: v.compare[0], candidate: v.compare[1], maxRegression: v.maxRegression } }
        : {}),
    },
    ui: showUi
      ? { port: v.ui, host: v.uiHost ?? (v.serve ? ALL_HOSTS : LOCAL_HOST), origins: v.uiOrigin ?? [] }
      : null,
    serve: v.serve,
    allowControl: v.allowControl,
    maxRate: v.maxRate,
    controlToken: v.controlToken,
    engine: v.engine,
    insecure: v.insecure,
    ca: v.ca,
    kube,
  };
}

type LoadValues = ReturnType<typeof resolveSettings<typeof LOAD_TABLE>>['values'];

function resolveKube(v: LoadValues, given: ReadonlySet<keyof typeof LOAD_TABLE>): LoadOptions['kube'] {
  if (!v.kube) {
    const stray = (['kubeContext', 'kubeNamespace', 'kubeSelector', 'kubeService'] as const).find((key) =>
      given.has(key),
    );
    if (stray) {
      const s = LOAD_TABLE[stray];
      throw new UsageError(`${s.flag} (or ${s.env}) is for --kube, which was not given`);
    }
    return null;
  }
  if (v.kubeSelector === null)
    throw new UsageError(
      '--kube needs --selector, the label selector of the app pods (e.g. app.kubernetes.io/component=app)',
    );
  return {
    context: v.kubeContext,
    namespace: v.kubeNamespace,
    selector: v.kubeSelector,
    service: v.kubeService,
  };
}

/**
 * `bluegreen load`'s options: the settings plus the target. Validates the parsed flags (and env) into
 * LoadOptions; throws UsageError on bad input.
 */
export function resolveLoadOptions(
  url: string,
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): LoadOptions {
  const target = parseTarget(url);
  const settings = resolveLoadSettings(flags, env);
  // autocannon never verifies certificates (it connects with rejectUnauthorized: false): only when asked.
  if (settings.engine === 'autocannon' && target.startsWith('https:') && !settings.insecure) {
    throw new UsageError(
      '--engine autocannon does not verify TLS certificates: add --insecure to accept that, or use the undici engine',
    );
  }
  return { url: target, ...settings };
}
