/**
 * Names a target chooses, end to end through the loadtester: Object.prototype's member names count like
 * any other name, and a target naming a new pod or colour in every response cannot grow a run without bound.
 */
import { describe, expect, it } from 'vitest';
import { FOLD_COUNT_LIMIT, Tally } from '../../loadtester/count/tally.js';
import { buildReport } from '../../loadtester/report/report.js';
import { formatReport } from '../../loadtester/report/format.js';
import { MAX_RUN_COLORS, MAX_RUN_PODS, OTHER_BUCKET } from '../../protocol/outcomes.js';
import type { Report } from '../../protocol/report.js';

const HOSTILE = ['__proto__', 'constructor', 'toString'] as const;

function reportOf(t: Tally): Report {
  return buildReport({
    target: 'http://x/',
    firstErrors: {},
    startedAtEpochMs: 0,
    durationMs: 1000,
    sendingMs: 1000,
    total: t.total,
    colors: t.colors,
    pods: t.pods,
    folded: t.folded,
    switchOver: t.switchOver,
    latency: t.runLatency(),
    askedRate: null,
    skipped: { backoff: 0, busy: 0 },
    thresholds: { maxErrors: null, maxErrorRate: null, maxP99Ms: null },
    attribution: t.runAttribution(),
  });
}

describe("Object.prototype's names as colours and pods", () => {
  it('are counted in ticks and the report like any name, and survive JSON', () => {
    const t = new Tally();
    HOSTILE.forEach((name, i) => {
      for (let n = 0; n <= i; n++) {
        t.sent();
        t.response(200, name, name, 1, 10);
      }
    });
    const { bucket } = t.flush(1000);
    const wire = JSON.parse(JSON.stringify(bucket)) as typeof bucket;
    expect(Object.entries(wire.byColor)).toEqual([
      ['__proto__', 1],
      ['constructor', 2],
      ['toString', 3],
    ]);
    expect(Object.keys(wire.byPod)).toEqual([...HOSTILE]);
    expect(wire.byPod.toString).toEqual({ color: 'toString', count: 3 });

    const report = reportOf(t);
    const written = JSON.parse(JSON.stringify(report)) as Report;
    expect(Object.keys(written.byColor)).toEqual([...HOSTILE]);
    expect(Object.keys(written.colors)).toEqual([...HOSTILE]);
    expect(Object.keys(written.byPod)).toEqual([...HOSTILE]);
    expect(Object.getPrototypeOf(report.byColor)).toBeNull();
    expect(written.colors.constructor).toMatchObject({ count: 2, share: 0.3333 });
    expect(Object.getOwnPropertyDescriptor(written.colors, '__proto__')?.value).toMatchObject({
      count: 1,
      share: 0.1667,
    });
    const text = formatReport(report);
    for (const name of HOSTILE) expect(text).toMatch(new RegExp(`^ {2}${name} +\\d`, 'm'));
    expect(text).not.toMatch(/NaN|function|native code/);
  });
});

describe('a target naming a new pod and colour in every response', () => {
  it(`keeps ${MAX_RUN_PODS} pods and ${MAX_RUN_COLORS} colours by name, counting the rest as "${OTHER_BUCKET}"`, () => {
    const t = new Tally();
    const n = 2000;
    for (let i = 0; i < n; i++) {
      t.sent();
      t.response(200, `c${i}`, `pod-${i}`, 1, i);
      if (i % 100 === 99) t.flush(i);
    }
    // Names already known keep their own entries after the limit is reached.
    t.sent();
    t.response(200, 'c0', 'pod-0', 1, n);
    const last = t.flush(n + 1);
    expect(t.pods.size).toBe(MAX_RUN_PODS + 1);
    expect(t.colors.size).toBe(MAX_RUN_COLORS + 1);
    expect(t.folded).toEqual({ colors: n - MAX_RUN_COLORS, pods: n - MAX_RUN_PODS });
    expect(last.folded).toEqual(t.folded);
    expect(Object.keys(last.bucket.byPod)).toEqual(['pod-0']);
    expect(t.pods.get(OTHER_BUCKET)!.count).toBe(n - MAX_RUN_PODS);
    expect(t.pods.get(OTHER_BUCKET)!.color).toBe(OTHER_BUCKET);
    expect(t.colors.get(OTHER_BUCKET)!.count).toBe(n - MAX_RUN_COLORS);

    const report = reportOf(t);
    expect(report.folded).toEqual({ colors: n - MAX_RUN_COLORS, pods: n - MAX_RUN_PODS });
    expect(Object.keys(report.byPod)).toHaveLength(MAX_RUN_PODS + 1);
    expect(report.byPod[OTHER_BUCKET]!.count).toBe(n - MAX_RUN_PODS);
    expect(formatReport(report)).toContain(
      `Folded     ${n - MAX_RUN_COLORS} colours and ${n - MAX_RUN_PODS} pods past the run's limits`,
    );
  });

  it('counts each folded name once, however often it answers', () => {
    const t = new Tally();
    for (let i = 0; i < MAX_RUN_PODS; i++) t.response(200, null, `pod-${i}`, 1, 0);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10; i++) t.response(200, null, `late-${i}`, 1, 0);
    }
    expect(t.folded).toEqual({ colors: 0, pods: 10 });
    expect(FOLD_COUNT_LIMIT).toBeGreaterThanOrEqual(10_000);
  });
});
