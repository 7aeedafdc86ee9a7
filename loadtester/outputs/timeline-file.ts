/** `--timeline FILE`: each run's rows written as its ticks come (the file starts over with each run). */
import type { TickMessage } from '../../protocol/run.js';
import { TimelineFile } from './timeline-rows.js';
import type { Output } from './output.js';
import { checkWritable } from './writable.js';

export class TimelineOutput implements Output {
  readonly name: string;
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

  report(): void {
    this.close();
  }

  close(): void {
    const file = this.file;
    this.file = null;
    file?.close();
  }
}
