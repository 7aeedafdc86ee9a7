/**
 * The story of each rollout, from the stream: its progress (from the demo's rollout events) and what the
 * load saw while it ran (from the ticks): failures by kind and when, time without ready endpoints or
 * without a successful answer, the worst latency. Also the headline's recent ticks and outages. Pure and
 * bounded; a Svelte store on top that redraws with the dashboard store.
 */
import type { EventMessage, RolloutProgress } from '$protocol/events.js';
import type { TickMessage } from '$protocol/run.js';
import type { ServerMessage } from '$protocol/stream.js';
import { COUNTED_KINDS, NOT_SENT } from '../failures.js';
import { isDark, notSent, nowSegments, OutageTracker, type Outage, type Segment } from './headline.js';

export const MAX_ROLLOUTS = 10;
/** The headline's "now": the last few ticks. */
export const RECENT_TICKS = 5;
/**
 * After its last old pod is gone, a rollout's failures go on while the front door still sends there (an
 * Ingress hears of the endpoint's removal a propagation delay later): failing intervals right after it
 * are the rollout's, up to this long.
 */
export const AFTERMATH_MS = 5000;

interface RolloutRecord {
  progress: RolloutProgress;
  finishedAt: number | null;
  /** The finish event's message: how it ended. */
  message: string | null;
  /** Pods that began terminating since it started and are not gone yet: its drain goes on until they are. */
  draining: Set<string>;
  /** When its last old pod was gone, or its finish when none was left draining; null until then. */
  drainedAt: number | null;
  /** When its aftermath ended: the first interval after drainedAt without failures (or AFTERMATH_MS on). */
  settledAt: number | null;
  byKind: Record<string, number>;
  failureWindow: { from: number; to: number } | null;
  noEndpointsMs: number;
  noEndpointsSince: number | null;
  darkMs: number;
  worstLatencyMs: number | null;
}

/** One rollout as the page shows it. Times are epoch ms; durations ms. */
export interface RolloutSummary {
  id: number;
  progress: RolloutProgress;
  running: boolean;
  result: RolloutProgress['result'] | null;
  message: string | null;
  startedAt: number;
  durationMs: number;
  /** Failures by kind (COUNTED_KINDS keys, and NOT_SENT's). */
  byKind: Record<string, number>;
  failed: number;
  /**
   * Once finished: its old pods still draining (terminating, not gone), and over the last few ticks the share
   * of the answers they gave and the connections open to them. Their failures are the rollout's too.
   */
  draining: { pods: string[]; share: number; connections: number } | null;
  /** When its aftermath ended (finished, and its last old pod gone); null until then. */
  settledAt: number | null;
  failureWindow: { from: number; to: number } | null;
  noEndpointsMs: number;
  /** Time in ticks with requests due and not one successful answer. */
  darkMs: number;
  worstLatencyMs: number | null;
}

export interface RolloutView {
  /** Newest first. */
  rollouts: RolloutSummary[];
  headline: { segments: Segment[]; total: number; outage: Outage | null; lastOutage: Outage | null };
  notSent: { run: number; last: number | null };
  /** The latest time the stream has told of (no clock of its own, so replays and tests are exact). */
  now: number;
}

export class RolloutTracker {
  private readonly records: RolloutRecord[] = [];
  private readonly recent: TickMessage[] = [];
  private readonly outages = new OutageTracker();
  private runNotSent = 0;
  private lastTick: TickMessage | null = null;
  private startedAt: number | null = null;
  private latest = 0;

  apply(message: ServerMessage): void {
    switch (message.type) {
      case 'hello': {
        this.reset();
        this.startedAt = message.settings.startedAt;
        // Ticks carry their end time; merged by time so each falls into the rollouts known by then.
        const { events, ticks } = message.history;
        const merged = [...events, ...ticks].sort((a, b) => a.t - b.t);
        for (const m of merged) this.apply(m);
        return;
      }
      case 'tick':
        return this.tick(message);
      case 'event':
        return this.event(message);
      case 'settings':
        if (message.settings.startedAt !== this.startedAt) {
          if (this.startedAt !== null) this.newRun();
          this.startedAt = message.settings.startedAt;
        }
        return;
      default:
        return;
    }
  }

  private tick(tick: TickMessage): void {
    const last = this.lastTick;
    if (last && tick.t <= last.t) return;
    if (last && tick.seq <= last.seq) this.newRun();
    this.lastTick = tick;
    this.latest = Math.max(this.latest, tick.t);
    this.recent.push(tick);
    if (this.recent.length > RECENT_TICKS) this.recent.shift();
    this.outages.tick(tick);
    this.runNotSent += notSent([tick]);
    const from = tick.t - tick.intervalMs;
    const failing = tick.bucket.failed > 0 || notSent([tick]) > 0;
    for (const r of this.records) {
      if (tick.t <= r.progress.startedAt || (r.settledAt !== null && from >= r.settledAt)) continue;
      if (r.drainedAt !== null && from >= r.drainedAt) {
        if (!failing || tick.t - r.drainedAt > AFTERMATH_MS) {
          r.settledAt = from;
          continue;
        }
      }
      for (const kind of COUNTED_KINDS) r.byKind[kind.key] = (r.byKind[kind.key] ?? 0) + kind.of(tick.bucket);
      r.byKind[NOT_SENT.key] = (r.byKind[NOT_SENT.key] ?? 0) + notSent([tick]);
      if (failing) {
        r.failureWindow = { from: r.failureWindow?.from ?? from, to: tick.t };
      }
      if (isDark(tick)) r.darkMs += tick.intervalMs;
      if (tick.bucket.latency.count > 0) {
        r.worstLatencyMs = Math.max(r.worstLatencyMs ?? 0, tick.bucket.latency.max);
      }
    }
  }

