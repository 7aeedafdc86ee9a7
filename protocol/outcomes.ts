/**
 * How outcomes are counted, the same way on both ends (the loadtester's tally and the page's own tally in
 * browser mode): the count types every tick, timeline and report is made of, their arithmetic, and the
 * vocabulary of the groups they are counted under (the limits on names, and how the groups without a
 * colour or pod are keyed and shown). No I/O, and no import: every other protocol module builds on this one.
 */

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Why a request got no response. `refused`: connect refused; `reset`: ECONNRESET/EPIPE; `other`: anything else. */
export const ERROR_KINDS = ['refused', 'reset', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * Every request sent ends in exactly one outcome. For a running total:
 *   sent = sum(responses) + sum(errors) + timeouts + dropped + inFlight
 * and at the end of a run inFlight is 0, so sent = responses + errors + timeouts + dropped.
 */
export interface Outcomes {
  sent: number;
  responses: Record<StatusClass, number>;
  errors: Record<ErrorKind, number>;
  timeouts: number;
  /** The connection closed (or was recycled) with this request in flight. */
  dropped: number;
  /** Everything that is not a 2xx/3xx response: errors + timeouts + dropped + 1xx/4xx/5xx. */
  failed: number;
}

/** Milliseconds, measured from when each request was due to be sent (no coordinated omission). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Responses whose latency is at most `leMs` (and above the previous bucket's); `leMs: null` is the rest. */
export interface LatencyBucket {
  leMs: number | null;
  count: number;
}

/** How many distinct colours and pods were counted under OTHER_BUCKET since the run started. */
export interface FoldCounts {
  colors: number;
  pods: number;
}

export interface PodTally {
  color: string;
  count: number;
}

/**
 * One group's outcomes in an interval or over the run (see "Attribution" in docs/loadtester.md): a colour, a
 * pod, the front door (responses without identity) or unknown (no response, and no connection history).
 * `failed` includes `skipped`; `latency` is over this group's responses only.
 */
export interface GroupStats extends Outcomes {
  /** Due requests never sent (only the unknown group has any: they were never on a connection). */
  skipped: number;
  /** Of the no-response failures (errors, timeouts, dropped), how many were attributed from the connection's history rather than a response. */
  inferred: number;
  latency: LatencySummary;
}

/** A connection counts for a pod from its first response naming that pod until it closes. */
export interface ConnectionStats {
  /** Open at the end of the interval. */
  open: number;
  /** Newly attributed to this pod / closed, in the interval (or over the run). */
  opened: number;
  closed: number;
  /** Requests sent on this pod's connections in the interval (or run); divided by connections used, requests per connection. */
  requests: number;
}

export interface PodStats extends GroupStats {
  color: string;
  connections: ConnectionStats;
}

/**
 * Every outcome of an interval (or the run) by who it belongs to. Colours and pods fold under OTHER_BUCKET
 * past the run's caps. Sums over `colors` + `frontDoor` + `unknown` equal the bucket's own outcomes (plus
 * skipped); `pods` is a finer split of the colours (a response with a colour and no pod counts in its colour only).
 */
export interface Attribution {
  colors: Record<string, GroupStats>;
  pods: Record<string, PodStats>;
  frontDoor: GroupStats;
  unknown: GroupStats;
}

/** One interval's counts. `byColor`/`byPod` count responses that carried those identities (kept from protocol 1). */
export interface Bucket extends Outcomes {
  byColor: Record<string, number>;
  byPod: Record<string, PodTally>;
  latency: LatencySummary;
  /** Due requests never sent in this interval, by why (see SkipCounts in loadtester/count/skip-counts.ts). */
  skipped: { backoff: number; busy: number };
  attribution: Attribution;
}

/**
 * A run keeps at most this many colours and pods by name (the loadtester's tally and the page's own); the
 * rest are counted under OTHER_BUCKET, so a target that names a new pod in every response cannot grow a
 * run's maps, ticks or history without bound.
 */
export const MAX_RUN_COLORS = 32;
export const MAX_RUN_PODS = 256;

/**
 * Colour and pod names longer than this are cut (ending in `…`, see readIdentity in identity.ts): a target
 * we do not control may send kilobytes per response, and every name is kept per run and sent in every tick.
 */
export const IDENTITY_VALUE_LIMIT = 128;

/** Where colours and pods past MAX_RUN_COLORS and MAX_RUN_PODS are counted (see FoldCounts). */
export const OTHER_BUCKET = 'other';

/**
 * The colour a response counts under when it names a pod but no colour, and its pod has never been seen
 * with one (so that colours + front door + unknown still add up to every outcome).
 */
export const UNNAMED_COLOR = '?';

/**
 * The two groups that are neither a colour nor a pod (see Attribution): the front door (responses without
 * identity) and unknown (no response, and no connection history). `…_KEY` is how machine-read output keys
 * them (the Prometheus `group` label, the `--timeline` file's `group` column, the page's rows); `…_LABEL` is
 * how they are shown among colours and pods (the report's outcome table, an incident's pods).
 */
export const FRONT_DOOR_KEY = 'front-door';
export const UNKNOWN_KEY = 'unknown';
export const FRONT_DOOR_LABEL = '(front door)';
export const UNKNOWN_LABEL = '(unknown)';

/** Every way a request can end without a response. */
export type FailureKind = ErrorKind | 'timeout' | 'dropped';

export function emptyOutcomes(): Outcomes {
  return {
    sent: 0,
    responses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    errors: { refused: 0, reset: 0, other: 0 },
    timeouts: 0,
    dropped: 0,
    failed: 0,
  };
}

/**
 * An empty record without a prototype, for counts keyed by names a target chose: `__proto__`,
 * `constructor` or `toString` are then ordinary keys, never Object.prototype's members.
 */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Statuses outside 100–599 fall into the nearest class. */
export function statusClass(status: number): StatusClass {
  if (status < 200) return '1xx';
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  if (status < 500) return '4xx';
  return '5xx';
}

/** 2xx and 3xx count as success; every other response counts as failed (on the tally's hot path). */
export function isOkClass(cls: StatusClass): boolean {
  return cls === '2xx' || cls === '3xx';
}

/** Counts a response (not `sent`, which is counted when the request goes out); 1xx/4xx/5xx also count as failed. */
export function countResponse(o: Outcomes, status: number): void {
  const cls = statusClass(status);
  o.responses[cls]++;
  if (!isOkClass(cls)) o.failed++;
}

/** Counts a request that got no response (not `sent`); every one counts as failed. */
export function countFailure(o: Outcomes, kind: FailureKind): void {
  if (kind === 'timeout') o.timeouts++;
  else if (kind === 'dropped') o.dropped++;
  else o.errors[kind]++;
  o.failed++;
}

export function addOutcomes(into: Outcomes, from: Outcomes): void {
  into.sent += from.sent;
  for (const k of Object.keys(from.responses) as StatusClass[]) into.responses[k] += from.responses[k];
  for (const k of Object.keys(from.errors) as ErrorKind[]) into.errors[k] += from.errors[k];
  into.timeouts += from.timeouts;
  into.dropped += from.dropped;
  into.failed += from.failed;
}

/** Requests that ended, one way or another: sent minus those still in flight. */
export function settled(o: Outcomes): number {
  const r = o.responses;
  const e = o.errors;
  return (
    r['1xx'] +
    r['2xx'] +
    r['3xx'] +
    r['4xx'] +
    r['5xx'] +
    e.refused +
    e.reset +
    e.other +
    o.timeouts +
    o.dropped
  );
}

export function emptyLatency(): LatencySummary {
  return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
}

export function emptyGroup(): GroupStats {
  return { ...emptyOutcomes(), skipped: 0, inferred: 0, latency: emptyLatency() };
}

export function emptyAttribution(): Attribution {
  return { colors: nameRecord(), pods: nameRecord(), frontDoor: emptyGroup(), unknown: emptyGroup() };
}

/** A group's share of failures among what was due to it: failed / (sent + skipped); 0 when nothing was due. */
export function errorRate(g: Outcomes & { skipped: number }): number {
  const due = g.sent + g.skipped;
  return due === 0 ? 0 : g.failed / due;
}
