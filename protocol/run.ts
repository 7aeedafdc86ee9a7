/**
 * A run as the stream tells it (stream.ts sends these; the saved timeline in timeline.ts keeps them): its
 * settings, one tick per interval, and individual samples for the box grid.
 */
import type { Attribution, Bucket, ErrorKind, FoldCounts, Outcomes } from './outcomes.js';

export interface RunSettings {
  /** What generates the traffic: a plain `bluegreen load` run, or the embedded demo. */
  mode: 'load' | 'demo';
  target: string;
  /** Requests per second asked; null = as fast as the connections allow. */
  rate: number | null;
  connections: number;
  durationMs: number | null;
  requests: number | null;
  intervalMs: number;
  timeoutMs: number;
  keepAlive: boolean;
  recycle: { afterRequests: number | null; afterMs: number | null } | null;
  /**
   * How the target picks a pod: `service` (L4, once per TCP connection, so kept-alive connections stay on
   * their pods), `ingress` (L7, per request), `gateway` (L7, per request, a backend Service by weight);
   * null when the loadtester cannot know (a plain `load` run).
   */
  frontDoor: 'service' | 'ingress' | 'gateway' | null;
  /**
   * With the `gateway` front door (Gateway API, L7): the HTTPRoute's configured weights by colour (one
   * backend Service per colour). A backend gets weight / sum of the requests; the measured share is in the
   * ticks. Absent for the other front doors and in older streams.
   */
  weights?: Record<string, number>;
  /** Epoch ms when the current run started; null while stopped. */
  startedAt: number | null;
  running: boolean;
  controls: {
    /** start/stop/set-rate from the page, and the demo's rollouts (`--allow-control`). */
    allowed: boolean;
    /** Every control must carry the token (`--control-token`); the token itself is never sent. */
    tokenRequired: boolean;
    maxRate: number;
    /** The run offers rollout/rollback (demo only); usable when `allowed`. */
    rollout: boolean;
    strategies: string[];
  };
}

export interface TickMessage {
  type: 'tick';
  /** Increments by one per tick within a run. */
  seq: number;
  /** Epoch ms at the end of the interval. */
  t: number;
  /** Since the run started, at the end of the interval. */
  elapsedMs: number;
  intervalMs: number;
  bucket: Bucket;
  /** Running totals since the run started. */
  total: Outcomes;
  /** Running attribution since the run started (latency summaries over the whole run so far). */
  totalAttribution: Attribution;
  inFlight: number;
  askedRate: number | null;
  /** Absent from streams of older versions. */
  folded?: FoldCounts;
}

export type SampleOutcome = 'response' | ErrorKind | 'timeout' | 'dropped';

export interface Sample {
  t: number;
  outcome: SampleOutcome;
  status: number | null;
  color: string | null;
  pod: string | null;
  latencyMs: number;
}
