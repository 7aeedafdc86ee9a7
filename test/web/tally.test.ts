import { describe, expect, it } from 'vitest';
import { statusClass } from '../../protocol/outcomes.js';
import { BrowserTally, percentile, summarize } from '../../web/src/lib/stores/tally.js';
import { sample } from './ticks.js';

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

  it('reset() starts a new run', () => {
    const tally = new BrowserTally(0);
    tally.add(sample());
    tally.reset(5000);
    const t = tally.tick(6000, 0, null);
    expect(t).toMatchObject({ seq: 1, elapsedMs: 1000 });
    expect(t.total.sent).toBe(0);
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
