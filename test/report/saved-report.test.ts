/**
 * `bluegreen report` reads a saved report: a real report (built by the real Tally and report builder)
 * passes, and one that lacks what the text report prints is a usage error naming the path of what is
 * missing, never a TypeError halfway through printing.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../common/usage-error.js';
import { Tally } from '../../loadtester/count/tally.js';
import { buildReport } from '../../loadtester/report/report.js';
import { reportText } from '../../loadtester/report/report-text.js';
import { parseSavedReport } from '../../report/saved-report.js';

function realReport(): Record<string, unknown> {
  const t = new Tally();
  for (const [color, pod, ms] of [
    ['blue', 'blue-1', 2],
    ['green', 'green-1', 3],
    ['green', 'green-1', 40],
  ] as const) {
    t.sent();
    t.response(200, color, pod, ms, 100);
  }
  t.flush(1000);
  const report = buildReport({
    target: 'http://x/',
    firstErrors: {},
    startedAtEpochMs: 0,
    durationMs: 1000,
    sendingMs: 1000,
    total: t.total,
    colors: t.colors,
    pods: t.pods,
    folded: t.folded,
    switchOver: null,
    latency: t.runLatency(),
    askedRate: 3,
    skipped: { backoff: 0, busy: 0 },
    thresholds: { maxErrors: null, maxErrorRate: null, maxP99Ms: null },
    attribution: t.runAttribution(),
  });
  return JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
}

function refusal(value: unknown): string {
  try {
    parseSavedReport(JSON.stringify(value), 'run.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the report was accepted');
}

describe('a saved report', () => {
  it('takes a real report and prints it', () => {
    const report = parseSavedReport(JSON.stringify(realReport()), 'run.json');
    expect(reportText(report)).toMatch(/green/);
  });

  it('names what an incomplete report lacks, nested keys included', () => {
    expect(refusal({ ...realReport(), latency: {} })).toMatch(
      /"run\.json" is not a bluegreen report .*missing or wrong latency\.p50, latency\.p90, latency\.p99, latency\.max/,
    );
    const report = realReport();
    const attribution = report.attribution as { pods: Record<string, Record<string, unknown>> };
    delete attribution.pods['green-1']!.latency;
    expect(refusal(report)).toMatch(/missing or wrong attribution\.pods\.green-1\.latency$/);
    expect(refusal({ ...realReport(), thresholds: [{ name: 'max-errors' }] })).toMatch(
      /thresholds\[0\]\.limit, thresholds\[0\]\.value, thresholds\[0\]\.pass/,
    );
    expect(refusal({ ...realReport(), byPod: { 'blue-1': 7 } })).toMatch(/byPod\.blue-1(?!\.)/);
  });

  it('lists at most five wrong keys and counts the rest', () => {
    expect(refusal({ target: 'x' })).toMatch(/, and \d+ more$/);
  });
});
