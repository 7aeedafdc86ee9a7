/** `--json FILE`: each run's report, with its timeline and events, written as the run ends. */
import { writeFile } from 'node:fs/promises';
import type { Report } from '../../protocol/report.js';
import { reportJson } from '../report/report-json.js';
import type { Output } from './output.js';
import { checkWritable } from './writable.js';

export class JsonFile implements Output {
  readonly name: string;

  /** Throws UsageError when the file could not be written. */
  constructor(private readonly path: string) {
    checkWritable('--json', path);
    this.name = `--json "${path}"`;
  }

  report(report: Report): Promise<void> {
    return writeFile(this.path, reportJson(report));
  }
}
