/** The per-second tally: running totals, bucket flushes, the run histogram and the switch-over window. */
import { describe, expect, it } from 'vitest';
import { Tally } from '../../loadtester/tally.js';
import { settled } from '../../protocol/outcomes.js';

describe('Tally', () => {
  it('keeps sent = outcomes + inFlight in every running total and flushes buckets', () => {
    const t = new Tally();
    for (let i = 0; i < 10; i++) t.sent();
    t.response(200, 'blue', 'blue-1', 2, 10);
    t.response(503, 'blue', 'blue-1', 3, 20);
    t.failure('refused');
    t.failure('timeout');
    t.failure('dropped');
    expect(t.inFlight).toBe(5);
    const first = t.flush(1000);
    expect(first.bucket.sent).toBe(10);
    expect(first.bucket.failed).toBe(4);
    expect(first.total.sent).toBe(settled(first.total) + t.inFlight);
    t.response(200, 'green', 'green-1', 1, 1500);
    const second = t.flush(2000);
    expect(second.bucket.sent).toBe(0);
    expect(second.total.responses['2xx']).toBe(2);
    expect(t.inFlight).toBe(4);
    expect(t.pods.get('blue-1')).toEqual({ color: 'blue', count: 2 });
    expect(t.colors.get('blue')).toEqual({ count: 2, firstSeenMs: 10, lastSeenMs: 20 });
  });

  it('merges bucket histograms into the run histogram', () => {
    const t = new Tally();
    for (let i = 1; i <= 100; i++) {
      t.sent();
      t.response(200, null, null, i, 0);
    }
    const { bucket } = t.flush(1000);
    expect(bucket.latency.p50).toBeCloseTo(50, 0);
    t.sent();
    t.response(200, null, null, 1000, 1500);
    t.flush(2000);
    const run = t.runLatency();
    expect(run.count).toBe(101);
    expect(run.max).toBeCloseTo(1000, 0);
  });

  it('finds the switch-over window between the last solo-old and first solo-new bucket', () => {
    const t = new Tally();
    const bucket = (end: number, colors: string[]): void => {
      for (const c of colors) t.response(200, c, `${c}-1`, 1, end - 500);
      t.flush(end);
    };
    bucket(1000, ['blue']);
    bucket(2000, ['blue']);
    bucket(3000, ['blue', 'green']);
    bucket(4000, ['green', 'blue']);
    bucket(5000, ['green']);
    bucket(6000, ['green']);
    expect(t.switchOver).toEqual({ from: 'blue', to: 'green', startMs: 2000, endMs: 4000 });
  });
});
