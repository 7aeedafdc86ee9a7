/**
 * Counting outcomes (see Outcomes in stream.ts) the same way on both ends: the loadtester's tally and
 * the page's own tally in browser mode. No I/O.
 */
import type { Attribution, ErrorKind, GroupStats, LatencySummary, Outcomes, StatusClass } from './stream.js';

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
