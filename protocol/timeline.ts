/**
 * A run kept for afterwards: the report's `timeline` (every tick's bucket as the stream sent it, minus the
 * running totals, which a replay sums again) and the arithmetic both ends share: merging ticks into coarser
 * buckets (the loadtester, past its size budget) and summing the running totals back (the page's replay).
 * No I/O.
 */
import type { EventMessage } from './events.js';
import {
  addOutcomes,
  emptyAttribution,
  emptyGroup,
  emptyLatency,
  emptyOutcomes,
  nameRecord,
  type Attribution,
  type Bucket,
  type ConnectionStats,
  type GroupStats,
  type LatencySummary,
  type Outcomes,
  type PodStats,
} from './outcomes.js';
import type { RunSettings, Sample, TickMessage } from './run.js';

/** One interval as the stream's tick carried it, without the running totals (summed again on replay). */
export type TimelineTick = Omit<TickMessage, 'type' | 'total' | 'totalAttribution'>;

export const LATENCY_MERGE_NOTE =
  "merged intervals: counts, mean and max are exact; p50/p90/p99 are estimated from the merged intervals' own percentiles and lie between the smallest and largest of them";

export interface RunTimeline {
  /** The run's settings as the stream's hello and settings messages carried them at the end. */
  settings: RunSettings;
  /** Oldest first. A merged tick spans several intervals: its intervalMs is their sum. */
  ticks: TimelineTick[];
  /** The last individual responses of the run (the box grid), oldest first, bounded. */
  samples: Sample[];
  /** Null when every tick is as the stream sent it; otherwise how the older ones were merged. */
  coarsened: {
    /** The budget for the ticks' JSON, in bytes, that the merging keeps to. */
    budgetBytes: number;
    /** How many of the stream's ticks went into merged ones. */
    mergedTicks: number;
    /** The widest merged tick, in ms. */
    widestMs: number;
    note: string;
  } | null;
  /** Events left out of the report's `events` (the oldest first) past its cap. */
  droppedEvents: number;
}

/** What the report gains for replay (see Report in report.ts). */
export interface ReplayParts {
  timeline: RunTimeline;
  events: EventMessage[];
}

/**
 * The percentile `q` of several latency summaries together. Each summary stands for a distribution with
 * half its mass at p50, 40% at p90, 9% at p99 and 1% at max, weighted by its count: one summary alone gives
 * back its own percentiles exactly, and a merge always lies between the smallest and largest of the parts'.
 */
