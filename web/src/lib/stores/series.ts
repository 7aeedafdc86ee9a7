/**
 * Ticks → a bounded window of chart points: requests per second by colour, each colour's own failures,
 * the front door's and unknown's failures, latency percentiles, and each colour's p99 and error rate.
 * Nothing is apportioned: every count comes from the tick's attribution (who it belongs to). Pure: no DOM,
 * no timers; the window never holds more than `maxPoints`.
 */
import { nameRecord, OTHER_BUCKET, type GroupStats } from '$protocol/outcomes.js';
import type { TickMessage } from '$protocol/run.js';
import { heldBack } from './headline.js';

export interface SeriesPoint {
  /** Epoch ms at the end of the interval. */
  t: number;
  /** Successful (2xx/3xx) responses per second by colour. */
  ok: Record<string, number>;
  /** Failed requests per second that belong to each colour (its failed responses, and no-response failures inferred from its connections). */
  failedByColor: Record<string, number>;
  /** 2xx/3xx responses per second that carried no identity (the front door's successes). */
  unlabelled: number;
  /** Failed responses per second without identity: a proxy's own 502/503/504, a 429 from a gateway. */
  frontDoorFailed: number;
  /** Failed requests per second with no response and no connection history to name a pod. */
  unknownFailed: number;
  /** Everything sent that is not a 2xx/3xx response, per second: failedByColor summed, frontDoorFailed and unknownFailed. */
  failed: number;
  /** All responses per second by colour (any status): the basis of the share. */
  byColor: Record<string, number>;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  /** Each colour's p99 in the interval; absent for a colour without responses in it. */
  p99ByColor: Record<string, number>;
  /** Each colour's failed / due in the interval (0..1); absent for a colour with nothing due in it. */
  errorRateByColor: Record<string, number>;
  /** The rate asked for during the interval; null when the run sends as fast as it can. */
  asked: number | null;
  /** Requests due in the interval but not sent in it (backed off, queued, skipped), per second. */
  notSent: number;
}

/** Five minutes of one-second ticks. */
export const DEFAULT_WINDOW_POINTS = 300;
/** Colours beyond this many are folded into "other" so the legend and the point objects stay bounded. */
export const MAX_COLORS = 12;
/** The loadtester folds a run's colours past its own limit into the same bucket. */
export const OTHER_COLOR = OTHER_BUCKET;

/** 2xx and 3xx responses of a group. */
export function okResponses(g: GroupStats): number {
  return g.responses['2xx'] + g.responses['3xx'];
}

/**
 * A group's failures that were sent: skipped requests (never sent) are left out, because the chart shows
 * them apart as "not sent", reckoned from the asked rate.
 */
export function sentFailures(g: GroupStats): number {
  return Math.max(0, g.failed - g.skipped);
}

/**
 * Requests due but not sent in the interval, per second: the asked rate times the interval, less what was
 * sent, counted as the headline counts them (a request of pacing phase forgiven). The loadtester holds
 * requests back while its connections back off from a refusing target or all wait on a slow one, and
 * skips those that waited past the timeout. A catch-up interval that sends more than was due has none.
 */
export function notSentPerSecond(tick: TickMessage): number {
  if (tick.intervalMs <= 0) return 0;
  return (heldBack([tick]) * 1000) / tick.intervalMs;
}

export class SeriesWindow {
  readonly points: SeriesPoint[] = [];
  /** Colours in the order first seen (stable stacking order), at most MAX_COLORS plus "other". */
  readonly colors: string[] = [];

  constructor(readonly maxPoints = DEFAULT_WINDOW_POINTS) {}

  private colorKey(color: string): string {
    if (this.colors.includes(color)) return color;
    if (this.colors.length < MAX_COLORS) {
      this.colors.push(color);
      return color;
    }
    if (!this.colors.includes(OTHER_COLOR)) this.colors.push(OTHER_COLOR);
    return OTHER_COLOR;
  }

