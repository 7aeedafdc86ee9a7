import { describe, expect, it } from 'vitest';
import { settled, type GroupStats, type LatencySummary } from '../../protocol/outcomes.js';
import { mergeLatency, mergeTicks, replayTicks, timelineTick } from '../../protocol/timeline.js';
import { syntheticRun } from '../helpers/run-ticks.js';

const summary = (
  p50: number,
  p90: number,
  p99: number,
  max: number,
  count = 100,
  mean = p50,
): LatencySummary => ({
  count,
  p50,
  p90,
  p99,
  max,
  mean,
});

/** The counts of a group, without its latency (which merging estimates). */
function counts(g: GroupStats): Omit<GroupStats, 'latency'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { latency, ...rest } = g;
  return rest;
}

describe('mergeLatency', () => {
  it('gives a lone summary back exactly, and nothing for nothing', () => {
    const one = summary(2, 9, 30, 41, 17, 3.5);
    expect(mergeLatency([one])).toEqual(one);
    expect(mergeLatency([one, summary(0, 0, 0, 0, 0)])).toEqual(one);
    expect(mergeLatency([]).count).toBe(0);
  });

  it('is exact for count, max and mean, and keeps each percentile between the parts’', () => {
    const parts = [
      summary(1, 5, 20, 50, 300, 2),
      summary(10, 40, 90, 120, 100, 15),
      summary(3, 6, 7, 8, 50, 4),
    ];
    const merged = mergeLatency(parts);
    expect(merged.count).toBe(450);
    expect(merged.max).toBe(120);
    expect(merged.mean).toBeCloseTo((2 * 300 + 15 * 100 + 4 * 50) / 450, 3);
    for (const q of ['p50', 'p90', 'p99'] as const) {
      const values = parts.map((p) => p[q]);
      expect(merged[q]).toBeGreaterThanOrEqual(Math.min(...values));
      expect(merged[q]).toBeLessThanOrEqual(Math.max(...values));
    }
    // The busy fast interval dominates the median; the slow one shows in the tail.
    expect(merged.p50).toBeLessThan(10);
    expect(merged.p99).toBeGreaterThanOrEqual(40);
  });
});

describe('mergeTicks', () => {
  it('adds every count of consecutive ticks and spans both', () => {
    const { ticks } = syntheticRun({ seconds: 2, rate: 200, pods: 4 });
    const [a, b] = ticks.map(timelineTick) as [
      ReturnType<typeof timelineTick>,
      ReturnType<typeof timelineTick>,
    ];
    const m = mergeTicks(a, b);
    expect(m.intervalMs).toBe(2000);
    expect(m.t).toBe(b.t);
    expect(m.seq).toBe(b.seq);
    expect(m.bucket.sent).toBe(a.bucket.sent + b.bucket.sent);
    expect(m.bucket.failed).toBe(a.bucket.failed + b.bucket.failed);
    expect(m.bucket.latency.count).toBe(a.bucket.latency.count + b.bucket.latency.count);
    expect(m.bucket.skipped.busy).toBe(a.bucket.skipped.busy + b.bucket.skipped.busy);
    for (const color of ['blue', 'green']) {
      expect(m.bucket.byColor[color] ?? 0).toBe(
        (a.bucket.byColor[color] ?? 0) + (b.bucket.byColor[color] ?? 0),
      );
      const sent = (t: typeof a): number => t.bucket.attribution.colors[color]?.sent ?? 0;
      expect(m.bucket.attribution.colors[color]?.sent ?? 0).toBe(sent(a) + sent(b));
    }
    expect(m.bucket.attribution.unknown.failed).toBe(
      a.bucket.attribution.unknown.failed + b.bucket.attribution.unknown.failed,
    );
    for (const [pod, p] of Object.entries(m.bucket.attribution.pods)) {
      const before = a.bucket.attribution.pods[pod];
      const after = b.bucket.attribution.pods[pod];
      expect(p.sent).toBe((before?.sent ?? 0) + (after?.sent ?? 0));
      expect(p.connections.open).toBe((after ?? before)!.connections.open);
    }
  });
});

describe('replayTicks', () => {
  it('sums the running totals again, as the stream sent them', () => {
    const { ticks, tally } = syntheticRun({ seconds: 20, rate: 100, pods: 6 });
    const again = replayTicks(ticks.map(timelineTick));
    expect(again).toHaveLength(ticks.length);
    for (const [i, tick] of again.entries()) {
      expect(tick.type).toBe('tick');
      expect(tick.total).toEqual(ticks[i]!.total);
    }
    const last = again[again.length - 1]!.totalAttribution;
    const sent = ticks[ticks.length - 1]!.totalAttribution;
    expect(counts(last.frontDoor)).toEqual(counts(sent.frontDoor));
    expect(counts(last.unknown)).toEqual(counts(sent.unknown));
    for (const color of Object.keys(sent.colors))
      expect(counts(last.colors[color]!)).toEqual(counts(sent.colors[color]!));
    expect(settled(again[again.length - 1]!.total)).toBe(tally.total.sent);
  });
});
