/**
 * The dashboard's whole state, fed by stream messages from either source (the loadtester's stream, or the
 * browser mode's own tally). Pure and bounded: a fixed window of points, a capped event log, a capped pod
 * board, a fixed ring of boxes, and per-colour run totals (bounded by the colours seen).
 */
import type { EventMessage } from '$protocol/events.js';
import {
  emptyAttribution,
  emptyOutcomes,
  nameRecord,
  type Attribution,
  type Outcomes,
} from '$protocol/outcomes.js';
import type { Incident, Report } from '$protocol/report.js';
import type { RunSettings, TickMessage } from '$protocol/run.js';
import type { ControlResultMessage, ServerMessage } from '$protocol/stream.js';
import { BoxRing } from './boxes.js';
import { ClusterBoard } from './cluster.js';
import { PodBoard } from './pods.js';
import { MAX_COLORS, OTHER_COLOR, SeriesWindow } from './series.js';

export const MAX_EVENTS = 200;

export interface ControlFeedback {
  ok: boolean;
  error?: string;
  id?: string;
  reason?: ControlResultMessage['reason'];
}

export class DashboardModel {
  settings: RunSettings | null = null;
  readonly series: SeriesWindow;
  readonly pods = new PodBoard();
  readonly cluster = new ClusterBoard();
  readonly boxes = new BoxRing();
  readonly events: EventMessage[] = [];
  /** The run's incidents (live from the stream, final from the summary). */
  incidents: Incident[] = [];
  /** Responses by colour summed over every tick of the current run (the run's share). */
  runByColor: Record<string, number> = nameRecord();
  /** Running totals as of the latest tick. */
  total: Outcomes = emptyOutcomes();
  /** The run's outcomes by colour, pod, front door and unknown, as of the latest tick (the report's once it came). */
  totalAttribution: Attribution = emptyAttribution();
  lastTick: TickMessage | null = null;
  summary: Report | null = null;
  control: ControlFeedback | null = null;

  constructor(windowPoints?: number) {
    this.series = new SeriesWindow(windowPoints);
  }

  apply(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        this.reset();
        this.settings = message.settings;
        for (const event of message.history.events) this.event(event);
        for (const tick of message.history.ticks) this.tick(tick);
        return;
      case 'tick':
        return this.tick(message);
      case 'sample':
        for (const sample of message.samples) this.boxes.push(sample);
        return;
      case 'event':
        return this.event(message);
      case 'settings':
        if (this.settings && message.settings.startedAt !== this.settings.startedAt) this.newRun();
        this.settings = message.settings;
        return;
      case 'summary':
        this.summary = message.report;
        if (message.report.incidents) this.incidents = message.report.incidents;
        // The report's own figures from here on: its latency per group is over the run's responses, where
        // ticks summed again (a replay) can only estimate percentiles from each interval's.
        if (message.report.attribution) {
          this.totalAttribution = message.report.attribution;
          this.pods.runTotals(message.report.attribution);
        }
        return;
      case 'incidents':
        this.incidents = message.incidents;
        return;
      case 'control-result':
        this.control = { ok: message.ok, error: message.error, id: message.id, reason: message.reason };
        return;
    }
  }

  private tick(tick: TickMessage): void {
    const last = this.lastTick;
    if (last && tick.t <= last.t) return;
    if (last && tick.seq <= last.seq) this.newRun();
    this.lastTick = tick;
    this.total = tick.total;
    this.totalAttribution = tick.totalAttribution;
    this.series.add(tick);
    this.pods.tick(tick);
    for (const [color, count] of Object.entries(tick.bucket.byColor)) {
      const key =
        color in this.runByColor || Object.keys(this.runByColor).length < MAX_COLORS ? color : OTHER_COLOR;
      this.runByColor[key] = (this.runByColor[key] ?? 0) + count;
    }
  }

  private event(event: EventMessage): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    this.pods.event(event);
    this.cluster.event(event);
    if (event.kind === 'run-started') this.newRun();
  }

  /** A new run: its totals and report start from zero; the charts keep their window. */
  private newRun(): void {
    this.runByColor = nameRecord();
    this.total = emptyOutcomes();
    this.totalAttribution = emptyAttribution();
    this.summary = null;
    this.incidents = [];
  }

  /** Everything back to empty (a new connection's hello, or the Reset button). */
  reset(): void {
    this.settings = null;
    this.series.clear();
    this.pods.clear();
    this.cluster.clear();
    this.boxes.clear();
    this.events.length = 0;
    this.runByColor = nameRecord();
    this.total = emptyOutcomes();
    this.totalAttribution = emptyAttribution();
    this.lastTick = null;
    this.summary = null;
    this.incidents = [];
    this.control = null;
  }
}
