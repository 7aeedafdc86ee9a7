/** The loadtester's programmatic surface (see api.ts): used by its CLI and by the demo. */
export type {
  AddLoadFlags,
  LoadHooks,
  LoadOptions,
  LoadRun,
  ResolveLoadOptions,
  StreamHub,
  UiServer,
} from './api.js';
export { addLoadFlags, resolveLoadOptions, parseTarget } from './options.js';
export { startLoad, settingsFor } from './run.js';
export { startUiServer, type UiServerOptions } from './ui-server.js';
export { formatReport, liveLine, progressBar, brokenThresholds } from './format.js';
export { runLoadCommand } from './main.js';

import type { Report } from '../protocol/stream.js';
import { formatReport } from './format.js';

export function printReport(report: Report): void {
  process.stdout.write(formatReport(report));
}
