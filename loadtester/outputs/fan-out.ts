/**
 * Hands each step to every output (k6's output/manager.go). An output that fails — a full disk, a closed
 * socket, a page that cannot be rendered — is that output's problem: said once on the error stream, naming
 * it, then dropped (and closed, quietly) while the run and the other outputs go on.
 */
import type { EventMessage } from '../../protocol/events.js';
import type { Report } from '../../protocol/report.js';
import type { RunSettings, Sample, TickMessage } from '../../protocol/run.js';
import type { Output } from './output.js';

export class FanOut {
  private readonly outputs: Output[];
  /** The dropped outputs' own close(), awaited by close(). */
  private readonly closing: Promise<unknown>[] = [];
  private lostFile = false;

  constructor(
    outputs: readonly Output[],
    private readonly err: NodeJS.WritableStream,
  ) {
    this.outputs = [...outputs];
  }

  start(): void {
    this.each((o) => o.start?.());
  }

  settings(settings: RunSettings): void {
    this.each((o) => o.settings?.(settings));
  }

  tick(tick: TickMessage, samples: readonly Sample[]): void {
    this.each((o) => o.tick?.(tick, samples));
  }

  event(event: EventMessage): void {
    this.each((o) => o.event?.(event));
  }

  /** A file the run is kept in (output.ts's keepsTheRun) failed and was dropped: the session exits 3 if it passed. */
  get fileLost(): boolean {
    return this.lostFile;
  }

  /** One output after another (a terminal's report before the files'); never rejects. */
  report(report: Report): Promise<void> {
    return this.inTurn((o) => o.report?.(report));
  }

  /** Closes every output, then waits for those dropped earlier to finish closing; never rejects. */
  async close(): Promise<void> {
    await this.inTurn((o) => o.close?.(), false);
    this.outputs.length = 0;
    await Promise.allSettled(this.closing);
  }

  private each(step: (output: Output) => unknown): void {
    for (const output of [...this.outputs]) {
      try {
        const result = step(output);
        if (result instanceof Promise) result.catch((error: unknown) => this.drop(output, error));
      } catch (error) {
        this.drop(output, error);
      }
    }
  }

  /**
   * Each output's step in turn, waiting only for those that return a promise: a synchronous output's step
   * happens at once, as it would without the fan-out.
   */
  private async inTurn(step: (output: Output) => unknown, closeDropped = true): Promise<void> {
    for (const output of [...this.outputs]) {
      try {
        const result = step(output);
        if (result instanceof Promise) await result;
      } catch (error) {
        this.drop(output, error, closeDropped);
      }
    }
  }

  private drop(output: Output, error: unknown, close = true): void {
    const at = this.outputs.indexOf(output);
    if (at < 0) return;
    this.outputs.splice(at, 1);
    if (output.keepsTheRun === true) this.lostFile = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.err.write(`bluegreen: ${output.name} failed: ${reason}; dropped, the run goes on without it\n`);
    if (!close) return;
    try {
      const closed = output.close?.();
      if (closed instanceof Promise) this.closing.push(closed.catch(() => undefined));
    } catch {
      // Its failure has been said once already.
    }
  }
}