  private event(event: EventMessage): void {
    this.latest = Math.max(this.latest, event.t);
    if (event.kind === 'run-started') this.newRun();
    if (event.kind === 'run-stopped') this.outages.end();
    if (event.pod !== undefined) this.podEvent(event.kind, event.pod, event.t);
    const progress = event.rollout;
    if (!progress || !event.kind.startsWith('rollout-')) return;
    let r = this.records.find((x) => x.progress.id === progress.id);
    if (!r) {
      r = {
        progress,
        finishedAt: null,
        message: null,
        draining: new Set(),
        drainedAt: null,
        settledAt: null,
        byKind: {},
        failureWindow: null,
        noEndpointsMs: 0,
        noEndpointsSince: null,
        darkMs: 0,
        worstLatencyMs: null,
      };
      this.records.push(r);
      if (this.records.length > MAX_ROLLOUTS) this.records.shift();
    }
    if (r.finishedAt !== null) return;
    r.progress = progress;
    if (progress.endpoints === 0) r.noEndpointsSince ??= event.t;
    else if (r.noEndpointsSince !== null) {
      r.noEndpointsMs += event.t - r.noEndpointsSince;
      r.noEndpointsSince = null;
    }
    if (event.kind === 'rollout-finished') {
      r.finishedAt = event.t;
      r.message = event.message ?? null;
      if (r.draining.size === 0) r.drainedAt = event.t;
      if (r.noEndpointsSince !== null) r.noEndpointsMs += event.t - r.noEndpointsSince;
      r.noEndpointsSince = null;
    }
  }

  /**
   * A rollout's old pods: those that begin terminating while it runs. Once it finished, its drain lasts
   * until the last of them is gone (a draining pod still answers, or fails, on its kept-alive connections).
   */
  private podEvent(kind: EventMessage['kind'], pod: string, t: number): void {
    for (const r of this.records) {
      if (r.drainedAt !== null) continue;
      if (kind === 'pod-terminating' && r.finishedAt === null) r.draining.add(pod);
      else if ((kind === 'pod-gone' || kind === 'pod-crashed') && r.draining.delete(pod)) {
        if (r.finishedAt !== null && r.draining.size === 0) r.drainedAt = t;
      }
    }
  }

  /** A new run of the load: its own totals and outages; the rollouts stay. */
  private newRun(): void {
    this.recent.length = 0;
    this.outages.clear();
    this.runNotSent = 0;
  }

  reset(): void {
    this.records.length = 0;
    this.newRun();
    this.lastTick = null;
    this.startedAt = null;
    this.latest = 0;
  }

  view(): RolloutView {
    const now = this.latest;
    const rollouts = this.records.map((r): RolloutSummary => {
      const byKind = { [NOT_SENT.key]: 0, ...r.byKind };
      const end = r.finishedAt ?? now;
      return {
        id: r.progress.id,
        progress: { ...r.progress },
        running: r.finishedAt === null,
        result: r.progress.result ?? null,
        message: r.message,
        startedAt: r.progress.startedAt,
        durationMs: Math.max(0, end - r.progress.startedAt),
        byKind,
        failed: Object.values(byKind).reduce((a, b) => a + b, 0),
        draining: r.finishedAt !== null && r.drainedAt === null ? this.drainingNow(r.draining) : null,
        settledAt: r.settledAt,
        failureWindow: copy(r.failureWindow),
        noEndpointsMs:
          r.noEndpointsMs + (r.noEndpointsSince !== null ? Math.max(0, now - r.noEndpointsSince) : 0),
        darkMs: r.darkMs,
        worstLatencyMs: r.worstLatencyMs,
      };
    });
    const { segments, total } = nowSegments(this.recent);
    const last = this.lastTick;
    return {
      rollouts: rollouts.reverse(),
      headline: { segments, total, outage: copy(this.outages.ongoing), lastOutage: copy(this.outages.last) },
      notSent: { run: this.runNotSent, last: last ? notSent([last]) : null },
      now,
    };
  }

  /** Draining pods, with their share of the recent answers and the connections open to them at the last tick. */
  private drainingNow(pods: ReadonlySet<string>): NonNullable<RolloutSummary['draining']> {
    let on = 0;
    let all = 0;
    for (const tick of this.recent) {
      for (const [pod, tally] of Object.entries(tick.bucket.byPod)) {
        all += tally.count;
        if (pods.has(pod)) on += tally.count;
      }
    }
    const attribution = this.lastTick?.bucket.attribution.pods ?? {};
    let connections = 0;
    for (const pod of pods)
      connections += Object.hasOwn(attribution, pod) ? attribution[pod]!.connections.open : 0;
    return { pods: [...pods].sort(), share: all === 0 ? 0 : on / all, connections };
  }
}

function copy<T extends object>(value: T | null): T | null {
  return value && { ...value };
}

export interface RolloutStore {
  subscribe(run: (view: RolloutView) => void): () => void;
  apply(message: ServerMessage): void;
  reset(): void;
}

/**
 * The tracker as a Svelte store that notifies whenever `redraw` does (the dashboard store, which
 * throttles), so both stores' views change together. Feed it the same messages as the dashboard store.
 */
export function createRolloutStore(redraw: { subscribe(run: () => void): () => void }): RolloutStore {
  const tracker = new RolloutTracker();
  return {
    subscribe: (run) => redraw.subscribe(() => run(tracker.view())),
    apply: (message) => tracker.apply(message),
    reset: () => tracker.reset(),
  };
}
