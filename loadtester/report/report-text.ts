/** The final report as text: what a run prints at its end and `bluegreen report` prints again, byte for byte. */
import type { Report } from '../../protocol/report.js';
import { formatReport } from './format.js';
import { formatIncidents } from './incidents-text.js';

export function reportText(report: Report): string {
  return formatReport(report) + formatIncidents(report.incidents);
}
