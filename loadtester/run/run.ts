/**
 * One load run: the engine sends, the tally counts, a timer closes a bucket per interval. The run knows
 * nothing of the stream or the terminal: it hands each tick and its final report to its owner, and reads
 * the asked rate from the owner (the load session), which is the only place the rate is kept.
 */
import type { FailureKind } from '../../protocol/outcomes.js';
import type { Report } from '../../protocol/report.js';
import type { Sample, SampleOutcome, TickMessage } from '../../protocol/run.js';
import type { LoadOptions } from '../options.js';
import type { EngineOptions, LoadEngine, Recorder, Recycle } from './engine/engine.js';
import { UndiciEngine } from './engine/undici-engine.js';
import { AutocannonEngine } from './engine/autocannon-engine.js';
import { buildReport } from '../report/report.js';
import { describeError } from './classify.js';
import { requestTarget, shownTarget } from './target.js';
import { MAX_DURATION_MS } from '../../common/duration.js';
import { Sampler } from './sampler.js';
import { Tally } from '../count/tally.js';

export const SAMPLES_PER_INTERVAL = 48;
const FAILURE_SAMPLES = 16;
/** How long stop() (and a signal) lets requests in flight finish before cutting them off (counted as dropped). */
export const STOP_GRACE_MS = 2000;
/**
 * At the end of a bounded run, requests in flight end by their own deadline (--timeout, as timeouts); past
 * it and this much more (the deadline is checked periodically), whatever is left is cut off as dropped.
 */
export const FINISH_SLACK_MS = 1000;

/** What a run reads from its options: everything but the rate (asked of the owner) and the session's own. */
export type RunOptions = Omit<
  LoadOptions,
  'rate' | 'recycle' | 'jsonFile' | 'quiet' | 'ui' | 'serve' | 'allowControl' | 'maxRate'
>;

export interface RunOwner {
  /** The asked rate (null = as fast as the connections allow): read at the start, for each tick and for the report. */
  askedRate(): number | null;
  /** Connection recycling, read at the start and again on recycleChanged(). */
  recycle(): Recycle;
  /** Each closed interval, with a bounded handful of its individual results (possibly none). */
  onTick(tick: TickMessage, samples: Sample[]): void;
  /** The final report, once, before `done` resolves. */
  onReport(report: Report): void;
  /** Each response as it arrives (the `/metrics` latency histogram), with the colour it named. */
  onResponse?: (color: string | null, latencyMs: number) => void;
}

export interface LoadRun {
  /** Epoch ms when the run started. */
  readonly startedAt: number;
  /** Resolves with the final report once the run ends (bounded run finished, or stop()). */
  readonly done: Promise<Report>;
  /** Ends the run early; in-flight requests are settled (dropped/timeouts) so the invariant holds. */
  stop(): Promise<Report>;
  /** The owner's asked rate changed: pace from the next request on at what askedRate() now says. */
  rateChanged(): void;
  /** The owner's recycling changed: each connection follows it from its next request. Throws if the engine cannot. */
  recycleChanged(): void;
  readonly running: boolean;
}

