/**
 * Counts every request's outcome per bucket and for the whole run. No I/O and no clock: callers pass
 * times (ms since the run started), so it is tested directly.
 */
import {
  type Bucket,
  type ErrorKind,
  type Outcomes,
  type PodTally,
  type StatusClass,
} from '../protocol/stream.js';
import { createHistogram, summarise, type Histogram } from './histogram.js';

export type FailureKind = ErrorKind | 'timeout' | 'dropped';

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

export function statusClass(status: number): StatusClass {
  if (status < 200) return '1xx';
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  if (status < 500) return '4xx';
  return '5xx';
}

function addOutcomes(into: Outcomes, from: Outcomes): void {
  into.sent += from.sent;
  for (const k of Object.keys(from.responses) as StatusClass[]) into.responses[k] += from.responses[k];
  for (const k of Object.keys(from.errors) as ErrorKind[]) into.errors[k] += from.errors[k];
  into.timeouts += from.timeouts;
  into.dropped += from.dropped;
  into.failed += from.failed;
}

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
    const cls = statusClass(status);
    this.bucket.responses[cls]++;
    if (cls !== '2xx' && cls !== '3xx') this.bucket.failed++;
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
    if (kind === 'timeout') this.bucket.timeouts++;
    else if (kind === 'dropped') this.bucket.dropped++;
    else this.bucket.errors[kind]++;
    this.bucket.failed++;
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
