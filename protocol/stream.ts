/**
 * The live stream between the loadtester (or the demo) and the dashboard: JSON text frames on
 * `ws://…/api/stream`, relative to the page's own path. Both ends import this module, so a change
 * here is a type error on both sides.
 *
 * Server → page: `hello` first (settings plus a bounded history so late joiners see charts at once),
 * then `tick` once per interval, `sample` batches for the box grid, `event` for pod and rollout
 * lifecycle, `settings` when the run changes, and `summary` once at the end.
 * Page → server: `control`, accepted only when the run allows it (see RunSettings.controls), checked by
 * control.ts. Outcome arithmetic is in outcomes.ts, the identity headers in identity.ts.
 */

import type { RunTimeline } from './timeline.js';

export const STREAM_PATH = 'api/stream';
/**
 * Bumped when a message's shape changes in a way an older page would misread. 2: buckets, totals and the
 * report carry attribution (every outcome by colour, pod, front door and unknown).
 */
export const PROTOCOL_VERSION = 2;

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Why a request got no response. `refused`: connect refused; `reset`: ECONNRESET/EPIPE; `other`: anything else. */
export const ERROR_KINDS = ['refused', 'reset', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * Every request sent ends in exactly one outcome. For a running total:
 *   sent = sum(responses) + sum(errors) + timeouts + dropped + inFlight
 * and at the end of a run inFlight is 0, so sent = responses + errors + timeouts + dropped.
 */
export interface Outcomes {
  sent: number;
  responses: Record<StatusClass, number>;
  errors: Record<ErrorKind, number>;
  timeouts: number;
  /** The connection closed (or was recycled) with this request in flight. */
  dropped: number;
  /** Everything that is not a 2xx/3xx response: errors + timeouts + dropped + 1xx/4xx/5xx. */
  failed: number;
}

/** Milliseconds, measured from when each request was due to be sent (no coordinated omission). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Responses whose latency is at most `leMs` (and above the previous bucket's); `leMs: null` is the rest. */
export interface LatencyBucket {
  leMs: number | null;
  count: number;
}

/**
 * Where colours and pods past a run's limit are counted (the loadtester's tally and the page's charts), so a
 * target that names a new pod in every response cannot grow a run's maps, ticks or history without bound.
 */
export const OTHER_BUCKET = 'other';

/** How many distinct colours and pods were counted under OTHER_BUCKET since the run started. */
export interface FoldCounts {
  colors: number;
  pods: number;
}

export interface PodTally {
  color: string;
  count: number;
}

/**
 * One group's outcomes in an interval or over the run (see "Attribution" in docs/loadtester.md): a colour, a
 * pod, the front door (responses without identity) or unknown (no response, and no connection history).
 * `failed` includes `skipped`; `latency` is over this group's responses only.
 */
export interface GroupStats extends Outcomes {
  /** Due requests never sent (only the unknown group has any: they were never on a connection). */
  skipped: number;
  /** Of the no-response failures (errors, timeouts, dropped), how many were attributed from the connection's history rather than a response. */
  inferred: number;
  latency: LatencySummary;
}

/** A connection counts for a pod from its first response naming that pod until it closes. */
export interface ConnectionStats {
  /** Open at the end of the interval. */
  open: number;
  /** Newly attributed to this pod / closed, in the interval (or over the run). */
  opened: number;
  closed: number;
  /** Requests sent on this pod's connections in the interval (or run); divided by connections used, requests per connection. */
  requests: number;
}

export interface PodStats extends GroupStats {
  color: string;
  connections: ConnectionStats;
}

/**
 * Every outcome of an interval (or the run) by who it belongs to. Colours and pods fold under OTHER_BUCKET
 * past the run's caps. Sums over `colors` + `frontDoor` + `unknown` equal the bucket's own outcomes (plus
 * skipped); `pods` is a finer split of the colours (a response with a colour and no pod counts in its colour only).
 */
export interface Attribution {
  colors: Record<string, GroupStats>;
  pods: Record<string, PodStats>;
  frontDoor: GroupStats;
  unknown: GroupStats;
}

/** One interval's counts. `byColor`/`byPod` count responses that carried those identities (kept from protocol 1). */
export interface Bucket extends Outcomes {
  byColor: Record<string, number>;
  byPod: Record<string, PodTally>;
  latency: LatencySummary;
  /** Due requests never sent in this interval, by why (see SkipCounts in loadtester/run/engine/engine.ts). */
  skipped: { backoff: number; busy: number };
  attribution: Attribution;
}

export interface RunSettings {
  /** What generates the traffic: a plain `bluegreen load` run, or the embedded demo. */
  mode: 'load' | 'demo';
  target: string;
  /** Requests per second asked; null = as fast as the connections allow. */
  rate: number | null;
  connections: number;
  durationMs: number | null;
  requests: number | null;
  intervalMs: number;
  timeoutMs: number;
  keepAlive: boolean;
  recycle: { afterRequests: number | null; afterMs: number | null } | null;
  /**
   * How the target picks a pod: `service` (L4, once per TCP connection, so kept-alive connections stay on
   * their pods), `ingress` (L7, per request), `gateway` (L7, per request, a backend Service by weight);
   * null when the loadtester cannot know (a plain `load` run).
   */
  frontDoor: 'service' | 'ingress' | 'gateway' | null;
  /**
   * With the `gateway` front door (Gateway API, L7): the HTTPRoute's configured weights by colour (one
   * backend Service per colour). A backend gets weight / sum of the requests; the measured share is in the
   * ticks. Absent for the other front doors and in older streams.
   */
  weights?: Record<string, number>;
  /** Epoch ms when the current run started; null while stopped. */
  startedAt: number | null;
  running: boolean;
  controls: {
    /** start/stop/set-rate from the page, and the demo's rollouts (`--allow-control`). */
    allowed: boolean;
    /** Every control must carry the token (`--control-token`); the token itself is never sent. */
    tokenRequired: boolean;
    maxRate: number;
    /** The run offers rollout/rollback (demo only); usable when `allowed`. */
    rollout: boolean;
    strategies: string[];
  };
}

export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  settings: RunSettings;
  /** The most recent ticks and events, oldest first, bounded by the server. */
  history: { ticks: TickMessage[]; events: EventMessage[] };
}

