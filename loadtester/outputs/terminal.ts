/**
 * A load session's terminal: a live line per interval, a progress bar under it on a TTY, each run's report as
 * text, and other lines (the demo's events) printed without tearing the bar.
 */
import type { Report } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import type { LoadOptions } from '../options.js';
import { liveLine, printable, progressBar } from '../report/format.js';
import { reportText } from '../report/report-text.js';
import type { Output } from './output.js';
import { styled, wantsColor } from './style.js';

export class Terminal implements Output {
  readonly name = 'the terminal';
  private barShown = false;
  private readonly color: boolean;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly options: Pick<LoadOptions, 'quiet' | 'intervalMs' | 'durationMs' | 'requests'> &
      Partial<Pick<LoadOptions, 'color'>>,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    this.color = wantsColor(out, env, options.color ?? true);
  }

  /**
   * Writes text (ending in a newline) where the bar was. Control characters other than newlines are
   * escaped; the formatter's emphasis marks become colour on a TTY (style.ts).
   */
  write(text: string): void {
    this.clear();
    const safe = text
      .split('\n')
      .map((line) => printable(line, true))
      .join('\n');
    this.out.write(styled(safe, this.color));
  }

  tick(tick: TickMessage): void {
    const { quiet, intervalMs, durationMs, requests } = this.options;
    // The closing partial bucket goes to the stream and the report, but its per-second rate would mislead.
    if (quiet || tick.intervalMs < intervalMs / 2) return;
    this.write(liveLine(tick) + '\n');
    if (this.out.isTTY !== true) return;
    let fraction: number | null = null;
    let label = '';
    if (durationMs !== null) {
      fraction = tick.elapsedMs / durationMs;
      label = `${Math.round(tick.elapsedMs / 1000)}s/${Math.round(durationMs / 1000)}s`;
    } else if (requests !== null) {
      fraction = tick.total.sent / requests;
      label = `${tick.total.sent}/${requests} requests`;
    }
    if (fraction !== null) {
      this.out.write(progressBar(fraction, label));
      this.barShown = true;
    }
  }

  report(report: Report): void {
    this.write(reportText(report));
  }

  clear(): void {
    if (this.barShown) this.out.write('\r\x1b[K');
    this.barShown = false;
  }
}
