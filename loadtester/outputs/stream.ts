/**
 * The dashboard's stream (`/api/stream` through the hub): settings, ticks, samples, events and each run's
 * summary; closing it says goodbye and closes the dashboard server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventMessage } from '../../protocol/events.js';
import type { Report } from '../../protocol/report.js';
import type { RunSettings, Sample, TickMessage } from '../../protocol/run.js';
import { UsageError } from '../../common/usage-error.js';
import type { LoadOptions } from '../options.js';
import { Hub, type HubOwner } from '../dashboard/hub.js';
import { startUiServer, type UiServer, type UiServerOptions } from '../dashboard/ui-server.js';
import type { Output } from './output.js';

/** How long close() waits for the goodbye to leave the sockets before closing them. */
const GOODBYE_FLUSH_MS = 1000;

export class StreamOutput implements Output {
  readonly name: string;
  /** The last run's summary, said again as the stream's goodbye. */
  private summary: Report | null = null;

  private constructor(
    readonly hub: Hub,
    private readonly server: UiServer,
  ) {
    this.name = `the dashboard stream (${server.url})`;
  }

  /** Starts the dashboard server (`--ui`); a port in use is bad usage. */
  static async open(
    ui: NonNullable<LoadOptions['ui']>,
    owner: HubOwner,
    metrics?: UiServerOptions['metrics'],
  ): Promise<StreamOutput> {
    const hub = new Hub(owner);
    const { port, host, origins } = ui;
    const server = await startUiServer({ port, host, origins, hub, metrics }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
      // Through `npm start` the flag has to pass npm first.
      const how = process.env.npm_lifecycle_event === 'start' ? ', e.g. npm start -- --ui 0' : '';
      throw new UsageError(`port ${port} is in use: choose another with --ui (0 = any free port${how})`);
    });
    return new StreamOutput(hub, server);
  }

  get url(): string {
    return this.server.url;
  }

  start(): void {
    this.hub.resetTicks();
  }

  settings(settings: RunSettings): void {
    this.hub.publish({ type: 'settings', settings });
  }

  tick(tick: TickMessage, samples: readonly Sample[]): void {
    this.hub.publish(tick);
    if (samples.length > 0) this.hub.publish({ type: 'sample', samples: [...samples] });
  }

  event(event: EventMessage): void {
    this.hub.publish(event);
  }

  /** The stream's summary stays small: the run's timeline and events are for the files. */
  report(report: Report): void {
    const { timeline: _timeline, events: _events, ...summary } = report;
    this.summary = summary;
    this.hub.publish({ type: 'summary', report: summary });
  }

  async close(): Promise<void> {
    try {
      await this.sayGoodbye();
    } finally {
      await this.server.close();
    }
  }

  /**
   * The stream's last word: the last summary again, marked final, so the page keeps it and says the run
   * finished instead of "disconnected, retrying".
   */
  private async sayGoodbye(): Promise<void> {
    if (!this.summary) return;
    this.hub.publish({ type: 'summary', report: this.summary, final: true });
    const deadline = Date.now() + GOODBYE_FLUSH_MS;
    while (this.hub.bufferedBytes > 0 && Date.now() < deadline) await sleep(10);
  }
}
