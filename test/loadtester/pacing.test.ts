/** Open-model pacing: due times spread evenly, none skipped after a stall, rate changes without a burst. */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../loadtester/run/pacing.js';

describe('Pacer', () => {
  it('spreads requests evenly through each second', () => {
    const pacer = new Pacer(200, 1000);
    const dues: number[] = [];
    for (let now = 1000; now < 2000; now++)
      for (let d = pacer.take(now); d !== null; d = pacer.take(now)) dues.push(d);
    expect(dues).toHaveLength(200);
    const gaps = dues.slice(1).map((d, i) => d - dues[i]!);
    expect(Math.min(...gaps)).toBeCloseTo(5);
    expect(Math.max(...gaps)).toBeCloseTo(5);
  });

  it('hands out every missed due time after a stall, none skipped', () => {
    const pacer = new Pacer(100, 0);
    let n = 0;
    while (pacer.take(500) !== null) n++;
    expect(n).toBe(51);
  });

  it('changes rate without a burst or gap', () => {
    const pacer = new Pacer(10, 0);
    expect(pacer.take(0)).toBe(0);
    pacer.setRate(100, 50);
    expect(pacer.take(50)).toBe(50);
    expect(pacer.take(55)).toBeNull();
    expect(pacer.take(60)).toBe(60);
    pacer.setRate(1, 61);
    expect(pacer.take(69)).toBeNull();
    expect(pacer.take(70)).toBe(70);
    expect(pacer.take(1069)).toBeNull();
  });
});
