/**
 * Browser mode: the page's own responses → the same tick messages the loadtester streams, so the charts,
 * tiles and counts work unchanged. Pure: the caller passes the clock.
 */
import type { Bucket, LatencySummary, Outcomes, Sample, TickMessage } from '../../../../protocol/stream.js';
import { countFailure, countResponse, emptyOutcomes, nameRecord } from '../../../../protocol/outcomes.js';

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const count = sorted.length;
  return {
    count,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: count ? sorted[count - 1]! : 0,
    mean: count ? sorted.reduce((a, b) => a + b, 0) / count : 0,
  };
}

function record(o: Outcomes, sample: Sample): void {
  o.sent++;
  if (sample.outcome === 'response') countResponse(o, sample.status ?? 0);
  else countFailure(o, sample.outcome);
}

/** At most this many latencies are kept per interval (a 1 ms interval sends far fewer than this). */
const MAX_LATENCIES = 10_000;

export class BrowserTally {
  private seq = 0;
  private bucket = emptyOutcomes();
  private byColor: Record<string, number> = nameRecord();
  private byPod: Bucket['byPod'] = nameRecord();
  private latencies: number[] = [];
  private total = emptyOutcomes();
  private startedAt: number;
  private intervalStart: number;

  constructor(
    now: number,
    readonly intervalMs = 1000,
  ) {
    this.startedAt = now;
    this.intervalStart = now;
  }

  /** A settled request (the browser source counts only settled requests; in-flight ones are reported apart). */
  add(sample: Sample): void {
    record(this.bucket, sample);
    record(this.total, sample);
    if (sample.outcome !== 'response') return;
    if (this.latencies.length < MAX_LATENCIES) this.latencies.push(sample.latencyMs);
    if (sample.color) this.byColor[sample.color] = (this.byColor[sample.color] ?? 0) + 1;
    if (sample.pod) {
      const pod = (this.byPod[sample.pod] ??= { color: sample.color ?? '', count: 0 });
      pod.count++;
      if (sample.color) pod.color = sample.color;
    }
  }

  /** Closes the current interval and returns it as a tick. */
  tick(now: number, inFlight: number, askedRate: number | null): TickMessage {
    const bucket: Bucket = {
      ...this.bucket,
      byColor: this.byColor,
      byPod: this.byPod,
      latency: summarize(this.latencies),
    };
    const message: TickMessage = {
      type: 'tick',
      seq: ++this.seq,
      t: now,
      elapsedMs: now - this.startedAt,
      intervalMs: Math.max(1, now - this.intervalStart),
      bucket,
      total: structuredClone(this.total),
      inFlight,
      askedRate,
    };
    this.bucket = emptyOutcomes();
    this.byColor = nameRecord();
    this.byPod = nameRecord();
    this.latencies = [];
    this.intervalStart = now;
    return message;
  }

  reset(now: number): void {
    this.seq = 0;
    this.bucket = emptyOutcomes();
    this.total = emptyOutcomes();
    this.byColor = nameRecord();
    this.byPod = nameRecord();
    this.latencies = [];
    this.startedAt = now;
    this.intervalStart = now;
  }
}
