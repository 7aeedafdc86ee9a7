/** `bluegreen report RUN.json [--html FILE]`: wiring only — read the saved report → text report (and the page). */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../common/atomic-file.js';
import { UsageError } from '../common/usage-error.js';
import { DashboardNotBuilt, renderHtmlReport } from '../loadtester/report/html-report.js';
import { Terminal } from '../loadtester/outputs/terminal.js';
import { writeThresholdLines } from '../loadtester/outputs/threshold-lines.js';
import type { ReportOptions } from './options.js';
import { parseSavedReport } from './saved-report.js';

export async function runReport(
  options: ReportOptions,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const { file } = options;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read "${file}" (${(error as { code?: string }).code ?? (error as Error).message})`,
    );
  }
  const report = parseSavedReport(text, file);
  if (options.htmlFile) {
    let page: string;
    try {
      page = await renderHtmlReport(report);
    } catch (error) {
      if (error instanceof DashboardNotBuilt) throw new UsageError(error.message);
      throw error;
    }
    try {
      writeFileAtomic(options.htmlFile, page);
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      throw new UsageError(`--html: cannot write "${options.htmlFile}" (${reason})`);
    }
  }
  // The same terminal and text the run printed, so a pipe gets the same bytes.
  const terminal = new Terminal(out, {
    quiet: true,
    intervalMs: 1000,
    durationMs: null,
    requests: null,
    color: options.color,
  });
  terminal.report(report);
  writeThresholdLines(report, err);
  return report.pass ? 0 : 1;
}
