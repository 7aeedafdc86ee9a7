import { describe, expect, it } from 'vitest';
import { MAX_RUN_COLORS, MAX_RUN_PODS, statusClass, UNNAMED_COLOR } from '../../protocol/outcomes.js';
import { BrowserTally, percentile, summarize } from '../../web/src/lib/stores/tally.js';
import { LatencyHistogram } from '../../web/src/lib/stores/histogram.js';
import { sample } from '../helpers/ticks.js';

describe('BrowserTally', () => {
  it("turns the page's own responses into ticks that keep the accounting invariant", () => {
    const tally = new BrowserTally(0);
    tally.add(sample({ color: 'blue', pod: 'b1', latencyMs: 10 }));
    tally.add(sample({ color: 'green', pod: 'g1', latencyMs: 20 }));
    tally.add(sample({ color: 'green', pod: 'g1', status: 503, latencyMs: 30 }));
    tally.add(sample({ outcome: 'other', status: null, color: null, pod: null }));
    tally.add(sample({ outcome: 'timeout', status: null, color: null, pod: null }));
    const t = tally.tick(1000, 2, 10);
    const b = t.bucket;
    expect(t).toMatchObject({
      seq: 1,
      t: 1000,
      elapsedMs: 1000,
      intervalMs: 1000,
      inFlight: 2,
      askedRate: 10,
    });
    expect(b.byColor).toEqual({ blue: 1, green: 2 });
    expect(b.byPod).toEqual({ b1: { color: 'blue', count: 1 }, g1: { color: 'green', count: 2 } });
    expect(b.responses['2xx']).toBe(2);
    expect(b.responses['5xx']).toBe(1);
    expect(b.errors.other).toBe(1);
    expect(b.timeouts).toBe(1);
    expect(b.failed).toBe(3);
    const answered = Object.values(b.responses).reduce((x, y) => x + y, 0);
    const errors = Object.values(b.errors).reduce((x, y) => x + y, 0);
    expect(b.sent).toBe(answered + errors + b.timeouts + b.dropped);
    expect(b.latency).toMatchObject({ count: 3, p50: 20, max: 30 });

    const next = tally.tick(2000, 0, 10);
    expect(next.seq).toBe(2);
    expect(next.bucket.sent).toBe(0);
    expect(next.total.sent).toBe(5);
    expect(next.total.failed).toBe(3);
  });

  it('attributes every outcome: colours and pods from identity, the front door, and unknown', () => {
    const tally = new BrowserTally(0);
    tally.add(sample({ color: 'blue', pod: 'b1', latencyMs: 10 }));
    tally.add(sample({ color: 'green', pod: 'g1', latencyMs: 20 }));
    tally.add(sample({ color: 'green', pod: 'g1', status: 500, latencyMs: 30 }));
    tally.add(sample({ color: 'green', pod: null, status: 200, latencyMs: 40 }));
    tally.add(sample({ color: null, pod: null, status: 502, latencyMs: 1 }));
    tally.add(sample({ outcome: 'other', status: null, color: null, pod: null }));
    tally.add(sample({ outcome: 'timeout', status: null, color: null, pod: null }));
    const t = tally.tick(1000, 0, 10);
    const a = t.bucket.attribution;
    expect(Object.keys(a.colors).sort()).toEqual(['blue', 'green']);
    expect(a.colors.blue).toMatchObject({ sent: 1, failed: 0, latency: { count: 1, p99: 10 } });
    expect(a.colors.green).toMatchObject({ sent: 3, failed: 1, latency: { count: 3, p50: 30, max: 40 } });
    expect(a.colors.green!.responses['5xx']).toBe(1);
    // A response with a colour and no pod counts in its colour only.
    expect(a.pods.g1).toMatchObject({ color: 'green', sent: 2, failed: 1, latency: { count: 2, p99: 30 } });
    expect(a.pods.b1).toMatchObject({ color: 'blue', sent: 1, failed: 0 });
    expect(a.frontDoor).toMatchObject({ sent: 1, failed: 1, latency: { count: 1 } });
    expect(a.frontDoor.responses['5xx']).toBe(1);
    expect(a.unknown).toMatchObject({ sent: 2, failed: 2, timeouts: 1, inferred: 0, latency: { count: 0 } });
    expect(a.unknown.errors.other).toBe(1);
    // The groups add up to the bucket, as the loadtester's do.
    const groups = [...Object.values(a.colors), a.frontDoor, a.unknown];
    expect(groups.reduce((n, g) => n + g.sent, 0)).toBe(t.bucket.sent);
    expect(groups.reduce((n, g) => n + g.failed, 0)).toBe(t.bucket.failed);

    // The run's totals carry on across intervals; the interval starts empty.
    tally.add(sample({ color: 'green', pod: 'g1', status: 500, latencyMs: 50 }));
    const next = tally.tick(2000, 0, 10);
    expect(next.bucket.attribution.colors.blue).toBeUndefined();
    expect(next.bucket.attribution.colors.green).toMatchObject({ sent: 1, failed: 1 });
    expect(next.totalAttribution.colors.green).toMatchObject({ sent: 4, failed: 2 });
    expect(next.totalAttribution.pods.g1).toMatchObject({ sent: 3, failed: 2 });
    expect(next.totalAttribution.unknown).toMatchObject({ sent: 2, failed: 2 });
    const p99 = next.totalAttribution.colors.green!.latency.p99;
    expect(p99).toBeGreaterThan(49);
    expect(p99).toBeLessThanOrEqual(50);
  });

  it("counts a pod named without a colour under its pod's colour, or '?', as the loadtester does", () => {
    const tally = new BrowserTally(0);
    tally.add(sample({ color: 'green', pod: 'g1' }));
    tally.add(sample({ color: null, pod: 'g1', status: 500 }));
    tally.add(sample({ color: null, pod: 'x1' }));
    const a = tally.tick(1000, 0, null).bucket.attribution;
    expect(a.colors.green).toMatchObject({ sent: 2, failed: 1 });
    expect(a.colors[UNNAMED_COLOR]).toMatchObject({ sent: 1, failed: 0 });
    expect(a.pods.g1).toMatchObject({ color: 'green', sent: 2 });
    expect(a.frontDoor.sent).toBe(0);
  });

  it('folds colours and pods past its caps under "other"', () => {
    const tally = new BrowserTally(0);
    for (let i = 0; i < MAX_RUN_PODS * 2; i++) tally.add(sample({ color: `c${i}`, pod: `p${i}` }));
    const t = tally.tick(1000, 0, null);
    expect(Object.keys(t.totalAttribution.colors)).toHaveLength(MAX_RUN_COLORS);
    expect(Object.keys(t.totalAttribution.pods)).toHaveLength(MAX_RUN_PODS);
    expect(t.totalAttribution.pods.other!.sent).toBe(MAX_RUN_PODS + 1);
  });

  it('reset() starts a new run', () => {
    const tally = new BrowserTally(0);
    tally.add(sample());
    tally.reset(5000);
    const t = tally.tick(6000, 0, null);
    expect(t).toMatchObject({ seq: 1, elapsedMs: 1000 });
    expect(t.total.sent).toBe(0);
    expect(t.totalAttribution.colors).toEqual({});
  });
});

describe('helpers', () => {
  it('classifies statuses', () => {
    expect([101, 200, 302, 404, 503].map(statusClass)).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx']);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBe(0);
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p90: 3, p99: 3, max: 3, mean: 2 });
  });
});

describe('LatencyHistogram', () => {
  it('keeps percentiles within 2 % and count, mean and max exact', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });
    for (let i = 1; i <= 100_000; i++) h.add(i / 100);
    const s = h.summary();
    expect(s.count).toBe(100_000);
    expect(s.max).toBe(1000);
    expect(s.mean).toBeCloseTo(500.005, 3);
    expect(Math.abs(s.p50 - 500) / 500).toBeLessThan(0.02);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.02);
    expect(h.percentile(0.0001)).toBeLessThan(0.0103);
  });
});
