/**
 * Counts every request's outcome per bucket and for the whole run. No I/O and no clock: callers pass
 * times (ms since the run started), so it is tested directly.
 */
import {
  OTHER_BUCKET,
  type Bucket,
  type FoldCounts,
  type Outcomes,
  type PodTally,
} from '../protocol/stream.js';
import {
  addOutcomes,
  countFailure,
  countResponse,
  emptyOutcomes,
  nameRecord,
  settled,
  type FailureKind,
} from '../protocol/outcomes.js';
import { createHistogram, LatencyBars, summarise, type Histogram } from './histogram.js';

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

/** A run keeps at most this many colours and pods by name; the rest are counted under OTHER_BUCKET. */
export const MAX_RUN_COLORS = 32;
export const MAX_RUN_PODS = 256;
/** Distinct folded names are counted (by a 32-bit hash) up to this many; past it the count is a lower bound. */
export const FOLD_COUNT_LIMIT = 100_000;

/** Decides which names keep their own entry, and counts the distinct names it folded. */
class Folder {
  private readonly folded = new Set<number>();

  constructor(
    private readonly max: number,
    private readonly known: ReadonlyMap<string, unknown>,
  ) {}

  get count(): number {
    return this.folded.size;
  }

  key(name: string): string {
    if (name === OTHER_BUCKET || this.known.has(name) || this.known.size < this.max) return name;
    if (this.folded.size < FOLD_COUNT_LIMIT) this.folded.add(fnv1a(name));
    return OTHER_BUCKET;
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function toRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const record = nameRecord<T>();
  for (const [name, value] of map) record[name] = value;
  return record;
}

export class Tally {
  private bucket: Outcomes = emptyOutcomes();
  private bucketColors = new Map<string, number>();
  private bucketPods = new Map<string, PodTally>();
  private readonly bucketHistogram: Histogram = createHistogram();
  private readonly runHistogram: Histogram = createHistogram();
  private readonly runBars = new LatencyBars();
  readonly total: Outcomes = emptyOutcomes();
  readonly colors = new Map<string, ColorSeen>();
  readonly pods = new Map<string, PodTally>();
  private readonly colorFolder = new Folder(MAX_RUN_COLORS, this.colors);
  private readonly podFolder = new Folder(MAX_RUN_PODS, this.pods);
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

  /** Distinct colours and pods counted under OTHER_BUCKET so far in the run. */
  get folded(): FoldCounts {
    return { colors: this.colorFolder.count, pods: this.podFolder.count };
  }

  response(
    status: number,
    name: string | null,
    podName: string | null,
    latencyMs: number,
    atMs: number,
  ): void {
    const color = name === null ? null : this.colorFolder.key(name);
    const pod = podName === null ? null : this.podFolder.key(podName);
    countResponse(this.bucket, status);
    this.bucketHistogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    this.runBars.record(latencyMs);
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
  flush(endMs: number): { bucket: Bucket; total: Outcomes; folded: FoldCounts } {
    const latency = summarise(this.bucketHistogram);
    this.runHistogram.add(this.bucketHistogram);
    this.bucketHistogram.reset();
    addOutcomes(this.total, this.bucket);
    const byColor = toRecord(this.bucketColors);
    const byPod = toRecord(this.bucketPods);
    this.trackSolo(endMs);
    const bucket: Bucket = { ...this.bucket, byColor, byPod, latency };
    this.bucket = emptyOutcomes();
    this.bucketColors = new Map();
    this.bucketPods = new Map();
    this.bucketStartMs = endMs;
    return { bucket, total: structuredClone(this.total), folded: this.folded };
  }

  runLatency(): ReturnType<typeof summarise> & { histogram: ReturnType<LatencyBars['buckets']> } {
    return { ...summarise(this.runHistogram), histogram: this.runBars.buckets() };
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
