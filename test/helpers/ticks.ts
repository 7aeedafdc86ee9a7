/** Builders for stream messages in the dashboard's unit tests (plain data, shaped by protocol/stream.ts). */
import type { EventMessage } from '../../protocol/events.js';
import {
  emptyAttribution,
  emptyGroup,
  emptyLatency,
  emptyOutcomes,
  nameRecord,
  type Attribution,
  type GroupStats,
  type LatencySummary,
} from '../../protocol/outcomes.js';
import type { RunSettings, Sample, TickMessage } from '../../protocol/run.js';

export interface TickSpec {
  seq: number;
  t?: number;
  intervalMs?: number;
  /** Successful (200) responses by colour; they are the colour's own and count in `byColor`. */
  byColor?: Record<string, number>;
  /** 500 responses that named their colour: the colour's own failures (they count in `byColor` too). */
  failedByColor?: Record<string, number>;
  /** Responses by pod (200s, part of their colour's); each pod's open connections with `openByPod`. */
  byPod?: Record<string, { color: string; count: number }>;
  openByPod?: Record<string, number>;
  /** Successful responses in all; those past the colours' carry no identity (the front door's). */
  ok?: number;
  /** 5xx responses without identity: the front door's. */
  s5xx?: number;
  /** Timeouts with no connection history: unknown's. */
  timeouts?: number;
  p50?: number;
  /** Requests sent in the interval; by default every one that ended in it. */
  sent?: number;
  /** Default 100; null for a run at full speed. */
  askedRate?: number | null;
  /** The run's attribution so far; default empty. */
  totalAttribution?: Attribution;
}

function latency(count: number, p50: number): LatencySummary {
  return count === 0 ? emptyLatency() : { count, p50, p90: p50 * 2, p99: p50 * 4, max: p50 * 5, mean: p50 };
}

/** A group that got `ok` 200s and `failed` 500s. */
export function group(ok: number, failed = 0, p50 = 5): GroupStats {
  const g = emptyGroup();
  g.sent = ok + failed;
  g.responses['2xx'] = ok;
  g.responses['5xx'] = failed;
  g.failed = failed;
  g.latency = latency(ok + failed, p50);
  return g;
}

/** A count by a name the target chose: `__proto__` is an own key or nothing, never Object.prototype. */
function own(record: Record<string, number>, name: string): number {
  return Object.hasOwn(record, name) ? record[name]! : 0;
}

export function tick(spec: TickSpec): TickMessage {
  const okByColor = spec.byColor ?? {};
  const failedByColor = spec.failedByColor ?? {};
  const colorOk = Object.values(okByColor).reduce((a, b) => a + b, 0);
  const colorFailed = Object.values(failedByColor).reduce((a, b) => a + b, 0);
  const ok = spec.ok ?? colorOk;
  const s5xx = spec.s5xx ?? 0;
  const timeouts = spec.timeouts ?? 0;
  const p50 = spec.p50 ?? 5;
  const bucket = emptyOutcomes();
  bucket.responses['2xx'] = ok;
  bucket.responses['5xx'] = s5xx + colorFailed;
  bucket.timeouts = timeouts;
  bucket.sent = spec.sent ?? ok + s5xx + colorFailed + timeouts;
  bucket.failed = s5xx + colorFailed + timeouts;

  const byColor = nameRecord<number>();
  const attribution = emptyAttribution();
  for (const color of new Set([...Object.keys(okByColor), ...Object.keys(failedByColor)])) {
    const [ok, failed] = [own(okByColor, color), own(failedByColor, color)];
    byColor[color] = ok + failed;
    attribution.colors[color] = group(ok, failed, p50);
  }
  for (const [pod, tally] of Object.entries(spec.byPod ?? {})) {
    const open = own(spec.openByPod ?? {}, pod);
    attribution.pods[pod] = {
      ...group(tally.count, 0, p50),
      color: tally.color,
      connections: { open, opened: 0, closed: 0, requests: tally.count },
    };
  }
  attribution.frontDoor = group(Math.max(0, ok - colorOk), s5xx, p50);
  attribution.unknown.sent = timeouts;
  attribution.unknown.timeouts = timeouts;
  attribution.unknown.failed = timeouts;

  return {
    type: 'tick',
    seq: spec.seq,
    t: spec.t ?? 1_000_000 + spec.seq * 1000,
    elapsedMs: spec.seq * 1000,
    intervalMs: spec.intervalMs ?? 1000,
    bucket: {
      ...bucket,
      byColor,
      byPod: spec.byPod ?? {},
      latency: latency(ok + s5xx + colorFailed, p50),
      skipped: { backoff: 0, busy: 0 },
      attribution,
    },
    total: emptyOutcomes(),
    totalAttribution: spec.totalAttribution ?? emptyAttribution(),
    inFlight: 0,
    askedRate: spec.askedRate === undefined ? 100 : spec.askedRate,
  };
}

export function event(kind: EventMessage['kind'], pod: string, t: number, color?: string): EventMessage {
  return { type: 'event', kind, pod, t, ...(color ? { color } : {}) };
}

export function sample(partial: Partial<Sample> = {}): Sample {
  return {
    t: 0,
    outcome: 'response',
    status: 200,
    color: 'blue',
    pod: 'blue-1',
    latencyMs: 3,
    ...partial,
  };
}

export function settings(partial: Partial<RunSettings> = {}): RunSettings {
  return {
    mode: 'load',
    target: 'http://127.0.0.1:1/',
    rate: 100,
    connections: 10,
    durationMs: 60_000,
    requests: null,
    intervalMs: 1000,
    timeoutMs: 10_000,
    keepAlive: true,
    recycle: null,
    frontDoor: null,
    startedAt: 1_000_000,
    running: true,
    controls: { allowed: false, tokenRequired: false, maxRate: 1000, rollout: false, strategies: [] },
    ...partial,
  };
}
