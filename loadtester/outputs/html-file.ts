/**
 * `--html FILE`: each run as a self-contained dashboard page, written as the run ends, whole or not at all
 * (common/atomic-file.ts): a failure leaves the previous file.
 */
import { writeFileAtomic } from '../../common/atomic-file.js';
import type { Report } from '../../protocol/report.js';
import type { Output } from './output.js';
import { checkWritable } from './writable.js';

export class HtmlFile implements Output {
  readonly name: string;
  readonly keepsTheRun = true;

  /** Throws UsageError when the file could not be written. */
  constructor(private readonly path: string) {
    checkWritable('--html', path);
    this.name = `--html "${path}"`;
  }

  async report(report: Report): Promise<void> {
    // Loaded only when a page is wanted, and only at the end.
    const { renderHtmlReport } = await import('../report/html-report.js');
    writeFileAtomic(this.path, await renderHtmlReport(report));
  }
}
