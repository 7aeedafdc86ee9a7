/** The bounded per-interval sample of individual responses for the box grid. */
import { describe, expect, it } from 'vitest';
import { Sampler } from '../../loadtester/run/sampler.js';

describe('Sampler', () => {
  it('keeps at most its size per interval and resets', () => {
    const s = new Sampler(3, () => 0.99);
    for (let i = 0; i < 100; i++) {
      const slot = s.slot();
      if (slot >= 0)
        s.put(slot, { t: i, outcome: 'response', status: 200, color: null, pod: null, latencyMs: 1 });
    }
    const out = s.drain();
    expect(out.map((x) => x.t)).toEqual([0, 1, 2]);
    expect(s.drain()).toEqual([]);
  });
});