export interface TickMessage {
  type: 'tick';
  /** Increments by one per tick within a run. */
  seq: number;
  /** Epoch ms at the end of the interval. */
  t: number;
  /** Since the run started, at the end of the interval. */
  elapsedMs: number;
  intervalMs: number;
  bucket: Bucket;
  /** Running totals since the run started. */
  total: Outcomes;
  /** Running attribution since the run started (latency summaries over the whole run so far). */
  totalAttribution: Attribution;
  inFlight: number;
  askedRate: number | null;
  /** Absent from streams of older versions. */
  folded?: FoldCounts;
}

export type SampleOutcome = 'response' | ErrorKind | 'timeout' | 'dropped';

export interface Sample {
  t: number;
  outcome: SampleOutcome;
  status: number | null;
  color: string | null;
  pod: string | null;
  latencyMs: number;
}

/** A bounded handful of individual results for the box grid; never every request. */
export interface SampleMessage {
  type: 'sample';
  samples: Sample[];
}

export const EVENT_KINDS = [
  'pod-added',
  'pod-scheduled',
  'pod-ready',
  'pod-not-ready',
  'pod-terminating',
  'pod-gone',
  'pod-crashed',
  'rollout-started',
  'rollout-step',
  'rollout-progress',
  'rollout-finished',
  'run-started',
  'run-stopped',
  // The Service's endpoints, as its EndpointSlices list them (the truth, before any front door hears of it):
  // added = listed as ready (new traffic goes there); serving = terminating but still serving (used only when
  // no ready endpoint is left); terminating = terminating, not serving; removed = no longer a ready endpoint.
  'endpoint-added',
  'endpoint-serving',
  'endpoint-terminating',
  'endpoint-removed',
  /** A Warning Event about a watched object (failed probe, image pull, scheduling…); `message` says what. */
  'warning',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EventMessage {
  type: 'event';
  t: number;
  kind: EventKind;
  pod?: string;
  color?: string;
  /** Pod events: the pod's ReplicaSet and the version of its template, when the source knows them. */
  replicaSet?: string;
  version?: string;
  /** The Deployment revision of the pod's ReplicaSet (`deployment.kubernetes.io/revision`), when known. */
  revision?: string;
  message?: string;
  /** On rollout-* events: where the rollout stands. */
  rollout?: RolloutProgress;
  /** On endpoint-* events: the endpoint's conditions as the EndpointSlice lists them (null: not listed). */
  endpoint?: EndpointConditions | null;
  /** Where the event came from: the embedded demo or the Kubernetes API (`--kube`). Absent: the loadtester itself. */
  source?: 'demo' | 'kube';
}

/** An EndpointSlice endpoint's conditions (discovery.k8s.io/v1): ready = serving and not terminating. */
export interface EndpointConditions {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/**
 * A rollout's counts, as `kubectl rollout status` reads them from the Deployment. `rollout-progress` is sent
 * whenever one of them changes; `rollout-started` and `rollout-finished` carry them too.
 */
export interface RolloutProgress {
  /** Counts up per rollout, so a finish matches its start (a rollback reuses an older version). */
  id: number;
  strategy: string;
  color: string;
  version: string;
  /** Epoch ms when the rollout started. */
  startedAt: number;
  desired: number;
  /** Ready pods of the new template (terminating ones not counted). */
  newReady: number;
  /** Pods of older templates still alive, terminating ones included. */
  oldRemaining: number;
  /** Ready endpoints the Service selects (what the front door will route to once it hears of them). */
  endpoints: number;
  /** Only on rollout-finished: it completed, or it stopped early (the event's message says why). */
  result?: 'complete' | 'stopped';
  /** The Deployment's revision (its `deployment.kubernetes.io/revision` annotation), when known. */
  revision?: string;
  /** Pods of the new template (any state), ready ones of any template, and available ones (ready for minReadySeconds). */
  updated?: number;
  ready?: number;
  available?: number;
  /** The Deployment's Progressing condition says ProgressDeadlineExceeded: the rollout is stuck. */
  progressDeadlineExceeded?: boolean;
}

/** Why a burst of failures happened, as far as the run's evidence tells (loadtester/count/incidents.ts). */
export const INCIDENT_CAUSES = [
  'no-ready-endpoints',
  'bad-new-version',
  'missing-drain',
  'keep-alive-to-terminating',
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
  /** Failures per pod, most first; `(front door)` and `(unknown)` for those without a pod. */
  pods: Record<string, number>;
  cause: IncidentCause;
  /** One sentence: what happened and what to change. */
  summary: string;
  /** The facts it rests on, one per line. */
  evidence: string[];
}

/** The run's incidents so far, sent whenever they change (the summary's report carries the final list). */
export interface IncidentsMessage {
  type: 'incidents';
  incidents: Incident[];
}

export interface SettingsMessage {
  type: 'settings';
  settings: RunSettings;
}

export interface SummaryMessage {
  type: 'summary';
  report: Report;
  /**
   * The session's goodbye: no run follows and the stream closes right after, so the page keeps this report
   * and says the run finished rather than that it lost the stream. Absent on a run's own summary while the session goes on (`--serve`, the demo).
   */
  final?: true;
}

export interface ControlResultMessage {
  type: 'control-result';
  id?: string;
  ok: boolean;
  error?: string;
  /** Why it was refused, when the page can act on it: `token` (ask for it), `rate-limit` (slow down). */
  reason?: 'token' | 'rate-limit';
}

export type ServerMessage =
  | HelloMessage
  | TickMessage
  | SampleMessage
  | EventMessage
  | SettingsMessage
  | IncidentsMessage
  | SummaryMessage
  | ControlResultMessage;

/** `token`: the control token, when the loadtester requires one (`--control-token`). */
export type ControlMessage = { type: 'control'; id?: string; token?: string } & (
  | { action: 'start' | 'stop' }
  | { action: 'set-rate'; rate: number }
  | { action: 'rollout'; strategy: string; color: string }
  | { action: 'rollback' }
  /** Recycle each connection after this many requests (null: keep connections open), applied to the running run. */
  | { action: 'set-recycle'; afterRequests: number | null }
  /** The gateway's weights by colour (demo --via gateway); colours left out keep theirs. */
  | { action: 'set-weights'; weights: Record<string, number> }
);

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

/** The final report: printed, written by `--json FILE`, and sent as the stream's `summary`. */
/**
 * The run's final report. `failed` counts skipped requests too (they were due and never sent), so
 * `failed` = errors + timeouts + dropped + 1xx/4xx/5xx + skipped; the ticks' Outcomes have no skipped.
 */
export interface Report extends Outcomes {
  /** Requests due (open model: at the asked rate; closed loop: as sent): `due = sent + rate.skipped`. Absent in older reports. */
  due?: number;
  /** Due requests never sent, by why (see SkipCounts in loadtester/run/engine/engine.ts); their sum is `rate.skipped`. Absent in older reports. */
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
