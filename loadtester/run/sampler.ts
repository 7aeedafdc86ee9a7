import type { Sample } from '../../protocol/run.js';

/** A uniform reservoir of at most `size` samples per interval (Algorithm R); never every request. */
export class Sampler {
  private samples: Sample[] = [];
  private seen = 0;

  constructor(
    private readonly size: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The slot for the next result, or -1 to skip it; call put() only for a slot ≥ 0. */
  slot(): number {
    const n = this.seen++;
    if (n < this.size) return n;
    const j = Math.floor(this.random() * (n + 1));
    return j < this.size ? j : -1;
  }

  put(slot: number, sample: Sample): void {
    this.samples[slot] = sample;
  }

  /** The interval's samples in time order; starts the next interval. */
  drain(): Sample[] {
    const out = this.samples.sort((a, b) => a.t - b.t);
    this.samples = [];
    this.seen = 0;
    return out;
  }
}
