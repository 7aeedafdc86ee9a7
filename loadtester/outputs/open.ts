/**
 * A session's outputs, opened in the order a failure should be found: the files first (one the run could
 * not write is bad usage before any port is taken), then `/metrics` and the dashboard server. A new format
 * is a new output file and a line here.
 */
import type { Incident } from '../../protocol/report.js';
import type { LoadOptions } from '../options.js';
import type { HubOwner } from '../dashboard/hub.js';
import type { LoadMetrics } from './prom.js';
import type { Terminal } from './terminal.js';
import { FanOut } from './fan-out.js';
import { HtmlFile } from './html-file.js';
import { IncidentFeed } from './incident-feed.js';
import { JsonFile } from './json-file.js';
import type { Output } from './output.js';
import { StreamOutput } from './stream.js';
import { ThresholdLines } from './threshold-lines.js';
import { TimelineOutput } from './timeline-file.js';

export interface SessionOutputs {
  fanOut: FanOut;
  /** The dashboard's stream, with `--ui`. */
  stream: StreamOutput | null;
  /** `/metrics`, with `--serve`: it also counts each response's latency. */
  metrics: LoadMetrics | null;
}

export async function openOutputs(
  options: LoadOptions,
  session: {
    terminal: Terminal;
    err: NodeJS.WritableStream;
    /** The dashboard's owner: the settings a page is shown and what its controls do. */
    owner: HubOwner;
    /** The run's incidents so far. */
    incidents: () => Incident[];
  },
): Promise<SessionOutputs> {
  const json = options.jsonFile ? new JsonFile(options.jsonFile) : null;
  const timeline = options.timelineFile ? new TimelineOutput(options.timelineFile) : null;
  const html = options.htmlFile ? new HtmlFile(options.htmlFile) : null;
  // prom-client is loaded only with --serve.
  const metrics = options.serve ? new (await import('./prom.js')).LoadMetrics() : null;
  const stream = options.ui ? await StreamOutput.open(options.ui, session.owner, metrics ?? undefined) : null;
  const feed = stream && new IncidentFeed(session.incidents, stream.hub);
  // In the order each step reaches them: a run's report on the terminal before its files.
  const outputs: (Output | null)[] = [
    timeline,
    metrics,
    feed,
    stream,
    session.terminal,
    json,
    html,
    new ThresholdLines(session.err),
  ];
  return {
    fanOut: new FanOut(
      outputs.filter((o): o is Output => o !== null),
      session.err,
    ),
    stream,
    metrics,
  };
}
