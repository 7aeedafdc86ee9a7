/** The final report: shares, achieved rate, and thresholds that say which one broke. */
import { describe, expect, it } from 'vitest';
import { buildReport, evaluateThresholds } from '../../loadtester/report/report.js';
import { emptyAttribution, emptyGroup, type Attribution, type GroupStats } from '../../protocol/outcomes.js';

describe('report and thresholds', () => {
  const total = {
    sent: 100,
    responses: { '1xx': 0, '2xx': 95, '3xx': 0, '4xx': 0, '5xx': 2 },
    errors: { refused: 1, reset: 0, other: 0 },
    timeouts: 1,
    dropped: 1,
    failed: 5,
  };
  const latency = { count: 97, p50: 5, p90: 9, p99: 20, max: 40, mean: 6 };

  it('counts failed against thresholds and says which broke', () => {
    const r = evaluateThresholds(
      { maxErrors: 5, maxErrorRate: 4, maxP99Ms: 25 },
      { failed: 5, due: 100 },
      latency,
    );
    expect(r).toEqual([
      { name: 'max-errors', limit: 5, value: 5, pass: true },
      { name: 'max-error-rate', limit: 4, value: 5, pass: false },
      { name: 'max-p99', limit: 25, value: 20, pass: true },
    ]);
  });

  it('counts skipped requests as due and failed, in every threshold, with why they were skipped', () => {
    const report = buildReport({
      target: 'http://x/',
      startedAtEpochMs: 0,
      durationMs: 10_000,
      sendingMs: 10_000,
      total,
      colors: new Map(),
      pods: new Map(),
      folded: { colors: 0, pods: 0 },
      switchOver: null,
      latency,
      askedRate: 20,
      skipped: { backoff: 80, busy: 20 },
      thresholds: { maxErrors: 100, maxErrorRate: 50, maxP99Ms: null },
      firstErrors: {},
      attribution: emptyAttribution(),
    });
    expect(report).toMatchObject({ due: 200, sent: 100, failed: 105, skipped: { backoff: 80, busy: 20 } });
    expect(report.rate.skipped).toBe(100);
    expect(report.thresholds).toEqual([
      { name: 'max-errors', limit: 100, value: 105, pass: false },
      { name: 'max-error-rate', limit: 50, value: 52.5, pass: false },
    ]);
    expect(report.pass).toBe(false);
  });

  it('builds shares, rate and pass', () => {
    const report = buildReport({
      target: 'http://x/',
      startedAtEpochMs: 0,
      durationMs: 10_000,
      sendingMs: 10_000,
      total,
      colors: new Map([
        ['blue', { count: 75, firstSeenMs: 0, lastSeenMs: 5000 }],
        ['green', { count: 25, firstSeenMs: 4000, lastSeenMs: 9000 }],
      ]),
      pods: new Map([['blue-1', { color: 'blue', count: 75 }]]),
      folded: { colors: 0, pods: 0 },
      switchOver: null,
      latency,
      askedRate: 10,
      skipped: { backoff: 0, busy: 0 },
      thresholds: { maxErrors: 0, maxErrorRate: null, maxP99Ms: null },
      firstErrors: { refused: 'connect ECONNREFUSED 127.0.0.1:1' },
      attribution: emptyAttribution(),
    });
    expect(report.colors.blue!.share).toBe(0.75);
    expect(report.firstErrors).toEqual({ refused: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(report.rate).toEqual({ asked: 10, achieved: 10, skipped: 0 });
    expect(report.pass).toBe(false);
    expect(report.sent).toBe(
      Object.values(report.responses).reduce((a, b) => a + b) +
        Object.values(report.errors).reduce((a, b) => a + b) +
        report.timeouts +
        report.dropped,
    );
  });
});

describe('per-colour thresholds and --compare', () => {
  /** A colour with `due` requests, `failed` of them 5xx, and the given p99. */
  function colour(due: number, failed: number, p99: number): GroupStats {
    const g = emptyGroup();
    g.sent = due;
    g.responses['2xx'] = due - failed;
    g.responses['5xx'] = failed;
    g.failed = failed;
    g.latency = { count: due, p50: p99 / 2, p90: p99 / 2, p99, max: p99, mean: p99 / 2 };
    return g;
  }
  const none = { maxErrors: null, maxErrorRate: null, maxP99Ms: null };
  const counts = { failed: 0, due: 0 };
  const latency = { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };

  function attribution(colors: Record<string, GroupStats>): Attribution {
    return { ...emptyAttribution(), colors };
  }

  it('judges each colour on its own requests, and fails a gated colour that had no traffic', () => {
    const a = attribution({ blue: colour(1000, 0, 10), green: colour(1000, 100, 40) });
    const results = evaluateThresholds(
      {
        ...none,
        colorMaxErrorRate: { blue: 0.5, green: 1, purple: 1 },
        colorMaxP99Ms: { green: 50 },
      },
      counts,
      latency,
      a,
    );
    expect(results).toEqual([
      { name: 'max-error-rate', scope: 'blue', limit: 0.5, value: 0, pass: true },
      { name: 'max-error-rate', scope: 'green', limit: 1, value: 10, pass: false },
      {
        name: 'max-error-rate',
        scope: 'purple',
        limit: 1,
        value: 0,
        pass: false,
        note: 'purple had no traffic',
      },
      { name: 'max-p99', scope: 'green', limit: 50, value: 40, pass: true },
    ]);
  });

  it('--compare fails the candidate that is worse by more than the margin, and not the other way round', () => {
    const a = attribution({ blue: colour(1000, 10, 10), green: colour(1000, 100, 11) });
    const worse = evaluateThresholds(
      { ...none, compare: { baseline: 'blue', candidate: 'green', maxRegression: 20 } },
      counts,
      latency,
      a,
    );
    expect(worse).toEqual([
      { name: 'max-regression', scope: 'blue,green:error-rate', limit: 20, value: 900, pass: false },
      { name: 'max-regression', scope: 'blue,green:p99', limit: 20, value: 10, pass: true },
    ]);
    const better = evaluateThresholds(
      { ...none, compare: { baseline: 'green', candidate: 'blue', maxRegression: 20 } },
      counts,
      latency,
      a,
    );
    expect(better.map((r) => [r.value, r.pass])).toEqual([
      [-90, true],
      [-9.1, true],
    ]);
  });

  it('--compare takes a clean baseline as one failure among its requests, and fails when a colour is missing', () => {
    const clean = attribution({ blue: colour(1000, 0, 10), green: colour(1000, 1, 10) });
    const compare = { baseline: 'blue', candidate: 'green', maxRegression: 20 };
    expect(evaluateThresholds({ ...none, compare }, counts, latency, clean)[0]).toMatchObject({
      value: 0,
      pass: true,
    });
    const onlyBlue = attribution({ blue: colour(1000, 0, 10) });
    expect(evaluateThresholds({ ...none, compare }, counts, latency, onlyBlue)).toEqual([
      {
        name: 'max-regression',
        scope: 'blue,green:error-rate',
        limit: 20,
        value: 0,
        pass: false,
        note: 'green had no traffic: nothing to compare',
      },
      {
        name: 'max-regression',
        scope: 'blue,green:p99',
        limit: 20,
        value: 0,
        pass: false,
        note: 'green had no traffic: nothing to compare',
      },
    ]);
  });
});
