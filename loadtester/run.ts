/** One load run: the engine sends, the tally counts, a timer closes a bucket per interval. */
import type { Report, RunSettings, SampleOutcome, TickMessage } from '../protocol/stream.js';
import type { LoadHooks, LoadOptions, LoadRun } from './api.js';
import type { EngineOptions, LoadEngine, Recorder } from './engine.js';
import { UndiciEngine } from './undici-engine.js';
import { AutocannonEngine } from './autocannon-engine.js';
import { Hub } from './hub.js';
import { buildReport } from './report.js';
import { Sampler } from './sampler.js';
import type { FailureKind } from '../protocol/outcomes.js';
import { Tally } from './tally.js';

export const SAMPLES_PER_INTERVAL = 48;
const FAILURE_SAMPLES = 16;
/** How long stop() lets requests in flight finish before cutting them off (counted as dropped). */
export const STOP_GRACE_MS = 2000;

/** The RunSettings a run of these options shows on the stream. */
export function settingsFor(options: LoadOptions, mode: RunSettings['mode'] = 'load'): RunSettings {
  return {
    mode,
    target: options.url,
    rate: options.rate,
    connections: options.connections,
    durationMs: options.durationMs,
    requests: options.requests,
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    keepAlive: options.keepAlive,
    recycle: options.recycle,
    startedAt: null,
    running: false,
    controls: { allowed: options.allowControl, maxRate: options.maxRate, rollout: false, strategies: [] },
  };
}

export function startLoad(options: LoadOptions, hooks: LoadHooks = {}): LoadRun {
  const url = new URL(options.url);
  const startedAtEpochMs = Date.now();
  const t0 = performance.now();
  const tally = new Tally();
  // Failures get their own reservoir so a few drops among thousands of responses still reach the box grid.
  const responseSampler = new Sampler(SAMPLES_PER_INTERVAL - FAILURE_SAMPLES);
  const failureSampler = new Sampler(FAILURE_SAMPLES);
  const hub = hooks.hub;
  let askedRate = options.rate;
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
    response(status, color, pod, latencyMs) {
      tally.response(status, color, pod, latencyMs, performance.now() - t0);
      sample(status < 400 ? responseSampler : failureSampler, 'response', status, color, pod, latencyMs);
    },
    failure(kind: FailureKind, latencyMs) {
      tally.failure(kind);
      sample(failureSampler, kind, null, null, null, latencyMs);
    },
  };

  const engineOptions: EngineOptions = {
    url,
    rate: options.rate,
    connections: options.connections,
    timeoutMs: options.timeoutMs,
    keepAlive: options.keepAlive,
    recycle: options.recycle,
    headers: options.headers,
    requests: options.requests,
  };
  const engine: LoadEngine =
    options.engine === 'autocannon'
      ? new AutocannonEngine(engineOptions, recorder)
      : new UndiciEngine(engineOptions, recorder);

  function flush(): TickMessage {
    const elapsedMs = performance.now() - t0;
    const { bucket, total } = tally.flush(elapsedMs);
    const tick: TickMessage = {
      type: 'tick',
      seq: seq++,
      t: Date.now(),
      elapsedMs: Math.round(elapsedMs),
      intervalMs: Math.round(elapsedMs - lastFlushMs),
      bucket,
      total,
      inFlight: tally.inFlight,
      askedRate,
    };
    lastFlushMs = elapsedMs;
    const samples = [...responseSampler.drain(), ...failureSampler.drain()].sort((a, b) => a.t - b.t);
    if (hub) {
      hub.publish(tick);
      if (samples.length > 0) hub.publish({ type: 'sample', samples });
    }
    hooks.onTick?.(tick);
    return tick;
  }

  const interval = setInterval(flush, options.intervalMs);
  let endTimer: NodeJS.Timeout | null = null;
  let settle!: (report: Report) => void;
  const done = new Promise<Report>((resolve) => (settle = resolve));
  let ending: Promise<Report> | null = null;

  function end(how: 'finish' | 'stop'): Promise<Report> {
    if (ending) return ending;
    ending = (async () => {
      if (endTimer) clearTimeout(endTimer);
      if (how === 'finish') await engine.finish();
      else {
        const grace = setTimeout(() => void engine.abort(), Math.min(STOP_GRACE_MS, options.timeoutMs));
        await engine.finish();
        clearTimeout(grace);
      }
      clearInterval(interval);
      running = false;
      flush();
      const endMs = performance.now() - t0;
      const report = buildReport({
        target: options.url,
        startedAtEpochMs,
        durationMs: endMs,
        sendingMs: (engine.sendingEndedAt ?? performance.now()) - t0,
        total: tally.total,
        colors: tally.colors,
        pods: tally.pods,
        switchOver: tally.switchOver,
        latency: tally.runLatency(),
        askedRate,
        skipped: engine.skipped,
        thresholds: options.thresholds,
      });
      if (hub) {
        hub.publish({ type: 'summary', report });
        hub.updateSettings({ running: false });
        hub.event({
          kind: 'run-stopped',
          message: report.pass ? 'run ended' : 'run ended: a threshold was broken',
        });
      }
      hooks.onReport?.(report);
      settle(report);
      return report;
    })();
    return ending;
  }

  engine.onSendingEnded = () => void end('finish');
  if (options.durationMs !== null) endTimer = setTimeout(() => void end('finish'), options.durationMs);

  const run: LoadRun = {
    done,
    stop: () => end('stop'),
    setRate(rate) {
      askedRate = rate;
      engine.setRate(rate);
    },
    get running() {
      return running;
    },
  };

  if (hub) {
    if (hub instanceof Hub) {
      hub.resetTicks();
      hub.attachRun({
        running: () => run.running,
        stop: () => run.stop(),
        setRate: (rate) => run.setRate(rate),
        restart: (rate) => void startLoad({ ...options, rate }, hooks),
      });
    }
    hub.updateSettings({
      ...settingsFor(options, hub.settings().mode),
      controls: hub.settings().controls,
      startedAt: startedAtEpochMs,
      running: true,
    });
    hub.event({ kind: 'run-started', message: `load on ${options.url}` });
  }
  engine.start();
  return run;
}
