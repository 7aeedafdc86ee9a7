/**
 * The requests-per-second axis, so one burst cannot flatten the rest of the window: after an outage the
 * loadtester sends what it held back in one catch-up second (hundreds of requests at once), which would
 * set the axis for five minutes. The axis is clipped near twice the asked rate instead, and the seconds
 * that went past it are marked with their real value. Pure: no DOM, no chart.
 */
import type { SeriesPoint } from '../stores/series.js';

/** The axis reaches this many times the asked rate before it clips. */
export const CLIP_FACTOR = 2;
/** Without an asked rate (browser mode, --rate max): this much above the 95th percentile of the window. */
export const ROBUST_FACTOR = 1.5;
export const ROBUST_PERCENTILE = 0.95;

/** The height of a point's stack: successes of every colour, unlabelled, failed and not sent. */
export function stackTotal(p: SeriesPoint): number {
  let sum = p.unlabelled + p.failed + p.notSent;
  for (const rate of Object.values(p.ok)) sum += rate;
  return sum;
}

/** The value at quantile `q` (0..1) of `values`, nearest rank; NaN for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Where the axis clips: twice the highest rate asked in the window (or now, `asked`), so a lowered rate
 * does not clip the history sent at the old one. Without an asked rate, a robust scale from the data: the
 * 95th percentile of the window's stacks times 1.5. Null when there is nothing to scale by.
 */
export function clipLimit(points: readonly SeriesPoint[], asked: number | null): number | null {
  if (asked !== null && asked > 0) {
    let peak = asked;
    for (const p of points) if (p.asked !== null && p.asked > peak) peak = p.asked;
    return CLIP_FACTOR * peak;
  }
  const totals = points.map(stackTotal).filter((v) => v > 0);
  if (totals.length === 0) return null;
  return ROBUST_FACTOR * percentile(totals, ROBUST_PERCENTILE);
}

export interface ClippedPoint {
  t: number;
  /** The stack's real height, requests per second. */
  total: number;
}

/** The points whose stack goes past `limit` (none without a limit). */
export function clippedPoints(points: readonly SeriesPoint[], limit: number | null): ClippedPoint[] {
  if (limit === null) return [];
  const out: ClippedPoint[] = [];
  for (const p of points) {
    const total = stackTotal(p);
    if (total > limit) out.push({ t: p.t, total });
  }
  return out;
}

export interface TrafficScale {
  limit: number | null;
  /** The y axis maximum: the limit when something goes past it, otherwise left to the chart. */
  max: number | undefined;
  clipped: ClippedPoint[];
}

export function trafficScale(points: readonly SeriesPoint[], asked: number | null): TrafficScale {
  const limit = clipLimit(points, asked);
  const clipped = clippedPoints(points, limit);
  return { limit, max: clipped.length > 0 && limit !== null ? limit : undefined, clipped };
}
