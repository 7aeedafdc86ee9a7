/** The report's incidents as text: a line per incident (window, failures, cause), its advice and evidence. */
import type { Incident } from '../../protocol/report.js';
import { printable } from './format.js';
import { describeCounts } from '../count/incidents.js';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function formatIncidents(incidents: readonly Incident[] | undefined): string {
  if (!incidents || incidents.length === 0) return '';
  const lines = ['', `incidents (${incidents.length}):`];
  for (const [i, incident] of incidents.entries()) {
    const { window: w } = incident;
    lines.push(
      `  ${i + 1}. ${secs(w.startMs)}–${secs(w.endMs)}  ${incident.failed} failed (${describeCounts(incident.counts)})  cause: ${incident.cause}`,
      `     ${incident.summary}`,
      ...incident.evidence.map((e) => `     - ${e}`),
    );
  }
  return lines.map((line) => printable(line)).join('\n') + '\n';
}
