/** The run's incidents on the dashboard's stream, sent again whenever a failing interval changes them. */
import type { Incident } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import type { ServerMessage } from '../../protocol/stream.js';
import { mayChangeIncidents } from '../count/incidents.js';
import type { Output } from './output.js';

export class IncidentFeed implements Output {
  readonly name = 'the incident feed';
  private sent = '[]';

  constructor(
    /** The run's incidents so far (the session's record, fed each tick before the outputs). */
    private readonly incidents: () => Incident[],
    private readonly stream: { publish(message: ServerMessage): void },
  ) {}

  start(): void {
    this.sent = '[]';
  }

  tick(tick: TickMessage): void {
    if (!mayChangeIncidents(tick)) return;
    const incidents = this.incidents();
    const text = JSON.stringify(incidents);
    if (text === this.sent) return;
    this.sent = text;
    this.stream.publish({ type: 'incidents', incidents });
  }
}
