/** The reflector's backoff arithmetic (loadtester/kube/backoff.ts), with the clock and the dice given. */
import { describe, expect, it } from 'vitest';
import { Backoff, CLIENT_GO_BACKOFF } from '../../../loadtester/kube/backoff.js';

function backoff(dice = 1 - Number.EPSILON): { b: Backoff; clock: { now: number } } {
  const clock = { now: 0 };
  return {
    b: new Backoff(
      CLIENT_GO_BACKOFF,
      () => clock.now,
      () => dice,
    ),
    clock,
  };
}

describe('backoff', () => {
  it('doubles from 800 ms to 30 s, jittered between half and the whole step', () => {
    const { b, clock } = backoff();
    const waits = Array.from({ length: 10 }, () => {
      clock.now += 1000;
      return Math.round(b.failure());
    });
    expect(waits).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000, 30000]);
    const low = backoff(0).b;
    expect([low.failure(), low.failure(), low.failure()]).toEqual([400, 800, 1600]);
  });

  it('starts again only after two minutes without a failure', () => {
    const { b, clock } = backoff();
    for (let i = 0; i < 5; i++) b.failure();
    clock.now += 119_000;
    expect(Math.round(b.failure())).toBe(25600);
    clock.now += 120_001;
    expect(Math.round(b.failure())).toBe(800);
  });

  it('waits as long as Retry-After asks when that is longer, up to its own cap', () => {
    const { b } = backoff();
    expect(b.failure(30_000)).toBe(30_000);
    expect(Math.round(b.failure(100))).toBe(1600);
    expect(b.failure(10 * 365 * 24 * 3600 * 1000)).toBe(CLIENT_GO_BACKOFF.retryAfterMaxMs);
  });
});
