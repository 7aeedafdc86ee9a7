/**
 * Counts every request's outcome per bucket and for the whole run. No I/O and no clock: callers pass
 * times (ms since the run started), so it is tested directly.
 */
import type { Bucket, Outcomes, PodTally } from '../protocol/stream.js';
import {
  addOutcomes,
  countFailure,
  countResponse,
  emptyOutcomes,
  settled,
  type FailureKind,
} from '../protocol/outcomes.js';
import { createHistogram, summarise, type Histogram } from './histogram.js';

export interface ColorSeen {
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** The latest change of the only colour seen in a bucket (mixed buckets in between form the window). */
export interface SoloSwitch {
  from: string;
  to: string;
  startMs: number;
  endMs: number;
}

export class Tally {
  private bucket: Outcomes = emptyOutcomes();
  private bucketColors = new Map<string, number>();
  private bucketPods = new Map<string, PodTally>();
  private readonly bucketHistogram: Histogram = createHistogram();
  private readonly runHistogram: Histogram = createHistogram();
  readonly total: Outcomes = emptyOutcomes();
  readonly colors = new Map<string, ColorSeen>();
  readonly pods = new Map<string, PodTally>();
  private bucketStartMs = 0;
  private lastSolo: { color: string; endMs: number } | null = null;
  private pendingFrom: { color: string; endMs: number } | null = null;
  switchOver: SoloSwitch | null = null;

  sent(): void {
    this.bucket.sent++;
  }

  unsent(count: number): void {
    this.bucket.sent -= count;
  }

  /** Requests sent and not yet settled, across the run. */
  get inFlight(): number {
    return this.total.sent + this.bucket.sent - settled(this.total) - settled(this.bucket);
  }

  response(status: number, color: string | null, pod: string | null, latencyMs: number, atMs: number): void {
    countResponse(this.bucket, status);
    this.bucketHistogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    if (color !== null) {
      this.bucketColors.set(color, (this.bucketColors.get(color) ?? 0) + 1);
      const seen = this.colors.get(color);
      if (seen) {
        seen.count++;
        seen.lastSeenMs = atMs;
      } else this.colors.set(color, { count: 1, firstSeenMs: atMs, lastSeenMs: atMs });
    }
    if (pod !== null) {
      const key = pod;
      const inBucket = this.bucketPods.get(key);
      if (inBucket) inBucket.count++;
      else this.bucketPods.set(key, { color: color ?? '', count: 1 });
      const inRun = this.pods.get(key);
      if (inRun) {
        inRun.count++;
        if (color !== null) inRun.color = color;
      } else this.pods.set(key, { color: color ?? '', count: 1 });
    }
  }

  failure(kind: FailureKind): void {
    countFailure(this.bucket, kind);
  }

  /** Closes the current bucket at `endMs` (since the run started) and opens the next. */
  flush(endMs: number): { bucket: Bucket; total: Outcomes } {
    const latency = summarise(this.bucketHistogram);
    this.runHistogram.add(this.bucketHistogram);
    this.bucketHistogram.reset();
    addOutcomes(this.total, this.bucket);
    const byColor = Object.fromEntries(this.bucketColors);
    const byPod = Object.fromEntries(this.bucketPods);
    this.trackSolo(endMs);
    const bucket: Bucket = { ...this.bucket, byColor, byPod, latency };
    this.bucket = emptyOutcomes();
    this.bucketColors = new Map();
    this.bucketPods = new Map();
    this.bucketStartMs = endMs;
    return { bucket, total: structuredClone(this.total) };
  }

  runLatency(): ReturnType<typeof summarise> {
    return summarise(this.runHistogram);
  }

  private trackSolo(endMs: number): void {
    if (this.bucketColors.size !== 1) return;
    const solo = this.bucketColors.keys().next().value as string;
    if (this.lastSolo && this.lastSolo.color !== solo) {
      this.pendingFrom = this.lastSolo;
      this.switchOver = {
        from: this.pendingFrom.color,
        to: solo,
        startMs: this.pendingFrom.endMs,
        endMs: this.bucketStartMs,
      };
    }
    this.lastSolo = { color: solo, endMs };
  }
}
