/**
 * What a load session hands every output (k6's output/types.go: Start, AddMetricSamples, Stop): each step
 * optional, in this order for each run — start, ticks and events (settings whenever they change), report —
 * and close once as the session ends. An output that throws (or whose promise rejects) is dropped by the
 * fan-out (fan-out.ts) with one line naming it; the run and the other outputs go on.
 */
import type { EventMessage } from '../../protocol/events.js';
import type { Report } from '../../protocol/report.js';
import type { RunSettings, Sample, TickMessage } from '../../protocol/run.js';

export interface Output {
  /** How the one line about its failure names it: the flag and its file, or what it serves. */
  readonly name: string;
  /**
   * A file the run is kept in (--json, --html, --timeline): when it fails, a run that passed its thresholds
   * exits 3 instead of 0.
   */
  readonly keepsTheRun?: boolean;
  /** A run starts: the first, or one restarted from the page. */
  start?(): void;
  /** What the page is told about the run changed (rate, recycling, running, the gateway's weights). */
  settings?(settings: RunSettings): void;
  /** A closed interval, with a bounded handful of its individual results (possibly none). */
  tick?(tick: TickMessage, samples: readonly Sample[]): void;
  /** A lifecycle event: the run's own, the demo's pods and rollouts, or the cluster's with --kube. */
  event?(event: EventMessage): void;
  /** The run's report with its incidents, timeline and events; outputs get it one after another. */
  report?(report: Report): Promise<void> | void;
  /** The session ends: what is still open is closed. */
  close?(): Promise<void> | void;
}
