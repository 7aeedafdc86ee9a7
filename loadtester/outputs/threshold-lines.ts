/** A line on the error stream per broken threshold: after a run's report, and after `bluegreen report`'s. */
import type { Report } from '../../protocol/report.js';
import { brokenThresholds } from '../report/format.js';
import type { Output } from './output.js';

export function writeThresholdLines(report: Report, err: NodeJS.WritableStream): void {
  for (const line of brokenThresholds(report)) err.write(`bluegreen: ${line}\n`);
}

export class ThresholdLines implements Output {
  readonly name = 'the threshold lines';

  constructor(private readonly err: NodeJS.WritableStream) {}

  report(report: Report): void {
    writeThresholdLines(report, this.err);
  }
}
