/**
 * What a session keeps of its runs for their reports: the current run's ticks (its timeline) and incidents,
 * and the session's lifecycle events. Pure: ticks and events go in, the run's report comes out complete.
 */
import type { EventMessage } from '../../protocol/events.js';
import type { Incident, Report } from '../../protocol/report.js';
import type { RunSettings, Sample, TickMessage } from '../../protocol/run.js';
import { IncidentFinder } from '../count/incidents.js';
import { EventLog, TimelineRecorder } from '../count/timeline.js';

export class RunRecord {
  private timeline = new TimelineRecorder();
  private readonly events = new EventLog();
  private readonly finder = new IncidentFinder();

  /** A new run: its ticks and failures start from nothing; the events stay (they are the session's). */
  newRun(): void {
    this.timeline = new TimelineRecorder();
    this.finder.newRun();
  }

  tick(tick: TickMessage, samples: readonly Sample[]): void {
    this.timeline.tick(tick, samples);
    this.finder.tick(tick);
  }

  event(event: EventMessage): void {
    this.events.add(event);
    this.finder.event(event);
  }

  incidents(): Incident[] {
    return this.finder.incidents();
  }

  /** The run's report with its incidents: what the stream's summary says. */
  summary(report: Report): Report {
    return { ...report, incidents: this.finder.incidents() };
  }

  /** The summary with the run's timeline and the session's events: what the files keep. */
  full(summary: Report, settings: RunSettings): Report {
    return {
      ...summary,
      timeline: this.timeline.timeline(settings, this.events.dropped),
      events: [...this.events.events],
    };
  }
}
