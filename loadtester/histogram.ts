import * as hdr from 'hdr-histogram-js';
import type { LatencyBucket, LatencySummary } from '../protocol/stream.js';

/** Latencies are recorded in microseconds (integers) and summarised in milliseconds. */
export type Histogram = hdr.Histogram;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
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
