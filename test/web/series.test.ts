import { describe, expect, it } from 'vitest';
import {
  MAX_COLORS,
  OTHER_COLOR,
  SeriesWindow,
  notSentPerSecond,
  recentByColor,
  shares,
  timeRange,
} from '../../web/src/lib/stores/series.js';
import { group, tick } from '../helpers/ticks.js';

describe('SeriesWindow', () => {
  it('turns ticks into per-second rates by colour, failures and latency', () => {
    const w = new SeriesWindow();
    const p = w.add(tick({ seq: 1, intervalMs: 500, byColor: { blue: 30, green: 10 }, timeouts: 2, p50: 7 }));
    expect(p.byColor).toEqual({ blue: 60, green: 20 });
    expect(p.ok).toEqual({ blue: 60, green: 20 });
    expect(p.failed).toBe(4);
    expect(p.p50).toBe(7);
    expect(p.p99).toBe(28);
    expect(w.colors).toEqual(['blue', 'green']);
  });

  it('keeps a bounded window however many ticks arrive', () => {
    const w = new SeriesWindow(10);
    for (let seq = 1; seq <= 1000; seq++) w.add(tick({ seq, byColor: { blue: seq } }));
    expect(w.points).toHaveLength(10);
    expect(w.points[0]!.byColor.blue).toBe(991);
    expect(w.points.at(-1)!.byColor.blue).toBe(1000);
  });

  it('forgets colours that left the window, and keeps the order colours were first seen', () => {
    const w = new SeriesWindow(3);
    w.add(tick({ seq: 1, byColor: { blue: 1 } }));
    w.add(tick({ seq: 2, byColor: { blue: 1, green: 1 } }));
    expect(w.colors).toEqual(['blue', 'green']);
    for (let seq = 3; seq <= 6; seq++) w.add(tick({ seq, byColor: { green: 1 } }));
    expect(w.colors).toEqual(['green']);
  });

  it('folds colours beyond the cap into "other"', () => {
    const w = new SeriesWindow();
    const byColor = Object.fromEntries(Array.from({ length: MAX_COLORS + 5 }, (_, i) => [`c${i}`, 1]));
    const p = w.add(tick({ seq: 1, byColor }));
    expect(w.colors).toHaveLength(MAX_COLORS + 1);
    expect(p.byColor[OTHER_COLOR]).toBe(5);
  });

  it('ignores a tick older than the newest point (history overlap)', () => {
    const w = new SeriesWindow();
    w.add(tick({ seq: 2, byColor: { blue: 1 } }));
    w.add(tick({ seq: 1, byColor: { blue: 9 } }));
    expect(w.points).toHaveLength(1);
    expect(w.points[0]!.byColor.blue).toBe(1);
  });

  it('records no latency for an interval without responses', () => {
    const w = new SeriesWindow();
    const p = w.add(tick({ seq: 1, ok: 0, timeouts: 3 }));
    expect(p.p50).toBeNull();
    expect(p.failed).toBe(3);
  });
});

describe('attribution on the chart', () => {
  it("stacks each colour's failures in its own column, and the front door's and unknown's apart", () => {
    const w = new SeriesWindow();
    const p = w.add(
      tick({ seq: 1, byColor: { blue: 90, green: 9 }, failedByColor: { green: 1 }, s5xx: 2, timeouts: 3 }),
    );
    // Blue answered every request: none of green's, the proxy's or the lost requests land on it.
    expect(p.ok).toEqual({ blue: 90, green: 9 });
    expect(p.failedByColor).toEqual({ blue: 0, green: 1 });
    expect(p.frontDoorFailed).toBe(2);
    expect(p.unknownFailed).toBe(3);
    expect(p.failed).toBe(6);
    expect(p.errorRateByColor).toEqual({ blue: 0, green: 0.1 });
    expect(p.byColor).toEqual({ blue: 90, green: 10 });
  });

  it('gives each colour its own p99, and none to a colour that did not answer', () => {
    const w = new SeriesWindow();
    const t = tick({ seq: 1, byColor: { blue: 10, green: 10 } });
    t.bucket.attribution.colors.green!.latency.p99 = 250;
    t.bucket.attribution.colors.red = group(0);
    t.bucket.attribution.colors.red.sent = 4;
    t.bucket.attribution.colors.red.errors.reset = 4;
    t.bucket.attribution.colors.red.failed = 4;
    t.bucket.attribution.colors.red.inferred = 4;
    const p = w.add(t);
    expect(p.p99ByColor).toEqual({ blue: 20, green: 250 });
    // Red's resets were inferred from its connections: they are red's failures, at 100 %.
    expect(p.failedByColor.red).toBe(4);
    expect(p.errorRateByColor.red).toBe(1);
  });

  it('counts skipped requests in the error rate but leaves them to the "not sent" layer', () => {
    const w = new SeriesWindow();
    const t = tick({ seq: 1, ok: 0, sent: 0, askedRate: 10 });
    t.bucket.attribution.unknown.skipped = 10;
    t.bucket.attribution.unknown.failed = 10;
    const p = w.add(t);
    expect(p.unknownFailed).toBe(0);
    expect(p.failed).toBe(0);
    expect(p.notSent).toBe(10);
  });

  it("merges folded colours' error rates from their counts", () => {
    const w = new SeriesWindow();
    const ok = Object.fromEntries(Array.from({ length: MAX_COLORS }, (_, i) => [`c${i}`, 1]));
    const p = w.add(tick({ seq: 1, byColor: { ...ok, x: 3, y: 1 }, failedByColor: { x: 1, y: 3 } }));
    expect(p.failedByColor[OTHER_COLOR]).toBe(4);
    expect(p.errorRateByColor[OTHER_COLOR]).toBe(0.5);
    expect(p.ok[OTHER_COLOR]).toBe(4);
  });
});

