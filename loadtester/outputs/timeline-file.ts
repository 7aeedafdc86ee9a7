/**
 * `--timeline FILE`: each run's rows written as its ticks come, to `FILE.partial`, renamed to FILE as the
 * run ends (common/atomic-file.ts): FILE is always a whole run's rows (the previous run's until this one
 * ends), and a run that dies keeps what it wrote in `FILE.partial`.
 */
import type { TickMessage } from '../../protocol/run.js';
import { TimelineFile } from './timeline-rows.js';
import type { Output } from './output.js';
import { checkWritable } from './writable.js';

export class TimelineOutput implements Output {
  readonly name: string;
  readonly keepsTheRun = true;
  private file: TimelineFile | null = null;

  /** Throws UsageError when the file could not be written. */
  constructor(private readonly path: string) {
    checkWritable('--timeline', path);
    this.name = `--timeline "${path}"`;
  }

  start(): void {
    this.close();
    this.file = TimelineFile.open(this.path);
  }

  tick(tick: TickMessage): void {
    this.file?.write(tick);
  }

  /** The run is complete: its rows replace the previous run's. */
  report(): void {
    const file = this.file;
    this.file = null;
    file?.finish();
  }

  /** Not complete (dropped, or closed before its report): the partial file stays as it is. */
  close(): void {
    const file = this.file;
    this.file = null;
    file?.abandon();
  }
}
