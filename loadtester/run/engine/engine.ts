/**
 * The engine contract: what a run needs from whatever sends its requests (undici-engine.ts by default,
 * autocannon-engine.ts for raw throughput), and what an engine reports back.
 */
import type { FailureKind } from '../../../protocol/outcomes.js';
import type { ConnectionTrack } from '../../count/connection-track.js';
import type { SkipCounts } from '../../count/skip-counts.js';

/** Receives exactly one outcome for every request counted as sent. */
export interface Recorder {
  sent(): void;
  /** Takes back requests counted as sent that the engine abandoned when it was stopped (raw mode only). */
  unsent(count: number): void;
  response(
    status: number,
    color: string | null,
    pod: string | null,
    latencyMs: number,
    conn: ConnectionTrack,
    /** When the response ended, on performance.now()'s clock, if the engine read it already; else now. */
    endedAt?: number,
  ): void;
  /**
   * `error`, when there is one, is what the engine saw: the run describes the first of each kind. Called
   * before the connection's socket is reported closed, so the failure still sees the connection's pod.
   */
  failure(kind: FailureKind, latencyMs: number, error: unknown, conn: ConnectionTrack): void;
  /** The connection's socket closed (or was replaced): the next socket may reach another pod. */
  closed(conn: ConnectionTrack): void;
}

export type Recycle = { afterRequests: number | null; afterMs: number | null } | null;

export interface EngineOptions {
  /** Without credentials: those are in `headers` (authorization). */
  url: URL;
  rate: number | null;
  connections: number;
  /** Each request's whole deadline, from its dispatch (connect included) to its last byte. */
  timeoutMs: number;
  keepAlive: boolean;
  recycle: Recycle;
  headers: Record<string, string>;
  requests: number | null;
  /**
   * How long the run sends (--duration), from start(): a paced request due at or after that moment is not
   * the run's, even when the end of the run comes late on a busy machine. null: until stopped.
   */
  durationMs: number | null;
  /** TLS: skip certificate verification (`--insecure`), or trust only these CA certificates (`--ca`, PEM). */
  insecure: boolean;
  ca: string | null;
}

/** What a run needs from whichever engine sends its requests. */
export interface LoadEngine {
  readonly inFlight: number;
  readonly skipped: Readonly<SkipCounts>;
  readonly sendingEndedAt: number | null;
  onSendingEnded: (() => void) | null;
  start(): void;
  setRate(rate: number | null): void;
  /** Recycling changed mid-run: applies from each connection's next request. Absent: the engine cannot recycle. */
  setRecycle?(recycle: Recycle): void;
  /** Stops sending; resolves once every request in flight has settled (each by its deadline at the latest). */
  finish(): Promise<void>;
  /** Stops sending and cuts requests in flight off (they end as dropped). */
  abort(): Promise<void>;
}
