/** Builders for stream messages in the dashboard's unit tests (plain data, shaped by protocol/stream.ts). */
import type { EventMessage, RunSettings, Sample, TickMessage } from '../../protocol/stream.js';
import { emptyOutcomes } from '../../protocol/outcomes.js';

export interface TickSpec {
  seq: number;
  t?: number;
  intervalMs?: number;
  byColor?: Record<string, number>;
  byPod?: Record<string, { color: string; count: number }>;
  ok?: number;
  s5xx?: number;
  timeouts?: number;
  p50?: number;
  /** Requests sent in the interval; by default every one that ended in it. */
  sent?: number;
  /** Default 100; null for a run at full speed. */
  askedRate?: number | null;
}

export function tick(spec: TickSpec): TickMessage {
  const byColor = spec.byColor ?? {};
  const ok = spec.ok ?? Object.values(byColor).reduce((a, b) => a + b, 0);
  const s5xx = spec.s5xx ?? 0;
  const timeouts = spec.timeouts ?? 0;
  const bucket = emptyOutcomes();
  bucket.responses['2xx'] = ok;
  bucket.responses['5xx'] = s5xx;
  bucket.timeouts = timeouts;
  bucket.sent = spec.sent ?? ok + s5xx + timeouts;
  bucket.failed = s5xx + timeouts;
  const count = ok + s5xx;
  const p50 = spec.p50 ?? 5;
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
      latency: { count, p50, p90: p50 * 2, p99: p50 * 4, max: p50 * 5, mean: p50 },
    },
    total: emptyOutcomes(),
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