  add(tick: TickMessage): SeriesPoint {
    const perSecond = 1000 / Math.max(1, tick.intervalMs);
    const { attribution, latency } = tick.bucket;
    const frontDoorFailed = sentFailures(attribution.frontDoor) * perSecond;
    const unknownFailed = sentFailures(attribution.unknown) * perSecond;
    const point: SeriesPoint = {
      t: tick.t,
      ok: nameRecord(),
      failedByColor: nameRecord(),
      unlabelled: okResponses(attribution.frontDoor) * perSecond,
      frontDoorFailed,
      unknownFailed,
      failed: frontDoorFailed + unknownFailed,
      byColor: nameRecord(),
      p50: latency.count > 0 ? latency.p50 : null,
      p90: latency.count > 0 ? latency.p90 : null,
      p99: latency.count > 0 ? latency.p99 : null,
      p99ByColor: nameRecord(),
      errorRateByColor: nameRecord(),
      asked: tick.askedRate,
      notSent: notSentPerSecond(tick),
    };
    for (const [color, count] of Object.entries(tick.bucket.byColor)) {
      const key = this.colorKey(color);
      point.byColor[key] = (point.byColor[key] ?? 0) + count * perSecond;
    }
    const folded = nameRecord<GroupStats[]>();
    for (const [color, group] of Object.entries(attribution.colors)) {
      const key = this.colorKey(color);
      (folded[key] ??= []).push(group);
      const failed = sentFailures(group) * perSecond;
      point.ok[key] = (point.ok[key] ?? 0) + okResponses(group) * perSecond;
      point.failedByColor[key] = (point.failedByColor[key] ?? 0) + failed;
      point.failed += failed;
    }
    for (const [key, groups] of Object.entries(folded)) {
      const merged = groups.reduce(
        (sum, g) => ({
          sent: sum.sent + g.sent,
          skipped: sum.skipped + g.skipped,
          failed: sum.failed + g.failed,
        }),
        { sent: 0, skipped: 0, failed: 0 },
      );
      const due = merged.sent + merged.skipped;
      if (due > 0) point.errorRateByColor[key] = merged.failed / due;
      // Folded colours ("other") show the worst p99 among them: a percentile cannot be merged from summaries.
      const p99s = groups.filter((g) => g.latency.count > 0).map((g) => g.latency.p99);
      if (p99s.length > 0) point.p99ByColor[key] = Math.max(...p99s);
    }
    // Ticks normally arrive in order; one from the past (a replayed history overlap) is ignored.
    const last = this.points[this.points.length - 1];
    if (last && tick.t <= last.t) return point;
    this.points.push(point);
    if (this.points.length > this.maxPoints) this.points.splice(0, this.points.length - this.maxPoints);
    this.pruneColors();
    return point;
  }

  /** Forget colours no point in the window mentions any more. */
  private pruneColors(): void {
    for (let i = this.colors.length - 1; i >= 0; i--) {
      const color = this.colors[i]!;
      if (!this.points.some((p) => color in p.byColor || color in p.ok)) this.colors.splice(i, 1);
    }
  }

  clear(): void {
    this.points.length = 0;
    this.colors.length = 0;
  }
}

export interface Share {
  color: string;
  count: number;
  share: number;
}

/** Shares of colour-carrying responses, largest first. */
export function shares(byColor: Record<string, number>): Share[] {
  const total = Object.values(byColor).reduce((a, b) => a + b, 0);
  return Object.entries(byColor)
    .map(([color, count]) => ({ color, count, share: total === 0 ? 0 : count / total }))
    .sort((a, b) => b.count - a.count || a.color.localeCompare(b.color));
}

/** Sums byColor over the last `n` points ("now": the share over the last few seconds). */
export function recentByColor(points: readonly SeriesPoint[], n: number): Record<string, number> {
  const sum = nameRecord<number>();
  for (const p of points.slice(-n)) {
    for (const [color, rate] of Object.entries(p.byColor)) sum[color] = (sum[color] ?? 0) + rate;
  }
  return sum;
}

/**
 * The time axis: ends at the newest point and starts at the oldest held, so the first seconds of a run
 * fill the chart rather than sit as a sliver at the right of an empty minute; at least `minSpanMs` (a
 * few seconds, so one point is not an axis of no width) and at most `maxSpanMs`.
 */
export function timeRange(
  points: readonly SeriesPoint[],
  maxSpanMs = 300_000,
  minSpanMs = 10_000,
  now = Date.now(),
): { min: number; max: number } {
  const max = points.at(-1)?.t ?? now;
  const first = points[0]?.t ?? max;
  return { min: Math.max(max - maxSpanMs, Math.min(first, max - minSpanMs)), max };
}
