/** The per-second tally: running totals, bucket flushes, the run histogram and the switch-over window. */
import { describe, expect, it } from 'vitest';
import { Tally } from '../../loadtester/count/tally.js';
import { errorRate, MAX_RUN_COLORS, MAX_RUN_PODS, settled, UNNAMED_COLOR } from '../../protocol/outcomes.js';
import { newConnectionTrack, type ConnectionTrack } from '../../loadtester/count/connection-track.js';
import { PeakLatency } from '../../loadtester/count/histogram.js';

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

describe('Tally attribution', () => {
  const conn = (): ConnectionTrack => newConnectionTrack();

  it('gives each response to its colour and pod whatever its status, and one without identity to the front door', () => {
    const t = new Tally();
    const c = conn();
    for (let i = 0; i < 4; i++) t.response(200, 'blue', 'blue-1', 2, 10, c);
    t.response(500, 'green', 'green-1', 8, 20, conn());
    t.response(502, null, null, 1, 30, conn());
    const { bucket, totalAttribution } = t.flush(1000);
    const a = bucket.attribution;
    expect(a.colors.blue).toMatchObject({ sent: 4, failed: 0, inferred: 0 });
    expect(a.colors.blue!.latency.count).toBe(4);
    expect(a.colors.green).toMatchObject({ sent: 1, failed: 1, responses: { '5xx': 1 } });
    expect(a.colors.green!.latency.max).toBeCloseTo(8, 1);
    expect(a.pods['blue-1']).toMatchObject({ color: 'blue', sent: 4, failed: 0 });
    expect(a.pods['green-1']!.latency.p99).toBeCloseTo(8, 0);
    expect(a.frontDoor).toMatchObject({ sent: 1, failed: 1, responses: { '5xx': 1 } });
    expect(a.unknown.sent).toBe(0);
    // Every response's latency is in exactly one group: the bucket's is their sum.
    expect(bucket.latency.count).toBe(6);
    expect(totalAttribution.colors.blue!.sent).toBe(4);
  });

  it('attributes a failure on a connection that named a pod to that pod (inferred), else to unknown', () => {
    const t = new Tally();
    const c = conn();
    t.response(200, 'green', 'green-2', 1, 10, c);
    t.failure('reset', c);
    t.failure('refused', conn());
    t.failure('timeout');
    const { bucket } = t.flush(1000);
    const a = bucket.attribution;
    expect(a.pods['green-2']).toMatchObject({ sent: 2, failed: 1, inferred: 1, errors: { reset: 1 } });
    expect(a.colors.green).toMatchObject({ sent: 2, failed: 1, inferred: 1 });
    expect(a.unknown).toMatchObject({ sent: 2, failed: 2, inferred: 0, errors: { refused: 1 }, timeouts: 1 });
    // After the socket closed, the next failure on that connection has no history.
    t.closed(c);
    t.failure('refused', c);
    expect(t.flush(2000).bucket.attribution.unknown.errors.refused).toBe(1);
  });

  it('keeps each pod’s connections: open now, opened, closed and requests on them', () => {
    const t = new Tally();
    const a1 = conn();
    const a2 = conn();
    const b1 = conn();
    for (let i = 0; i < 3; i++) t.response(200, 'blue', 'a', 1, 1, a1);
    t.response(200, 'blue', 'a', 1, 1, a2);
    t.response(200, 'blue', 'b', 1, 1, b1);
    t.response(502, null, null, 1, 1, b1); // the front door answered on b's connection
    let pods = t.flush(1000).bucket.attribution.pods;
    expect(pods.a!.connections).toEqual({ open: 2, opened: 2, closed: 0, requests: 4 });
    expect(pods.b!.connections).toEqual({ open: 1, opened: 1, closed: 0, requests: 2 });
    t.closed(a1);
    // A connection whose next response names another pod (an L7 proxy re-routed it) counts for both
    // until it closes; its failures go to the pod it last reached.
    t.response(200, 'blue', 'b', 1, 1, a2);
    t.failure('reset', a2);
    let flushed = t.flush(2000);
    pods = flushed.bucket.attribution.pods;
    expect(pods.a!.connections).toEqual({ open: 1, opened: 0, closed: 1, requests: 0 });
    expect(pods.b!.connections).toEqual({ open: 2, opened: 1, closed: 0, requests: 2 });
    expect(pods.b!.inferred).toBe(1);
    t.closed(a2);
    flushed = t.flush(2500);
    expect(flushed.bucket.attribution.pods.a!.connections).toMatchObject({ open: 0, closed: 1 });
    expect(flushed.bucket.attribution.pods.b!.connections).toMatchObject({ open: 1, closed: 1 });
    expect(flushed.totalAttribution.pods.a!.connections).toEqual({
      open: 0,
      opened: 2,
      closed: 2,
      requests: 4,
    });
    // A pod with open connections and nothing else in an interval still shows (its open count).
    expect(Object.keys(t.flush(3000).bucket.attribution.pods)).toEqual(['b']);
  });

  it('counts skipped requests as failed in unknown and in the bucket’s own skipped counts', () => {
    const t = new Tally();
    t.skipped({ backoff: 3, busy: 2 });
    const { bucket, totalAttribution } = t.flush(1000);
    expect(bucket.skipped).toEqual({ backoff: 3, busy: 2 });
    expect(bucket.failed).toBe(0);
    expect(bucket.attribution.unknown).toMatchObject({ skipped: 5, failed: 5, sent: 0 });
    expect(errorRate(totalAttribution.unknown)).toBe(1);
    expect(t.flush(2000).bucket.skipped).toEqual({ backoff: 0, busy: 0 });
  });

  it('counts a response that names a pod but no colour in the pod’s last colour, or "?"', () => {
    const t = new Tally();
    t.response(200, 'blue', 'p', 1, 1);
    t.response(200, null, 'p', 1, 1);
    t.response(200, null, 'q', 1, 1);
    const a = t.flush(1000).bucket.attribution;
    expect(a.colors.blue!.sent).toBe(2);
    expect(a.colors[UNNAMED_COLOR]!.sent).toBe(1);
    expect(a.frontDoor.sent).toBe(0);
  });

  it('adds up: colours + front door + unknown = every outcome, and the caps fold pods and colours', () => {
    const t = new Tally();
    const conns = Array.from({ length: 20 }, conn);
    for (let i = 0; i < 2000; i++) {
      t.sent();
      const c = conns[i % conns.length]!;
      if (i % 7 === 0) t.failure('reset', c);
      else if (i % 11 === 0) t.response(502, null, null, 1, i, c);
      else t.response(i % 13 === 0 ? 500 : 200, `c${i % 40}`, `pod-${i % 300}`, (i % 50) + 1, i, c);
    }
    const { bucket, totalAttribution } = t.flush(1000);
    const a = totalAttribution;
    expect(Object.keys(a.colors).length).toBeLessThanOrEqual(MAX_RUN_COLORS + 1);
    expect(Object.keys(a.pods).length).toBeLessThanOrEqual(MAX_RUN_PODS + 1);
    const groups = [...Object.values(a.colors), a.frontDoor, a.unknown];
    const sum = (f: (g: (typeof groups)[number]) => number): number => groups.reduce((n, g) => n + f(g), 0);
    expect(sum((g) => g.sent)).toBe(bucket.sent);
    expect(sum((g) => g.failed)).toBe(bucket.failed);
    expect(sum((g) => g.errors.reset)).toBe(bucket.errors.reset);
    expect(sum((g) => g.responses['2xx'])).toBe(bucket.responses['2xx']);
    expect(sum((g) => g.latency.count)).toBe(bucket.latency.count);
    const podSent = Object.values(a.pods).reduce((n, p) => n + p.sent, 0);
    expect(podSent).toBe(sum((g) => g.sent) - a.frontDoor.sent - a.unknown.sent);
  });

  it('counts runs of responses naming the same colour and pod as it counts them interleaved, past the caps too', () => {
    // The tally remembers the latest response's names: the same responses in runs (the memory hits) and
    // interleaved (it always misses) must add up to the same run, folded names and all.
    const names = Array.from({ length: 300 }, (_, i) => [`c${i % 40}`, `pod-${i}`] as const);
    const tally = (order: (typeof names)[number][]) => {
      const t = new Tally();
      for (const [color, pod] of order) {
        t.sent();
        t.response(200, color, pod, 1, 5);
      }
      t.response(200, null, 'pod-3', 1, 5); // a pod without a colour counts in the pod's colour
      return { flushed: t.flush(1000), colors: t.colors, pods: t.pods, folded: t.folded };
    };
    const inRuns = tally(names.flatMap((n) => [n, n, n]));
    const interleaved = tally([...names, ...names, ...names]);
    expect(inRuns).toEqual(interleaved);
    expect(inRuns.folded).toEqual({ colors: 40 - MAX_RUN_COLORS, pods: 300 - MAX_RUN_PODS });
    expect(inRuns.pods.get('pod-3')).toEqual({ color: 'c3', count: 4 });
  });
});

describe('PeakLatency', () => {
  it('gives p99 within a bin (about 2 %) and max and mean exactly, and merges', () => {
    const a = new PeakLatency();
    const b = new PeakLatency();
    for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i / 10);
    a.add(b);
    const s = a.summary();
    expect(s.count).toBe(1000);
    expect(s.max).toBe(100);
    expect(s.mean).toBeCloseTo(50.05, 2);
    expect(Math.abs(s.p99 - 99) / 99).toBeLessThan(0.05);
    expect(Math.abs(s.p50 - 50) / 50).toBeLessThan(0.05);
    a.reset();
    expect(a.summary().count).toBe(0);
  });
});
