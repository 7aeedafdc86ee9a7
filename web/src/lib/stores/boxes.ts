/**
 * The box grid: a ring of the last N responses (the seed's 1000 boxes), one box per sample, overwritten
 * oldest first. Pure; the component repaints only the boxes written since its last repaint.
 */
import { nameRecord } from '$protocol/outcomes.js';
import type { Sample } from '$protocol/run.js';

export const BOX_COUNT = 1000;

export interface Box {
  color: string | null;
  latencyMs: number;
  /** No response at all: refused, reset, timeout, dropped, other. */
  failure: boolean;
  /** A response that is not 2xx. */
  non2xx: boolean;
  status: number | null;
  /** What the box says to a screen reader or a hover. */
  label: string;
}

export function boxFor(sample: Sample): Box {
  const failure = sample.outcome !== 'response';
  const non2xx = !failure && (sample.status === null || sample.status < 200 || sample.status > 299);
  const latency = `${Math.round(sample.latencyMs)} ms`;
  const label = failure
    ? `${sample.outcome} after ${latency}`
    : `${sample.status ?? '?'} ${sample.color ?? 'no colour'}${sample.pod ? ` from ${sample.pod}` : ''}, ${latency}`;
  return { color: sample.color, latencyMs: sample.latencyMs, failure, non2xx, status: sample.status, label };
}

/**
 * Opacity by latency on a log scale: 1 at ≤ 5 ms, fading to 0.25 at ≥ 2 s. Fixed bounds (not relative to
 * the window) so a box never changes after it is painted.
 */
export function opacityFor(latencyMs: number): number {
  const lo = Math.log(5);
  const hi = Math.log(2000);
  const x = (Math.log(Math.max(1, latencyMs)) - lo) / (hi - lo);
  return 1 - 0.75 * Math.min(1, Math.max(0, x));
}

export interface LatencyStats {
  count: number;
  mean: number;
  min: number;
  max: number;
}

export class BoxRing {
  readonly boxes: (Box | null)[];
  /** Index the next sample overwrites. */
  private next = 0;
  private readonly dirty = new Set<number>();
  private written = 0;

  constructor(readonly size = BOX_COUNT) {
    this.boxes = new Array<Box | null>(size).fill(null);
  }

  push(sample: Sample): number {
    const index = this.next;
    this.boxes[index] = boxFor(sample);
    this.dirty.add(index);
    this.next = (index + 1) % this.size;
    this.written++;
    return index;
  }

  /** Indexes written since the last call (each once), then forgets them. */
  takeDirty(): number[] {
    const out = [...this.dirty];
    this.dirty.clear();
    return out;
  }

  /** Moving average, minimum and maximum latency over the last `n` boxes with a response. */
  latency(n = 100): LatencyStats {
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = 0;
    const filled = Math.min(this.written, this.size);
    for (let k = 1; k <= filled && count < n; k++) {
      const box = this.boxes[(this.next - k + this.size) % this.size];
      if (!box || box.failure) continue;
      count++;
      sum += box.latencyMs;
      min = Math.min(min, box.latencyMs);
      max = Math.max(max, box.latencyMs);
    }
    return { count, mean: count ? sum / count : 0, min: count ? min : 0, max };
  }

  /** Counts of what the grid currently shows, by colour, plus failures and non-2xx. */
  counts(): { byColor: Record<string, number>; failures: number; non2xx: number; filled: number } {
    const byColor = nameRecord<number>();
    let failures = 0;
    let non2xx = 0;
    let filled = 0;
    for (const box of this.boxes) {
      if (!box) continue;
      filled++;
      if (box.failure) failures++;
      else if (box.color) byColor[box.color] = (byColor[box.color] ?? 0) + 1;
      if (box.non2xx) non2xx++;
    }
    return { byColor, failures, non2xx, filled };
  }

  clear(): void {
    this.boxes.fill(null);
    this.dirty.clear();
    for (let i = 0; i < this.size; i++) this.dirty.add(i);
    this.next = 0;
    this.written = 0;
  }
}