describe('shares', () => {
  it('gives each colour its fraction, largest first', () => {
    expect(shares({ green: 1, blue: 3 })).toEqual([
      { color: 'blue', count: 3, share: 0.75 },
      { color: 'green', count: 1, share: 0.25 },
    ]);
    expect(shares({})).toEqual([]);
  });

  it('sums the last n points for the current share', () => {
    const w = new SeriesWindow();
    w.add(tick({ seq: 1, byColor: { blue: 10 } }));
    w.add(tick({ seq: 2, byColor: { blue: 5, green: 5 } }));
    w.add(tick({ seq: 3, byColor: { green: 10 } }));
    expect(recentByColor(w.points, 2)).toEqual({ blue: 5, green: 15 });
  });
});

describe('timeRange', () => {
  const at = (ts: number[]) => ts.map((t) => tick({ seq: t, t })).map((k) => new SeriesWindow().add(k));
  it('spans the data from its first point, at least a few seconds and at most the window', () => {
    expect(timeRange([], 300_000, 60_000, 1_000_000)).toEqual({ min: 940_000, max: 1_000_000 });
    // The first seconds fill the axis: no empty minute before them.
    expect(timeRange(at([100_000, 101_000, 115_000]))).toEqual({ min: 100_000, max: 115_000 });
    expect(timeRange(at([100_000, 102_000]))).toEqual({ min: 92_000, max: 102_000 });
    expect(timeRange(at([0, 200_000]))).toEqual({ min: 0, max: 200_000 });
    expect(timeRange(at([0, 900_000]))).toEqual({ min: 600_000, max: 900_000 });
  });
});

describe('notSentPerSecond', () => {
  it('is what was due at the asked rate but not sent, per second', () => {
    // 100 req/s asked over half a second: 50 due, 10 sent.
    expect(notSentPerSecond(tick({ seq: 1, intervalMs: 500, ok: 10, askedRate: 100 }))).toBe(80);
    // Nothing sent at all (every connection backing off): the whole asked rate.
    expect(notSentPerSecond(tick({ seq: 1, ok: 0, sent: 0, askedRate: 40 }))).toBe(40);
  });

  it('forgives a request of pacing phase, as the headline does', () => {
    expect(notSentPerSecond(tick({ seq: 1, ok: 99, askedRate: 100 }))).toBe(0);
    expect(notSentPerSecond(tick({ seq: 1, ok: 98, askedRate: 100 }))).toBe(2);
    expect(notSentPerSecond(tick({ seq: 1, ok: 3, askedRate: 5 }))).toBe(2);
  });

  it('is zero for a catch-up interval, a run at full speed and a paused one', () => {
    expect(notSentPerSecond(tick({ seq: 1, ok: 800, askedRate: 100 }))).toBe(0);
    expect(notSentPerSecond(tick({ seq: 1, ok: 0, askedRate: null }))).toBe(0);
    expect(notSentPerSecond(tick({ seq: 1, ok: 0, askedRate: 0 }))).toBe(0);
  });

  it('is kept on each point with the asked rate', () => {
    const w = new SeriesWindow();
    const p = w.add(tick({ seq: 1, ok: 0, sent: 0, askedRate: 30 }));
    expect(p.notSent).toBe(30);
    expect(p.asked).toBe(30);
  });
});
