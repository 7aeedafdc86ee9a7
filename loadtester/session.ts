/**
 * One load session, for `bluegreen load` and `bluegreen demo` alike. It owns the run and the runs restarted
 * from the page, the asked rate (the only place it is kept: runs read it, the stream's settings are derived
 * from it), the signals (the first SIGINT/SIGTERM ends the session with its report, a second exits 130),
 * the dashboard server, the terminal, each run's report (printed, `--json`, thresholds) and the exit code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlRefused } from '../protocol/control.js';
import type { EventMessage } from '../protocol/events.js';
import type { Report } from '../protocol/report.js';
import type { RunSettings, Sample, TickMessage } from '../protocol/run.js';
import type { ControlMessage } from '../protocol/stream.js';
import { UsageError } from '../common/usage-error.js';
import type { LoadOptions } from './options.js';
import { brokenThresholds } from './report/format.js';
import { IncidentFinder } from './count/incidents.js';
import { reportText } from './report/report-text.js';
import { Hub } from './dashboard/hub.js';
import { startLoad, type LoadRun } from './run/run.js';
import { shownTarget } from './run/target.js';
import { Terminal } from './outputs/terminal.js';
import { startUiServer, type UiServer } from './dashboard/ui-server.js';
import { EventLog, TimelineRecorder } from './count/timeline.js';
import { TimelineFile } from './outputs/timeline-rows.js';
import { reportJson } from './report/report-json.js';
import type { LoadMetrics } from './outputs/prom.js';

export interface SessionOptions {
  mode: RunSettings['mode'];
  /** How the target picks pods, when the session knows (the demo's --via); a plain load run does not. */
  frontDoor?: RunSettings['frontDoor'];
  /**
   * The demo's rollout controls: offered on the page, and the handler for the controls the session does not
   * handle itself (rollout, rollback, set-weights). Throwing rejects the control with the error's message.
   */
  rollout?: {
    strategies: readonly string[];
    control(message: ControlMessage): Promise<void> | void;
  };
  /** The gateway's configured weights (the demo's --via gateway), read each time settings are sent. */
  weights?: () => Record<string, number>;
  /** Called as each run ends, before its report is printed. */
  onRunEnd?: (report: Report) => void;
  /** Where the live lines and reports go (stdout by default) and the threshold lines (stderr). */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  err?: NodeJS.WritableStream;
}

/** How long close() waits for the goodbye to leave the sockets before closing them. */
const GOODBYE_FLUSH_MS = 1000;

export type LifecycleEvent = Omit<EventMessage, 'type' | 't'> & { t?: number };

export class LoadSession {
  private rate: number | null;
  /** Connection recycling, kept here like the rate: runs read it, the page may change it. */
  private recycle: LoadOptions['recycle'];
  /** The current run (the first, or the latest restarted from the page); null before start(). */
  private run: LoadRun | null = null;
  private first: LoadRun | null = null;
  private report: Report | null = null;
  /** Reports are printed and written one after another, in the order the runs ended. */
  private reporting: Promise<void> = Promise.resolve();
  /** No new run once the session is finishing. */
  private ending = false;
  private readonly stopper = new AbortController();
  private readonly stopped: Promise<void>;
  private readonly terminal: Terminal;
  private readonly err: NodeJS.WritableStream;
  private ui: { server: UiServer; hub: Hub } | null = null;
  /** The session's lifecycle events, for each run's report (and its replay). */
  private readonly events = new EventLog();
  /** The current run's ticks, for its report's timeline. */
  private timeline = new TimelineRecorder();
  private timelineFile: TimelineFile | null = null;
  /** `/metrics` with --serve. */
  private metrics: LoadMetrics | null = null;
  /** The current run's failures and lifecycle events, explained as incidents. */
  private readonly incidents = new IncidentFinder();
  private incidentsSent = '[]';
  private readonly onSignal = (): void => {
    if (this.stopping.aborted) process.exit(130);
    this.requestStop();
  };

  private constructor(
    private readonly options: LoadOptions,
    private readonly setup: SessionOptions,
  ) {
    this.rate = options.rate;
    this.recycle = options.recycle;
    this.terminal = new Terminal(setup.out ?? process.stdout, options);
    this.err = setup.err ?? process.stderr;
    this.stopped = new Promise((resolve) => this.stopper.signal.addEventListener('abort', () => resolve()));
  }

