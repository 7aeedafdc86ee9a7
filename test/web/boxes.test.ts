import { describe, expect, it } from 'vitest';
import { BOX_COUNT, BoxRing, boxFor, opacityFor } from '../../web/src/lib/stores/boxes.js';
import { sample } from '../helpers/ticks.js';

describe('BoxRing', () => {
  it('holds the last 1000 responses, overwriting the oldest', () => {
    const ring = new BoxRing();
    for (let i = 0; i < BOX_COUNT; i++) ring.push(sample({ color: 'blue' }));
    ring.takeDirty();
    for (let i = 0; i < 10; i++) ring.push(sample({ color: 'green' }));
    expect(ring.counts().byColor).toEqual({ blue: 990, green: 10 });
    expect(ring.takeDirty()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ring.takeDirty()).toEqual([]);
    expect(ring.boxes).toHaveLength(BOX_COUNT);
  });

  it('classifies failures and non-2xx responses', () => {
    expect(boxFor(sample({ outcome: 'refused', status: null, color: null }))).toMatchObject({
      failure: true,
      non2xx: false,
    });
    expect(boxFor(sample({ status: 503 }))).toMatchObject({ failure: false, non2xx: true, color: 'blue' });
    expect(boxFor(sample({ status: 204 }))).toMatchObject({ failure: false, non2xx: false });
  });

  it('gives moving average, min and max latency over the latest responses, skipping failures', () => {
    const ring = new BoxRing(10);
    for (const latencyMs of [100, 100, 100, 1, 2, 3]) ring.push(sample({ latencyMs }));
    ring.push(sample({ outcome: 'timeout', latencyMs: 10_000 }));
    expect(ring.latency(3)).toEqual({ count: 3, mean: 2, min: 1, max: 3 });
    expect(new BoxRing().latency()).toEqual({ count: 0, mean: 0, min: 0, max: 0 });
  });

  it('clear() empties every box and marks all for repaint', () => {
    const ring = new BoxRing(5);
    ring.push(sample());
    ring.clear();
    expect(ring.counts().filled).toBe(0);
    expect(ring.takeDirty()).toHaveLength(5);
  });
});

describe('opacityFor', () => {
  it('fades with latency on fixed bounds', () => {
    expect(opacityFor(1)).toBe(1);
    expect(opacityFor(5)).toBe(1);
    expect(opacityFor(2000)).toBeCloseTo(0.25);
    expect(opacityFor(60_000)).toBeCloseTo(0.25);
    expect(opacityFor(100)).toBeGreaterThan(opacityFor(500));
  });
});
