/** `--html FILE`: each run as a self-contained dashboard page, written as the run ends. */
import { writeFile } from 'node:fs/promises';
import type { Report } from '../../protocol/report.js';
import type { Output } from './output.js';
import { checkWritable } from './writable.js';

export class HtmlFile implements Output {
  readonly name: string;

  /** Throws UsageError when the file could not be written. */
  constructor(private readonly path: string) {
    checkWritable('--html', path);
    this.name = `--html "${path}"`;
  }

  async report(report: Report): Promise<void> {
    // Loaded only when a page is wanted, and only at the end.
    const { renderHtmlReport } = await import('../report/html-report.js');
    await writeFile(this.path, await renderHtmlReport(report));
  }
}
