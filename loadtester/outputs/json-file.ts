/**
 * `--json FILE`: each run's report, with its timeline and events, written as the run ends, whole or not at
 * all (common/atomic-file.ts): a failure leaves the previous file.
 */
import { writeFileAtomic } from '../../common/atomic-file.js';
import type { Report } from '../../protocol/report.js';
import { reportJson } from '../report/report-json.js';
import type { Output } from './output.js';
import { checkWritable } from './writable.js';

export class JsonFile implements Output {
  readonly name: string;
  readonly keepsTheRun = true;

  /** Throws UsageError when the file could not be written. */
  constructor(private readonly path: string) {
    checkWritable('--json', path);
    this.name = `--json "${path}"`;
  }

  report(report: Report): void {
    writeFileAtomic(this.path, reportJson(report));
  }
}
