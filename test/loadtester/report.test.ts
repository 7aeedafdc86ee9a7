/** The final report: shares, achieved rate, and thresholds that say which one broke. */
import { describe, expect, it } from 'vitest';
import { buildReport, evaluateThresholds } from '../../loadtester/report.js';
import { emptyAttribution } from '../../protocol/outcomes.js';

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
