/**
 * The run's final report (printed, written by `--json FILE`, sent as the stream's `summary`, and read back by
 * `bluegreen report` and the page's replay), and the incidents it and the stream carry.
 */
import type { EventMessage } from './events.js';
import type {
  ConnectionStats,
  FoldCounts,
  GroupStats,
  LatencyBucket,
  LatencySummary,
  Outcomes,
  PodTally,
} from './outcomes.js';
import type { SampleOutcome } from './run.js';
import type { RunTimeline } from './timeline.js';

export interface ThresholdResult {
  name: 'max-errors' | 'max-error-rate' | 'max-p99' | 'max-regression';
  /**
   * Absent: the whole run. A colour: that colour's requests only (`--max-error-rate green:0.5%`). For
   * `max-regression`: "blue,green:error-rate" or "blue,green:p99" (`--compare blue,green`).
   */
  scope?: string;
  limit: number;
  value: number;
  pass: boolean;
  /** Why a scoped threshold could not be judged and failed (e.g. "green had no traffic"); absent otherwise. */
  note?: string;
}

/** A group in the report: its counts plus what the table prints. `errorRate` = failed / (sent + skipped), 0 when none. */
export interface GroupReport extends GroupStats {
  /** Of all due requests in the run. */
  share: number;
  errorRate: number;
}

export interface PodReport extends GroupReport {
  color: string;
  connections: ConnectionStats & { requestsPerConnection: number };
}

export interface ReportAttribution {
  colors: Record<string, GroupReport>;
  pods: Record<string, PodReport>;
  frontDoor: GroupReport;
  unknown: GroupReport;
}

export interface ColorReport {
  count: number;
  share: number;
  /** Ms since the run started when this colour was first and last seen. */
  firstSeenMs: number;
  lastSeenMs: number;
}

/**
 * The run's final report. `failed` counts skipped requests too (they were due and never sent), so
 * `failed` = errors + timeouts + dropped + 1xx/4xx/5xx + skipped; the ticks' Outcomes have no skipped.
 */
export interface Report extends Outcomes {
  /** Requests due (open model: at the asked rate; closed loop: as sent): `due = sent + rate.skipped`. Absent in older reports. */
  due?: number;
  /** Due requests never sent, by why (see SkipCounts in loadtester/count/skip-counts.ts); their sum is `rate.skipped`. Absent in older reports. */
  skipped?: { backoff: number; busy: number };
  target: string;
  startedAt: string;
  durationMs: number;
  byColor: Record<string, number>;
  colors: Record<string, ColorReport>;
  byPod: Record<string, PodTally>;
  /** Absent from reports of older versions. */
  folded?: FoldCounts;
  /** From the last moment only the old colour was seen to the first moment only the new one was; null without a switch. */
  switchOver: { from: string; to: string; startMs: number; endMs: number; windowMs: number } | null;
  /** `histogram`: responses per latency bucket over the run (absent in older reports). */
  latency: LatencySummary & { note: string; histogram?: LatencyBucket[] };
  /** Requests per second. `skipped`: paced requests never sent because no connection was free within the timeout. */
  rate: { asked: number | null; achieved: number; skipped: number };
  thresholds: ThresholdResult[];
  pass: boolean;
  /**
   * The first error message of each kind of failure seen, e.g. `{ other: "self-signed certificate
   * (DEPTH_ZERO_SELF_SIGNED_CERT)" }`; counts stay in errors/timeouts/dropped. Absent in older reports.
   */
  firstErrors?: Partial<Record<Exclude<SampleOutcome, 'response'>, string>>;
  /** Every outcome by colour, pod, front door and unknown, with latency per group. Absent in older reports. */
  attribution?: ReportAttribution;
  /**
   * The run interval by interval, for `bluegreen report` and the dashboard's replay (see protocol/timeline.ts);
   * bounded: past a size budget older ticks are merged, and `timeline.coarsened` says so. Absent in older reports.
   */
  timeline?: RunTimeline;
  /** The session's lifecycle events up to the end of the run (pods, rollouts, runs), oldest first, bounded. */
  events?: EventMessage[];
  /** Failures grouped in time, each with a probable cause and its evidence. Absent in older reports. */
  incidents?: Incident[];
}

/** Why a burst of failures happened, as far as the run's evidence tells (loadtester/count/incidents.ts). */
export const INCIDENT_CAUSES = [
  'no-ready-endpoints',
  'bad-new-version',
  'missing-drain',
  'keep-alive-to-terminating',
  /** None of the above, while `--kube` could not read the cluster: the cause may be in what it missed. */
  'cluster-view-failing',
  'unexplained',
] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

/** Failures close together in time, with a probable cause and the facts behind it. */
export interface Incident {
  /** Epoch ms (start of the first failing interval, end of the last) and the same since the run started. */
  window: { start: number; end: number; startMs: number; endMs: number };
  failed: number;
  /** Failures by kind: refused, reset, other, timeouts, dropped, 4xx, 5xx, not sent (only those seen). */
  counts: Record<string, number>;
  /** Failures per pod, most first; FRONT_DOOR_LABEL and UNKNOWN_LABEL (outcomes.ts) for those without a pod. */
  pods: Record<string, number>;
  cause: IncidentCause;
  /** One sentence: what happened and what to change. */
  summary: string;
  /** The facts it rests on, one per line. */
  evidence: string[];
}
