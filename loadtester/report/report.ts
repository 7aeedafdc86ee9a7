/** Builds the final Report and evaluates thresholds. Pure: everything it needs is passed in. */
import {
  emptyAttribution,
  errorRate,
  nameRecord,
  type Attribution,
  type FoldCounts,
  type GroupStats,
  type LatencySummary,
  type Outcomes,
  type PodStats,
  type PodTally,
} from '../../protocol/outcomes.js';
import type {
  GroupReport,
  PodReport,
  Report,
  ReportAttribution,
  ThresholdResult,
} from '../../protocol/report.js';
import type { LoadOptions, Thresholds } from '../options.js';
import type { SkipCounts } from '../count/skip-counts.js';
import type { ColorSeen, SoloSwitch } from '../count/tally.js';

export const LATENCY_NOTE =
  'ms, responses only, measured from when each request was due to be sent (includes any wait for a free connection: no coordinated omission)';

/**
 * `failed` and `due` count skipped requests: a request that was due and never sent is not a success. The
 * per-colour limits and `--compare` read the run's attribution: a colour's own requests only (skipped
 * requests belong to no colour), and a colour that was gated but never seen fails, with a note saying so.
 */
export function evaluateThresholds(
  limits: LoadOptions['thresholds'],
  counts: { failed: number; due: number },
  latency: LatencySummary,
  attribution: Attribution = emptyAttribution(),
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
  for (const [color, limit] of Object.entries(limits.colorMaxErrorRate ?? {})) {
    const group = attribution.colors[color];
    results.push(
      !group || group.sent + group.skipped === 0
        ? unjudged('max-error-rate', color, limit, `${color} had no traffic`)
        : scoped('max-error-rate', color, limit, percentOf(group)),
    );
  }
  if (limits.maxP99Ms !== null) {
    results.push({
      name: 'max-p99',
      limit: limits.maxP99Ms,
      value: latency.p99,
      pass: latency.p99 <= limits.maxP99Ms,
    });
  }
  for (const [color, limit] of Object.entries(limits.colorMaxP99Ms ?? {})) {
    const group = attribution.colors[color];
    results.push(
      !group || group.latency.count === 0
        ? unjudged('max-p99', color, limit, `${color} had ${group ? 'no responses' : 'no traffic'}`)
        : scoped('max-p99', color, limit, group.latency.p99),
    );
  }
  if (limits.compare) results.push(...regressions(limits.compare, attribution));
  return results;
}

function scoped(name: ThresholdResult['name'], scope: string, limit: number, value: number): ThresholdResult {
  return { name, scope, limit, value, pass: value <= limit };
}

function unjudged(
  name: ThresholdResult['name'],
  scope: string,
  limit: number,
  note: string,
): ThresholdResult {
  return { name, scope, limit, value: 0, pass: false, note };
}

/** A group's error rate in percent, as the thresholds state it. */
function percentOf(g: GroupStats): number {
  return round(errorRate(g) * 100, 3);
}

/**
 * `--compare blue,green --max-regression 20%`: how much worse the candidate is than the baseline, in
 * percent of the baseline, for its error rate and its p99. A baseline without failures is taken as one
 * failure among its due requests (the smallest rate it could have shown), so a candidate is not failed for
 * a single error against a clean baseline of a few requests, yet is against one of thousands.
 */
function regressions(
  compare: NonNullable<Thresholds['compare']>,
  attribution: Attribution,
): ThresholdResult[] {
  const { baseline, candidate, maxRegression: limit } = compare;
  const pair = `${baseline},${candidate}`;
  const base = attribution.colors[baseline];
  const cand = attribution.colors[candidate];
  const quiet = [baseline, candidate].filter((c) => (attribution.colors[c]?.sent ?? 0) === 0);
  if (!base || !cand || quiet.length > 0) {
    const note = `${quiet.join(' and ')} had no traffic: nothing to compare`;
    return [
      unjudged('max-regression', `${pair}:error-rate`, limit, note),
      unjudged('max-regression', `${pair}:p99`, limit, note),
    ];
  }
  const results: ThresholdResult[] = [];
  const baseDue = base.sent + base.skipped;
  const baseRate = Math.max(errorRate(base), 1 / baseDue);
  const candRate = errorRate(cand);
  results.push(
    scoped('max-regression', `${pair}:error-rate`, limit, round((candRate / baseRate - 1) * 100, 1)),
  );
  if (base.latency.count === 0 || cand.latency.count === 0) {
    const silent = base.latency.count === 0 ? baseline : candidate;
    results.push(unjudged('max-regression', `${pair}:p99`, limit, `${silent} had no responses`));
  } else {
    const value = round((cand.latency.p99 / Math.max(base.latency.p99, 0.001) - 1) * 100, 1);
    results.push(scoped('max-regression', `${pair}:p99`, limit, value));
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
  /** The run's attribution (Tally.runAttribution()). */
  attribution: Attribution;
}

/** Shares of every due request in the run, error rates, requests per connection: the report's attribution. */
export function reportAttribution(a: Attribution): ReportAttribution {
  let due = 0;
  for (const g of [...Object.values(a.colors), a.frontDoor, a.unknown]) due += g.sent + g.skipped;
  const group = (g: GroupStats): GroupReport => ({
    ...g,
    share: due === 0 ? 0 : round((g.sent + g.skipped) / due, 4),
    errorRate: round(errorRate(g), 5),
  });
  const pod = (p: PodStats): PodReport => ({
    ...group(p),
    color: p.color,
    connections: {
      ...p.connections,
      requestsPerConnection:
        p.connections.opened === 0 ? 0 : round(p.connections.requests / p.connections.opened, 1),
    },
  });
  const colors = nameRecord<GroupReport>();
  for (const [name, g] of Object.entries(a.colors)) colors[name] = group(g);
  const pods = nameRecord<PodReport>();
  for (const [name, p] of Object.entries(a.pods)) pods[name] = pod(p);
  return { colors, pods, frontDoor: group(a.frontDoor), unknown: group(a.unknown) };
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
  const thresholds = evaluateThresholds(input.thresholds, { failed, due }, input.latency, input.attribution);
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
    attribution: reportAttribution(input.attribution),
  };
}
