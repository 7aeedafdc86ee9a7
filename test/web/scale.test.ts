import { describe, expect, it } from 'vitest';
import {
  CLIP_FACTOR,
  ROBUST_FACTOR,
  clipLimit,
  clippedPoints,
  percentile,
  stackTotal,
  trafficScale,
} from '../../web/src/lib/chart/scale.js';
import type { SeriesPoint } from '../../web/src/lib/stores/series.js';

function point(t: number, ok: number, extra: Partial<SeriesPoint> = {}): SeriesPoint {
  return {
    t,
    ok: { blue: ok },
    failedByColor: {},
    unlabelled: 0,
    frontDoorFailed: 0,
    unknownFailed: 0,
    failed: 0,
    byColor: { blue: ok },
    p50: 1,
    p90: 2,
    p99: 3,
    p99ByColor: {},
    errorRateByColor: {},
    asked: 100,
    notSent: 0,
    ...extra,
  };
}

/** Five minutes at the asked 100 req/s, then one catch-up second at 809. */
function burst(): SeriesPoint[] {
  const points = Array.from({ length: 300 }, (_, i) => point(i * 1000, 100));
  points[290] = point(290_000, 780, { failed: 29 });
  return points;
}

describe('stackTotal', () => {
  it('adds every colour, unlabelled, failed and not sent', () => {
    const p = point(0, 10, { ok: { blue: 10, green: 5 }, unlabelled: 1, failed: 2, notSent: 3 });
    expect(stackTotal(p)).toBe(21);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.95)).toBeNaN();
  });
});

describe('clipLimit', () => {
  it('is twice the asked rate, or twice the highest rate asked in the window', () => {
    expect(clipLimit(burst(), 100)).toBe(CLIP_FACTOR * 100);
    const lowered = [point(0, 300, { asked: 300 }), point(1000, 50, { asked: 50 })];
    expect(clipLimit(lowered, 50)).toBe(600);
  });

  it('without an asked rate, is 1.5 times the 95th percentile: one burst does not set it', () => {
    const points = burst().map((p) => ({ ...p, asked: null }));
    expect(clipLimit(points, null)).toBe(ROBUST_FACTOR * 100);
  });

  it('is null with nothing to scale by', () => {
    expect(clipLimit([], null)).toBeNull();
    expect(clipLimit([point(0, 0, { asked: null })], null)).toBeNull();
  });
});

describe('clippedPoints', () => {
  it('lists the seconds past the limit with their real height', () => {
    expect(clippedPoints(burst(), 200)).toEqual([{ t: 290_000, total: 809 }]);
    expect(clippedPoints(burst(), 1000)).toEqual([]);
    expect(clippedPoints(burst(), null)).toEqual([]);
  });
});

describe('trafficScale', () => {
  it('clips the axis at the limit only while a second goes past it', () => {
    const scale = trafficScale(burst(), 100);
    expect(scale).toEqual({ limit: 200, max: 200, clipped: [{ t: 290_000, total: 809 }] });
    const calm = trafficScale(
      Array.from({ length: 10 }, (_, i) => point(i * 1000, 100)),
      100,
    );
    expect(calm.max).toBeUndefined();
    expect(calm.clipped).toEqual([]);
  });

  it('counts not-sent requests in the height (an outage reaches the asked rate, not past it)', () => {
    const outage = [point(0, 0, { notSent: 100 }), point(1000, 0, { failed: 10, notSent: 90 })];
    expect(trafficScale(outage, 100).clipped).toEqual([]);
  });
});
