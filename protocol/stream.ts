/**
 * The live stream between the loadtester (or the demo) and the dashboard: JSON text frames on
 * `ws://…/api/stream`, relative to the page's own path. Both ends import this module, so a change
 * here is a type error on both sides.
 *
 * Server → page: `hello` first (settings plus a bounded history so late joiners see charts at once),
 * then `tick` once per interval, `sample` batches for the box grid, `event` for pod and rollout
 * lifecycle, `settings` when the run changes, and `summary` once at the end.
 * Page → server: `control`, accepted only when the run allows it (see RunSettings.controls), checked by
 * control.ts. What the messages carry is defined beside it: the counts in outcomes.ts, the run's settings,
 * ticks and samples in run.ts, the events in events.ts, the report and incidents in report.ts; the identity
 * headers are in identity.ts.
 */
import type { EventMessage } from './events.js';
import type { Incident, Report } from './report.js';
import type { RunSettings, Sample, TickMessage } from './run.js';

export const STREAM_PATH = 'api/stream';
/**
 * Bumped when a message's shape changes in a way an older page would misread. 2: buckets, totals and the
 * report carry attribution (every outcome by colour, pod, front door and unknown).
 */
export const PROTOCOL_VERSION = 2;

export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  settings: RunSettings;
  /** The most recent ticks and events, oldest first, bounded by the server. */
  history: { ticks: TickMessage[]; events: EventMessage[] };
}

/** A bounded handful of individual results for the box grid; never every request. */
export interface SampleMessage {
  type: 'sample';
  samples: Sample[];
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
