/**
 * A bounded latency histogram for the browser mode's run totals: logarithmic buckets 2 % wide, so
 * percentiles are within 2 % of the truth, and memory is a few hundred counters whatever the run's length
 * (an interval keeps its latencies and is exact; a run cannot). Count, mean and max are exact.
 */
import type { LatencySummary } from '$protocol/outcomes.js';

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Latencies below this (ms) share the first bucket. */
const FLOOR_MS = 0.01;

export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private sum = 0;
  private max = 0;

  add(ms: number): void {
    const index = Math.max(0, Math.floor(Math.log(Math.max(ms, FLOOR_MS) / FLOOR_MS) / LOG_GROWTH));
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** Nearest rank, answered with the bucket's upper edge (never above the true maximum). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!;
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * GROWTH ** (index + 1));
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.max,
      mean: this.count ? this.sum / this.count : 0,
    };
  }
}
