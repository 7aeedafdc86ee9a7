/**
 * One load session, for `bluegreen load` and `bluegreen demo` alike, and only wiring: options → runs →
 * outputs → exit code. It owns the run and the runs restarted from the page, the signals (the first
 * SIGINT/SIGTERM ends the session with its report, a second exits 130, which never leaves a report file
 * partial: they are replaced whole, common/atomic-file.ts) and the exit code. Each tick, event
 * and report goes to every output (terminal, files, the dashboard's stream, `/metrics`) through one fan-out
 * (outputs/fan-out.ts); the page's settings and controls are dashboard/page-controls.ts's.
 */
import type { EventMessage } from '../protocol/events.js';
import type { Report } from '../protocol/report.js';
import type { RunSettings } from '../protocol/run.js';
import type { LoadOptions } from './options.js';
import { openOutputs, type SessionOutputs } from './outputs/open.js';
import { PageControls, type PageSetup } from './dashboard/page-controls.js';
import { RunRecord } from './report/run-record.js';
import { startLoad, type LoadRun } from './run/run.js';
import { shownTarget } from './run/target.js';
import { Terminal } from './outputs/terminal.js';

/** The run finished and passed, but a report file could not be written. */
export const EXIT_FILE_LOST = 3;

export interface SessionOptions extends PageSetup {
  /** Called as each run ends, before its report is printed. */
  onRunEnd?: (report: Report) => void;
  /** Where the live lines and reports go (stdout by default) and the threshold lines (stderr). */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  err?: NodeJS.WritableStream;
}

export type LifecycleEvent = Omit<EventMessage, 'type' | 't'> & { t?: number };

export class LoadSession {
  /** The current run (the first, or the latest restarted from the page); null before start(). */
  private run: LoadRun | null = null;
  private first: LoadRun | null = null;
  private report: Report | null = null;
  /** Reports go out one after another, in the order the runs ended. */
  private reporting: Promise<void> = Promise.resolve();
  /** No new run once the session is finishing. */
  private ending = false;
  private readonly stopper = new AbortController();
  private readonly stopped: Promise<void>;
  private readonly terminal: Terminal;
  private readonly controls: PageControls;
  /** The runs' timelines and incidents and the session's events, for each run's report. */
  private readonly record = new RunRecord();
  private outputs!: SessionOutputs;
  private readonly onSignal = (): void => {
    if (this.stopping.aborted) process.exit(130);
    this.requestStop();
  };

  private constructor(
    private readonly options: LoadOptions,
    private readonly setup: SessionOptions,
  ) {
    this.terminal = new Terminal(setup.out ?? process.stdout, options);
    this.stopped = new Promise((resolve) => this.stopper.signal.addEventListener('abort', () => resolve()));
    this.controls = new PageControls(
      options,
      setup,
      {
        current: () => this.run,
        ending: () => this.ending || this.stopping.aborted,
        startRun: () => this.startRun(),
        settingsChanged: () => this.settingsChanged(),
      },
      setup.err ?? process.stderr,
    );
  }

  /** Opens the outputs (the dashboard server with `ui` in the options) and takes over SIGINT and SIGTERM. */
  static async open(options: LoadOptions, setup: SessionOptions): Promise<LoadSession> {
    const s = new LoadSession(options, setup);
    const { terminal, controls: owner, record } = s;
    const err = setup.err ?? process.stderr;
    s.outputs = await openOutputs(options, { terminal, err, owner, incidents: () => record.incidents() });
    if (s.dashboardUrl) s.say(`dashboard: ${s.dashboardUrl}`);
    process.on('SIGINT', s.onSignal);
    process.on('SIGTERM', s.onSignal);
    return s;
  }

  /** Aborted by the first SIGINT/SIGTERM (or requestStop()): the session is ending. */
  get stopping(): AbortSignal {
    return this.stopper.signal;
  }

  get dashboardUrl(): string | null {
    return this.outputs.stream?.url ?? null;
  }

