/** Builds the final Report and evaluates thresholds. Pure: everything it needs is passed in. */
import type { FoldCounts, LatencySummary, Outcomes, Report, ThresholdResult } from '../protocol/stream.js';
import { nameRecord } from '../protocol/outcomes.js';
import type { LoadOptions } from './api.js';
import type { SkipCounts } from './engine.js';
import type { ColorSeen, SoloSwitch } from './tally.js';
import type { PodTally } from '../protocol/stream.js';

export const LATENCY_NOTE =
  'ms, responses only, measured from when each request was due to be sent (includes any wait for a free connection: no coordinated omission)';

/** `failed` and `due` count skipped requests: a request that was due and never sent is not a success. */
export function evaluateThresholds(
  limits: LoadOptions['thresholds'],
  counts: { failed: number; due: number },
  latency: LatencySummary,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  if (limits.maxErrors !== null) {
    results.push({
      name: 'max-errors',
      limit: limits.maxErrors,
      value: counts.failed,
      pass: counts.failed <= limits.maxErrors,
    });
  }
  if (limits.maxErrorRate !== null) {
    const value = counts.due === 0 ? 0 : round((counts.failed / counts.due) * 100, 3);
    results.push({
      name: 'max-error-rate',
      limit: limits.maxErrorRate,
      value,
      pass: value <= limits.maxErrorRate,
    });
  }
  if (limits.maxP99Ms !== null) {
    results.push({
      name: 'max-p99',
      limit: limits.maxP99Ms,
      value: latency.p99,
      pass: latency.p99 <= limits.maxP99Ms,
    });
  }
  return results;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface ReportInput {
  target: string;
  startedAtEpochMs: number;
  durationMs: number;
  sendingMs: number;
  total: Outcomes;
  colors: ReadonlyMap<string, ColorSeen>;
  pods: ReadonlyMap<string, PodTally>;
  /** Distinct colours and pods counted under "other" (the tally's limits). */
  folded: FoldCounts;
  switchOver: SoloSwitch | null;
  latency: LatencySummary;
  askedRate: number | null;
  skipped: Readonly<SkipCounts>;
  thresholds: LoadOptions['thresholds'];
  firstErrors: NonNullable<Report['firstErrors']>;
}

export function buildReport(input: ReportInput): Report {
  const { total } = input;
  let tagged = 0;
  for (const c of input.colors.values()) tagged += c.count;
  // Without prototypes: a colour or pod named `__proto__` or `constructor` is an ordinary key.
  const colors: Report['colors'] = nameRecord();
  const byColor: Report['byColor'] = nameRecord();
  for (const [name, c] of input.colors) {
    byColor[name] = c.count;
    colors[name] = {
      count: c.count,
      share: tagged === 0 ? 0 : round(c.count / tagged, 4),
      firstSeenMs: Math.round(c.firstSeenMs),
      lastSeenMs: Math.round(c.lastSeenMs),
    };
  }
  const byPod: Report['byPod'] = nameRecord();
  for (const [name, p] of input.pods) byPod[name] = { color: p.color, count: p.count };
  const skipped = input.skipped.backoff + input.skipped.busy;
  const due = total.sent + skipped;
  const failed = total.failed + skipped;
  const thresholds = evaluateThresholds(input.thresholds, { failed, due }, input.latency);
  const s = input.switchOver;
  return {
    target: input.target,
    startedAt: new Date(input.startedAtEpochMs).toISOString(),
    durationMs: Math.round(input.durationMs),
    due,
    sent: total.sent,
    skipped: { backoff: input.skipped.backoff, busy: input.skipped.busy },
    responses: { ...total.responses },
    errors: { ...total.errors },
    timeouts: total.timeouts,
    dropped: total.dropped,
    failed,
    byColor,
    colors,
    byPod,
    folded: { ...input.folded },
    switchOver: s
      ? {
          from: s.from,
          to: s.to,
          startMs: Math.round(s.startMs),
          endMs: Math.round(s.endMs),
          windowMs: Math.round(s.endMs - s.startMs),
        }
      : null,
    latency: { ...input.latency, note: LATENCY_NOTE },
    rate: {
      asked: input.askedRate,
      achieved: input.sendingMs > 0 ? round((total.sent * 1000) / input.sendingMs, 1) : 0,
      skipped,
    },
    thresholds,
    pass: thresholds.every((t) => t.pass),
    firstErrors: { ...input.firstErrors },
  };
}