  /** Starts the dashboard server (with `ui` in the options) and takes over SIGINT and SIGTERM. */
  static async open(options: LoadOptions, session: SessionOptions): Promise<LoadSession> {
    const s = new LoadSession(options, session);
    // A file the run could not write is bad usage now, not a lost report at the end.
    for (const [flag, file] of [
      ['--json', options.jsonFile],
      ['--timeline', options.timelineFile],
      ['--html', options.htmlFile],
    ] as const) {
      if (file) checkWritable(flag, file);
    }
    if (options.serve) {
      const { LoadMetrics } = await import('./outputs/prom.js');
      s.metrics = new LoadMetrics();
    }
    if (options.ui) {
      const hub = new Hub({ settings: () => s.settings(), control: (message) => s.control(message) });
      const { port, host, origins } = options.ui;
      const metrics = s.metrics ?? undefined;
      const server = await startUiServer({ port, host, origins, hub, metrics }).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
        // Through `npm start` the flag has to pass npm first.
        const how = process.env.npm_lifecycle_event === 'start' ? ', e.g. npm start -- --ui 0' : '';
        throw new UsageError(`port ${port} is in use: choose another with --ui (0 = any free port${how})`);
      });
      s.ui = { server, hub };
      s.say(`dashboard: ${server.url}`);
    }
    process.on('SIGINT', s.onSignal);
    process.on('SIGTERM', s.onSignal);
    return s;
  }

  /** Aborted by the first SIGINT/SIGTERM (or requestStop()): the session is ending. */
  get stopping(): AbortSignal {
    return this.stopper.signal;
  }

  get dashboardUrl(): string | null {
    return this.ui?.server.url ?? null;
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

  /** What the page is told about the run, derived from the options and the session's state. */
  settings(): RunSettings {
    const o = this.options;
    const rollout = this.setup.rollout;
    return {
      mode: this.setup.mode,
      target: shownTarget(o.url),
      rate: this.rate,
      connections: o.connections,
      durationMs: o.durationMs,
      requests: o.requests,
      intervalMs: o.intervalMs,
      timeoutMs: o.timeoutMs,
      keepAlive: o.keepAlive,
      recycle: this.recycle,
      frontDoor: this.setup.frontDoor ?? null,
      ...(this.setup.weights ? { weights: this.setup.weights() } : {}),
      startedAt: this.run?.startedAt ?? null,
      running: this.running,
      controls: {
        allowed: o.allowControl,
        tokenRequired: o.controlToken !== null,
        maxRate: o.maxRate,
        rollout: rollout !== undefined,
        strategies: rollout ? [...rollout.strategies] : [],
      },
    };
  }

  /** A line on the terminal, between the live lines. */
  say(line: string): void {
    this.terminal.write(line + '\n');
  }

  /** A lifecycle event on the stream (the demo's pods and rollouts). */
  event(event: LifecycleEvent): void {
    const message: EventMessage = { ...event, type: 'event', t: event.t ?? Date.now() };
    this.events.add(message);
    this.incidents.event(message);
    this.ui?.hub.publish(message);
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
   * report: 0 pass, 1 a threshold was broken.
   */
  async finish(): Promise<number> {
    const first = this.first;
    if (!first) throw new Error('finish() before start()');
    await Promise.race([first.done.then(() => this.reporting), this.stopped]);
    const { serve, durationMs, requests } = this.options;
    if (serve || (durationMs === null && requests === null)) {
      if (serve && this.ui && !this.stopping.aborted) {
        this.say(`serving the dashboard at ${this.ui.server.url} until stopped`);
      }
      await this.stopped;
    }
    this.ending = true;
    if (this.run?.running) await this.run.stop();
    await this.reporting;
    return this.report?.pass === true ? 0 : 1;
  }

  /** Stops a run still going, closes the dashboard server and gives the signals back. */
  async close(): Promise<void> {
    this.ending = true;
    if (this.run?.running) await this.run.stop();
    await this.reporting.catch(() => undefined);
    await this.sayGoodbye();
    await this.ui?.server.close();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  /**
   * The stream's last word: the last report again, marked final, so the page keeps it and says the run
   * finished instead of "disconnected, retrying".
   */
  private async sayGoodbye(): Promise<void> {
    const ui = this.ui;
    if (!ui || !this.report) return;
    ui.hub.publish({ type: 'summary', report: this.report, final: true });
    const deadline = Date.now() + GOODBYE_FLUSH_MS;
    while (ui.hub.bufferedBytes > 0 && Date.now() < deadline) await sleep(10);
  }

  private startRun(): void {
    this.ui?.hub.resetTicks();
    this.timeline = new TimelineRecorder();
    this.timelineFile?.close();
    this.timelineFile = this.options.timelineFile ? TimelineFile.open(this.options.timelineFile) : null;
    this.incidents.newRun();
    this.incidentsSent = '[]';
    this.run = startLoad(this.options, {
      askedRate: () => this.rate,
      recycle: () => this.recycle,
      onResponse: this.metrics ? (color, latencyMs) => this.metrics?.response(color, latencyMs) : undefined,
      onTick: (tick, samples) => this.onTick(tick, samples),
      onReport: (report) => this.onReport(report),
    });
    this.first ??= this.run;
    this.publishSettings();
    this.event({ kind: 'run-started', message: `load on ${shownTarget(this.options.url)}` });
  }

  private onTick(tick: TickMessage, samples: Sample[]): void {
    this.timeline.tick(tick, samples);
    this.timelineFile?.write(tick);
    this.metrics?.tick(tick);
    if (this.incidents.tick(tick) && this.ui) {
      const incidents = this.incidents.incidents();
      const text = JSON.stringify(incidents);
      if (text !== this.incidentsSent) {
        this.incidentsSent = text;
        this.ui.hub.publish({ type: 'incidents', incidents });
      }
    }
    if (this.ui) {
      this.ui.hub.publish(tick);
      if (samples.length > 0) this.ui.hub.publish({ type: 'sample', samples });
    }
    this.terminal.tick(tick);
  }

  private onReport(report: Report): void {
    report.incidents = this.incidents.incidents();
    this.ui?.hub.publish({ type: 'summary', report });
    this.publishSettings();
    this.event({
      kind: 'run-stopped',
      message: report.pass ? 'run ended' : 'run ended: a threshold was broken',
    });
    this.report = report;
    this.timelineFile?.close();
    this.timelineFile = null;
    // The stream's summary stays small; the files get the run's story too.
    const kept: Report = {
      ...report,
      timeline: this.timeline.timeline(this.settings(), this.events.dropped),
      events: [...this.events.events],
    };
    this.setup.onRunEnd?.(report);
    this.reporting = this.reporting.then(() => this.print(kept));
    // A failed --json write surfaces from finish(); until then it must not count as unhandled.
    this.reporting.catch(() => undefined);
  }

  private async print(report: Report): Promise<void> {
    this.terminal.write(reportText(report));
    const file = this.options.jsonFile;
    if (file) await writeFile(file, reportJson(report));
    const html = this.options.htmlFile;
    if (html) {
      const { renderHtmlReport } = await import('./report/html-report.js');
      await writeFile(html, await renderHtmlReport(report));
    }
    for (const line of brokenThresholds(report)) this.err.write(`bluegreen: ${line}\n`);
  }

  /** Something the settings show changed outside the session (the gateway's weights): tell the page. */
  settingsChanged(): void {
    this.publishSettings();
  }

  private publishSettings(): void {
    this.ui?.hub.publish({ type: 'settings', settings: this.settings() });
  }

  /** Recycling after N requests from the page, keeping any age limit from the flags; applies to the running run. */
  private setRecycle(afterRequests: number | null): void {
    if (!this.options.keepAlive)
      throw new Error('keep-alive is off: every request has a connection of its own');
    const afterMs = this.recycle?.afterMs ?? null;
    const recycle = afterRequests === null && afterMs === null ? null : { afterRequests, afterMs };
    const previous = this.recycle;
    this.recycle = recycle;
    try {
      if (this.run?.running) this.run.recycleChanged();
    } catch (error) {
      this.recycle = previous;
      throw error;
    }
    this.publishSettings();
  }

  /** A control from the page; what it throws goes back to the page as the reason. */
  private async control(message: ControlMessage): Promise<void> {
    if (!this.options.allowControl)
      throw new Error('controls are disabled (start the loadtester with --allow-control)');
    this.checkToken(message.token);
    if (message.action === 'rollout' || message.action === 'rollback' || message.action === 'set-weights') {
      const rollout = this.setup.rollout;
      if (!rollout)
        throw new Error(`${message.action} is not available here: only the demo drives rollouts and weights`);
      if (!this.first) throw new Error(`no run yet: start the run before a ${message.action}`);
      return rollout.control(message);
    }
    if (!this.first) throw new Error('no run to control');
    if (message.action === 'set-rate') {
      this.rate = Math.min(message.rate, this.options.maxRate);
      if (this.run?.running) this.run.rateChanged();
      this.publishSettings();
    } else if (message.action === 'set-recycle') {
      this.setRecycle(message.afterRequests);
    } else if (message.action === 'stop') {
      if (!this.run?.running) throw new Error('no run is running');
      await this.run.stop();
    } else {
      if (this.run?.running) throw new Error('a run is already running');
      if (this.ending || this.stopping.aborted) throw new Error('the session is ending');
      // The page never starts a run beyond --max-rate: a command line's higher rate (or `max`) was for
      // the command line's own run.
      if (this.rate === null || this.rate > this.options.maxRate) this.rate = this.options.maxRate;
      this.startRun();
    }
  }

  private checkToken(given: string | undefined): void {
    const token = this.options.controlToken;
    if (token === null) return;
    if (given === undefined || given === '') {
      throw new ControlRefused('this loadtester needs its control token for controls', 'token');
    }
    if (!sameSecret(given, token)) throw new ControlRefused('wrong control token', 'token');
  }
}

/**
 * Says which flag's file the run could not write, without touching the file: a run that fails before its end
 * leaves the previous report there.
 */
function checkWritable(flag: string, file: string): void {
  try {
    const target = resolvePath(file);
    if (existsSync(target)) {
      if (statSync(target).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
      accessSync(target, constants.W_OK);
    } else {
      const dir = dirname(target);
      if (!statSync(dir).isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      accessSync(dir, constants.W_OK);
    }
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`${flag}: cannot write "${file}" (${reason})`);
  }
}

/** Compares in constant time, whatever the lengths (hashes are of equal length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