  get running(): boolean {
    return this.run?.running ?? false;
  }

  /** The report of the run that ended last. */
  get lastReport(): Report | null {
    return this.report;
  }

  /** Ms since the current run started; null before the first. */
  elapsedMs(): number | null {
    return this.run ? Date.now() - this.run.startedAt : null;
  }

  /** What the page is told about the run. */
  settings(): RunSettings {
    return this.controls.settings();
  }

  /** Something the settings show changed outside the session (the gateway's weights): tell the page. */
  settingsChanged(): void {
    this.outputs.fanOut.settings(this.settings());
  }

  /** A line on the terminal, between the live lines. */
  say(line: string): void {
    this.terminal.write(line + '\n');
  }

  /** A lifecycle event on the stream (the demo's pods and rollouts). */
  event(event: LifecycleEvent): void {
    const message: EventMessage = { ...event, type: 'event', t: event.t ?? Date.now() };
    this.record.event(message);
    this.outputs.fanOut.event(message);
  }

  /** Starts the first run. Later runs start from the page. */
  start(): void {
    if (this.first) throw new Error('the session has already started');
    this.startRun();
  }

  /** Ends the session as the first Ctrl-C does. */
  requestStop(): void {
    this.stopper.abort(new Error('stopped'));
  }

  /**
   * Waits until the session is over — the first run ended (unless `serve`, or a run without bound, keeps
   * it going) or a stop was requested — stops the current run and returns the exit code of the last
   * report: 0 pass, 1 a threshold was broken, 3 it passed but a file it is kept in (--json, --html,
   * --timeline) could not be written. A broken threshold is the more important news: 1 whatever the files.
   */
  async finish(): Promise<number> {
    const first = this.first;
    if (!first) throw new Error('finish() before start()');
    await Promise.race([first.done.then(() => this.reporting), this.stopped]);
    const { serve, durationMs, requests } = this.options;
    if (serve || (durationMs === null && requests === null)) {
      if (serve && this.dashboardUrl && !this.stopping.aborted) {
        this.say(`serving the dashboard at ${this.dashboardUrl} until stopped`);
      }
      await this.stopped;
    }
    this.ending = true;
    if (this.run?.running) await this.run.stop();
    await this.reporting;
    if (this.report?.pass !== true) return 1;
    return this.outputs.fanOut.fileLost ? EXIT_FILE_LOST : 0;
  }

  /** Stops a run still going, closes the outputs (the dashboard server with them), gives the signals back. */
  async close(): Promise<void> {
    this.ending = true;
    if (this.run?.running) await this.run.stop();
    await this.reporting;
    await this.outputs.fanOut.close();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private startRun(): void {
    this.record.newRun();
    this.outputs.fanOut.start();
    const { metrics, fanOut } = this.outputs;
    this.run = startLoad(this.options, {
      askedRate: () => this.controls.rate,
      recycle: () => this.controls.recycle,
      onResponse: metrics ? (color, latencyMs) => metrics.response(color, latencyMs) : undefined,
      onTick: (tick, samples) => {
        this.record.tick(tick, samples);
        fanOut.tick(tick, samples);
      },
      onReport: (report) => this.runEnded(report),
    });
    this.first ??= this.run;
    this.settingsChanged();
    this.event({ kind: 'run-started', message: `load on ${shownTarget(this.options.url)}` });
  }

  private runEnded(report: Report): void {
    // Its incidents come before the run's own last event, which is no evidence of them.
    const summary = this.record.summary(report);
    this.report = summary;
    this.event({
      kind: 'run-stopped',
      message: report.pass ? 'run ended' : 'run ended: a threshold was broken',
    });
    this.settingsChanged();
    // The files get the run's story too; the stream's summary leaves it out.
    const full = this.record.full(summary, this.settings());
    this.setup.onRunEnd?.(summary);
    this.reporting = this.reporting.then(() => this.outputs.fanOut.report(full));
  }
}
