/**
 * Ticks → a bounded window of chart points: requests per second by colour (successes), failures,
 * latency percentiles. Pure: no DOM, no timers; the window never holds more than `maxPoints`.
 */
import { OTHER_BUCKET, STATUS_CLASSES, type TickMessage } from '../../../../protocol/stream.js';
import { isOkClass, nameRecord } from '../../../../protocol/outcomes.js';
import { notSent } from './headline.js';

export interface SeriesPoint {
  /** Epoch ms at the end of the interval. */
  t: number;
  /** Successful (2xx/3xx) responses per second by colour; see okByColor for the estimate. */
  ok: Record<string, number>;
  /** 2xx/3xx responses per second that carried no colour header. */
  unlabelled: number;
  /** Everything that is not a 2xx/3xx response, per second. */
  failed: number;
  /** All responses per second by colour (any status): the basis of the share. */
  byColor: Record<string, number>;
  p50: number | null;
  p90: number | null;
  p99: number | null;
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

/**
 * Successful responses per colour. A bucket counts responses by colour and by status class, but not both
 * at once; so non-2xx responses are taken from the colours in proportion to their counts.
 * Exact whenever a bucket has no failed responses (the usual case), an estimate otherwise.
 */
export function okByColor(tick: TickMessage): { ok: Record<string, number>; unlabelled: number } {
  const b = tick.bucket;
  let okCount = 0;
  let responses = 0;
  for (const cls of STATUS_CLASSES) {
    responses += b.responses[cls];
    if (isOkClass(cls)) okCount += b.responses[cls];
  }
  const fraction = responses === 0 ? 0 : okCount / responses;
  // Records keyed by colour have no prototype: `constructor` or `__proto__` is an ordinary name.
  const ok = nameRecord<number>();
  let labelled = 0;
  for (const [color, count] of Object.entries(b.byColor)) {
    ok[color] = count * fraction;
    labelled += count * fraction;
  }
  const rest = okCount - labelled;
  // The proportional split is floating point: ignore what is only rounding.
  return { ok, unlabelled: rest > 1e-6 ? rest : 0 };
}

/**
 * Requests due but not sent in the interval, per second: the asked rate times the interval, less what was
 * sent, counted as the headline counts them (a request of pacing phase forgiven). The loadtester holds
 * requests back while its connections back off from a refusing target or all wait on a slow one, and
 * skips those that waited past the timeout. A catch-up interval that sends more than was due has none.
 */
export function notSentPerSecond(tick: TickMessage): number {
  if (tick.intervalMs <= 0) return 0;
  return (notSent([tick]) * 1000) / tick.intervalMs;
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
    const { ok, unlabelled } = okByColor(tick);
    const point: SeriesPoint = {
      t: tick.t,
      ok: nameRecord(),
      unlabelled: unlabelled * perSecond,
      failed: tick.bucket.failed * perSecond,
      byColor: nameRecord(),
      p50: tick.bucket.latency.count > 0 ? tick.bucket.latency.p50 : null,
      p90: tick.bucket.latency.count > 0 ? tick.bucket.latency.p90 : null,
      p99: tick.bucket.latency.count > 0 ? tick.bucket.latency.p99 : null,
      asked: tick.askedRate,
      notSent: notSentPerSecond(tick),
    };
    for (const [color, count] of Object.entries(tick.bucket.byColor)) {
      const key = this.colorKey(color);
      point.byColor[key] = (point.byColor[key] ?? 0) + count * perSecond;
      point.ok[key] = (point.ok[key] ?? 0) + (ok[color] ?? 0) * perSecond;
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
      if (!this.points.some((p) => color in p.byColor)) this.colors.splice(i, 1);
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
 * The time axis: ends at the newest point and spans the data held, at least `minSpanMs` (so the first
 * seconds of a run are not a sliver at the right edge) and at most `maxSpanMs`.
 */
export function timeRange(
  points: readonly SeriesPoint[],
  maxSpanMs = 300_000,
  minSpanMs = 60_000,
  now = Date.now(),
): { min: number; max: number } {
  const max = points.at(-1)?.t ?? now;
  const first = points[0]?.t ?? max;
  return { min: Math.max(max - maxSpanMs, Math.min(first, max - minSpanMs)), max };
}