export function startLoad(options: RunOptions, owner: RunOwner): LoadRun {
  const { url, headers } = requestTarget(options.url, options.headers);
  const firstErrors: NonNullable<Report['firstErrors']> = {};
  const startedAtEpochMs = Date.now();
  const t0 = performance.now();
  const tally = new Tally();
  // Failures get their own reservoir so a few drops among thousands of responses still reach the box grid.
  const responseSampler = new Sampler(SAMPLES_PER_INTERVAL - FAILURE_SAMPLES);
  const failureSampler = new Sampler(FAILURE_SAMPLES);
  let seq = 0;
  let lastFlushMs = 0;
  let running = true;

  const sample = (
    sampler: Sampler,
    outcome: SampleOutcome,
    status: number | null,
    color: string | null,
    pod: string | null,
    latencyMs: number,
  ): void => {
    const slot = sampler.slot();
    if (slot >= 0)
      sampler.put(slot, {
        t: Date.now(),
        outcome,
        status,
        color,
        pod,
        latencyMs: Math.round(latencyMs * 1000) / 1000,
      });
  };
  const recorder: Recorder = {
    sent: () => tally.sent(),
    unsent: (count) => tally.unsent(count),
    response(status, color, pod, latencyMs, conn, endedAt = performance.now()) {
      tally.response(status, color, pod, latencyMs, endedAt - t0, conn);
      owner.onResponse?.(color, latencyMs);
      sample(status < 400 ? responseSampler : failureSampler, 'response', status, color, pod, latencyMs);
    },
    failure(kind: FailureKind, latencyMs, error, conn) {
      tally.failure(kind, conn);
      if (error !== undefined && firstErrors[kind] === undefined) firstErrors[kind] = describeError(error);
      sample(failureSampler, kind, null, null, null, latencyMs);
    },
    closed: (conn) => tally.closed(conn),
  };

  const engineOptions: EngineOptions = {
    url,
    rate: owner.askedRate(),
    connections: options.connections,
    timeoutMs: options.timeoutMs,
    keepAlive: options.keepAlive,
    recycle: owner.recycle(),
    headers,
    requests: options.requests,
    durationMs: options.durationMs,
    insecure: options.insecure,
    ca: options.ca,
  };
  const engine: LoadEngine =
    options.engine === 'autocannon'
      ? new AutocannonEngine(engineOptions, recorder)
      : new UndiciEngine(engineOptions, recorder);

  // The engine counts skipped requests for the run; each interval gets what was added since the last.
  const skippedSoFar = { backoff: 0, busy: 0 };
  function flush(): TickMessage {
    const elapsedMs = performance.now() - t0;
    const { backoff, busy } = engine.skipped;
    tally.skipped({ backoff: backoff - skippedSoFar.backoff, busy: busy - skippedSoFar.busy });
    skippedSoFar.backoff = backoff;
    skippedSoFar.busy = busy;
    const { bucket, total, totalAttribution, folded } = tally.flush(elapsedMs);
    const tick: TickMessage = {
      type: 'tick',
      seq: seq++,
      t: Date.now(),
      elapsedMs: Math.round(elapsedMs),
      intervalMs: Math.round(elapsedMs - lastFlushMs),
      bucket,
      total,
      totalAttribution,
      inFlight: tally.inFlight,
      askedRate: owner.askedRate(),
      folded,
    };
    lastFlushMs = elapsedMs;
    const samples = [...responseSampler.drain(), ...failureSampler.drain()].sort((a, b) => a.t - b.t);
    owner.onTick(tick, samples);
    return tick;
  }

  const interval = setInterval(flush, options.intervalMs);
  let endTimer: NodeJS.Timeout | null = null;
  let settle!: (report: Report) => void;
  const done = new Promise<Report>((resolve) => (settle = resolve));
  let ending: Promise<Report> | null = null;
  let cutOffAt = Infinity;
  let cutOffTimer: NodeJS.Timeout | null = null;

  /** Aborts whatever is still in flight after `graceMs`, unless an earlier cut-off is already set. */
  function cutOffAfter(graceMs: number): void {
    const at = performance.now() + graceMs;
    if (at >= cutOffAt) return;
    cutOffAt = at;
    if (cutOffTimer) clearTimeout(cutOffTimer);
    cutOffTimer = setTimeout(() => void engine.abort(), Math.min(graceMs, MAX_DURATION_MS));
  }

  function end(how: 'finish' | 'stop'): Promise<Report> {
    // A stop while the run is already finishing (a signal after --duration ran out) shortens the wait.
    if (how === 'stop') cutOffAfter(Math.min(STOP_GRACE_MS, options.timeoutMs));
    if (ending) return ending;
    ending = (async () => {
      if (endTimer) clearTimeout(endTimer);
      cutOffAfter(options.timeoutMs + FINISH_SLACK_MS);
      await engine.finish();
      if (cutOffTimer) clearTimeout(cutOffTimer);
      clearInterval(interval);
      running = false;
      flush();
      const endMs = performance.now() - t0;
      const report = buildReport({
        target: shownTarget(options.url),
        startedAtEpochMs,
        durationMs: endMs,
        sendingMs: (engine.sendingEndedAt ?? performance.now()) - t0,
        total: tally.total,
        colors: tally.colors,
        pods: tally.pods,
        folded: tally.folded,
        switchOver: tally.switchOver,
        latency: tally.runLatency(),
        askedRate: owner.askedRate(),
        skipped: engine.skipped,
        thresholds: options.thresholds,
        firstErrors,
        attribution: tally.runAttribution(),
      });
      owner.onReport(report);
      settle(report);
      return report;
    })();
    return ending;
  }

  engine.onSendingEnded = () => void end('finish');
  if (options.durationMs !== null) endTimer = setTimeout(() => void end('finish'), options.durationMs);

  engine.start();
  return {
    startedAt: startedAtEpochMs,
    done,
    stop: () => end('stop'),
    rateChanged: () => engine.setRate(owner.askedRate()),
    recycleChanged: () => {
      if (!engine.setRecycle)
        throw new Error(`the ${options.engine ?? 'undici'} engine cannot recycle connections`);
      engine.setRecycle(owner.recycle());
    },
    get running() {
      return running;
    },
  };
}
