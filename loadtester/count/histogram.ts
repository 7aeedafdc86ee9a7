// The one class used, not the package index: the index also decodes and compiles hdr-histogram-js's
// WebAssembly build and loads its log codecs (pako), about 60 ms of `load`'s start-up for nothing.
import int32Histogram from 'hdr-histogram-js/dist/Int32Histogram.js';
import type * as hdr from 'hdr-histogram-js';

// A CommonJS module compiled from ESM (`exports.default = class`): Node's import hands over
// module.exports, vitest's loader its `default` already.
type Int32HistogramClass = typeof int32Histogram.default;
const Int32Histogram: Int32HistogramClass =
  'default' in int32Histogram ? int32Histogram.default : (int32Histogram as unknown as Int32HistogramClass);
import type { LatencyBucket, LatencySummary } from '../../protocol/outcomes.js';

/** Latencies are recorded in microseconds (integers) and summarised in milliseconds. */
export type Histogram = hdr.Histogram;

/** From 1 µs to an hour, 3 significant digits, 32-bit counts (what hdr.build gives for these settings). */
export function createHistogram(): Histogram {
  const histogram = new Int32Histogram(1, 3_600_000_000, 3);
  histogram.autoResize = true;
  return histogram;
}

const ms = (us: number): number => Math.round(us) / 1000;

export function summarise(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  return {
    count,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}

/** Bucket edges for the report's latency bars, in ms: 1-2-5 steps, so the bars read at a glance. */
export const LATENCY_EDGES_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] as const;

/** Counts per latency bucket: one small array, incremented per response (no allocation on the hot path). */
export class LatencyBars {
  private readonly counts = new Float64Array(LATENCY_EDGES_MS.length + 1);

  record(latencyMs: number): void {
    let i = 0;
    while (i < LATENCY_EDGES_MS.length && latencyMs > LATENCY_EDGES_MS[i]!) i++;
    this.counts[i]!++;
  }

  buckets(): LatencyBucket[] {
    return [...this.counts].map((count, i) => ({ leMs: LATENCY_EDGES_MS[i] ?? null, count }));
  }
}

/** Bins per doubling in PeakLatency: each bin spans 2^(1/16) ≈ 4.4 %, so a percentile is within about 2.2 %. */
const BINS_PER_DOUBLING = 16;
/** From 1 µs up to 2^32 µs (about 72 minutes); longer latencies land in the last bin. */
const PEAK_BINS = 32 * BINS_PER_DOUBLING + 1;

/**
 * A cheap latency summary for each pod (up to 256 of them): p99 and max from log-spaced bins, one small
 * array per pod and interval, incremented per response without allocating. Mergeable, like Histogram.
 */
export class PeakLatency {
  private readonly bins = new Float64Array(PEAK_BINS);
  count = 0;
  maxMs = 0;
  private sumMs = 0;

  record(latencyMs: number): void {
    const us = latencyMs * 1000;
    const bin = us <= 1 ? 0 : Math.min(PEAK_BINS - 1, Math.ceil(Math.log2(us) * BINS_PER_DOUBLING));
    this.bins[bin]!++;
    this.count++;
    this.sumMs += latencyMs;
    if (latencyMs > this.maxMs) this.maxMs = latencyMs;
  }

  add(other: PeakLatency): void {
    if (other.count === 0) return;
    for (let i = 0; i < PEAK_BINS; i++) this.bins[i]! += other.bins[i]!;
    this.count += other.count;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  reset(): void {
    if (this.count === 0) return;
    this.bins.fill(0);
    this.count = 0;
    this.maxMs = 0;
    this.sumMs = 0;
  }

  /** The upper edge of the bin holding the percentile, in ms (never above max); 0 without responses. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < PEAK_BINS; i++) {
      seen += this.bins[i]!;
      if (seen >= rank) return Math.min(this.maxMs, 2 ** (i / BINS_PER_DOUBLING) / 1000);
    }
    return this.maxMs;
  }

  /** Percentiles to within a bin (about 2.2 %); max and mean exact. */
  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    return {
      count: this.count,
      p50: ms(this.percentile(50) * 1000),
      p90: ms(this.percentile(90) * 1000),
      p99: ms(this.percentile(99) * 1000),
      max: ms(this.maxMs * 1000),
      mean: ms((this.sumMs / this.count) * 1000),
    };
  }
}