function mixedPercentile(parts: readonly LatencySummary[], q: number, total: number): number {
  const knots: [number, number][] = [];
  for (const p of parts) {
    if (p.count === 0) continue;
    knots.push(
      [p.p50, 0.5 * p.count],
      [p.p90, 0.4 * p.count],
      [p.p99, 0.09 * p.count],
      [p.max, 0.01 * p.count],
    );
  }
  knots.sort((a, b) => a[0] - b[0]);
  let mass = 0;
  for (const [value, weight] of knots) {
    mass += weight;
    // A hair under q, so float sums (0.5 + 0.4 = 0.9000000000000001 or 0.8999999999999999) land where they should.
    if (mass >= q * total - 1e-9 * total) return value;
  }
  return knots.length > 0 ? knots[knots.length - 1]![0] : 0;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Several intervals' latency as one: count, mean and max exact, percentiles estimated (see mixedPercentile). */
export function mergeLatency(parts: readonly LatencySummary[]): LatencySummary {
  const live = parts.filter((p) => p.count > 0);
  if (live.length === 0) return emptyLatency();
  if (live.length === 1) return { ...live[0]! };
  const count = live.reduce((n, p) => n + p.count, 0);
  return {
    count,
    p50: mixedPercentile(live, 0.5, count),
    p90: mixedPercentile(live, 0.9, count),
    p99: mixedPercentile(live, 0.99, count),
    max: Math.max(...live.map((p) => p.max)),
    mean: round3(live.reduce((n, p) => n + p.mean * p.count, 0) / count),
  };
}

function addGroup(into: GroupStats, from: GroupStats): GroupStats {
  const sum: GroupStats = { ...emptyGroup(), latency: mergeLatency([into.latency, from.latency]) };
  addOutcomes(sum, into);
  addOutcomes(sum, from);
  sum.skipped = into.skipped + from.skipped;
  sum.inferred = into.inferred + from.inferred;
  return sum;
}

/** Connections over two consecutive spans: what opened, closed and was sent adds; what is open is the later's. */
function addConnections(older: ConnectionStats, newer: ConnectionStats): ConnectionStats {
  return {
    open: newer.open,
    opened: older.opened + newer.opened,
    closed: older.closed + newer.closed,
    requests: older.requests + newer.requests,
  };
}

/** Two consecutive spans' attribution as one (`older` first). */
export function addAttribution(older: Attribution, newer: Attribution): Attribution {
  const colors = nameRecord<GroupStats>();
  for (const [name, g] of Object.entries(older.colors)) colors[name] = g;
  for (const [name, g] of Object.entries(newer.colors)) {
    const before = colors[name];
    colors[name] = before ? addGroup(before, g) : g;
  }
  const pods = nameRecord<PodStats>();
  for (const [name, p] of Object.entries(older.pods)) pods[name] = p;
  for (const [name, p] of Object.entries(newer.pods)) {
    const before = pods[name];
    pods[name] = before
      ? {
          ...addGroup(before, p),
          color: p.color || before.color,
          connections: addConnections(before.connections, p.connections),
        }
      : p;
  }
  return {
    colors,
    pods,
    frontDoor: addGroup(older.frontDoor, newer.frontDoor),
    unknown: addGroup(older.unknown, newer.unknown),
  };
}

function addCounts(older: Record<string, number>, newer: Record<string, number>): Record<string, number> {
  const sum = nameRecord<number>();
  for (const [name, n] of Object.entries(older)) sum[name] = n;
  for (const [name, n] of Object.entries(newer)) sum[name] = (sum[name] ?? 0) + n;
  return sum;
}

function addBuckets(older: Bucket, newer: Bucket): Bucket {
  const outcomes: Outcomes = emptyOutcomes();
  addOutcomes(outcomes, older);
  addOutcomes(outcomes, newer);
  const byPod: Bucket['byPod'] = nameRecord();
  for (const [name, p] of Object.entries(older.byPod)) byPod[name] = { ...p };
  for (const [name, p] of Object.entries(newer.byPod)) {
    const before = byPod[name];
    byPod[name] = before ? { color: p.color || before.color, count: before.count + p.count } : { ...p };
  }
  return {
    ...outcomes,
    byColor: addCounts(older.byColor, newer.byColor),
    byPod,
    latency: mergeLatency([older.latency, newer.latency]),
    skipped: {
      backoff: older.skipped.backoff + newer.skipped.backoff,
      busy: older.skipped.busy + newer.skipped.busy,
    },
    attribution: addAttribution(
      older.attribution ?? emptyAttribution(),
      newer.attribution ?? emptyAttribution(),
    ),
  };
}

/** Two consecutive ticks as one spanning both: it ends where the newer ends, with its sequence number and state. */
export function mergeTicks(older: TimelineTick, newer: TimelineTick): TimelineTick {
  return {
    ...newer,
    intervalMs: older.intervalMs + newer.intervalMs,
    bucket: addBuckets(older.bucket, newer.bucket),
  };
}

/** A tick as the timeline keeps it: the stream's tick without its running totals. */
export function timelineTick(tick: TickMessage): TimelineTick {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { type, total, totalAttribution, ...rest } = tick;
  return rest;
}

/**
 * The stream's ticks again from a timeline: each with the running totals summed over the ticks up to it
 * (outcomes exact; the running latency summaries merged as mergeLatency does).
 */
export function replayTicks(ticks: readonly TimelineTick[]): TickMessage[] {
  const total = emptyOutcomes();
  let totalAttribution = emptyAttribution();
  return ticks.map((t) => {
    addOutcomes(total, t.bucket);
    totalAttribution = addAttribution(totalAttribution, t.bucket.attribution ?? emptyAttribution());
    return { type: 'tick', ...t, total: structuredClone(total), totalAttribution };
  });
}
