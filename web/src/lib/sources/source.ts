/** What feeds the dashboard store: the loadtester's stream (live mode), the page's own requests, or a saved run (replay). */
import type { ControlMessage, ServerMessage } from '$protocol/stream.js';
import type { ConnectionState } from '../stores/store.js';

export interface SourceSink {
  message(message: ServerMessage): void;
  connection(state: ConnectionState): void;
}

export interface DataSource {
  readonly kind: 'live' | 'browser' | 'replay';
  start(sink: SourceSink): void;
  stop(): void;
  /** Sends a control to the loadtester; false when there is no open stream to send it on. */
  send(control: ControlMessage): boolean;
}
