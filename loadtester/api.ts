/**
 * The loadtester's programmatic surface, used by its own CLI and by the demo (which runs the loadtester
 * in-process and feeds the same stream with lifecycle events). Implemented in loadtester/index.ts.
 */
import type { Command } from 'commander';
import type {
  ControlMessage,
  EventMessage,
  Report,
  RunSettings,
  ServerMessage,
  TickMessage,
} from '../protocol/stream.js';

export interface LoadOptions {
  /** Absolute http(s) URL, sent as given. */
  url: string;
  /** Requests per second, paced evenly (open model); null = as fast as the connections allow. */
  rate: number | null;
  connections: number;
  /** Exactly one of durationMs / requests bounds a run; both null = until stopped (--serve). */
  durationMs: number | null;
  requests: number | null;
  timeoutMs: number;
  keepAlive: boolean;
  recycle: { afterRequests: number | null; afterMs: number | null } | null;
  headers: Record<string, string>;
  intervalMs: number;
  jsonFile: string | null;
  quiet: boolean;
  thresholds: { maxErrors: number | null; maxErrorRate: number | null; maxP99Ms: number | null };
  /** `--ui [PORT]`: serve the dashboard and /api/stream; null = no UI. */
  ui: { port: number; host: string } | null;
  /** `--serve`: keep running (and serving the UI) until stopped. */
  serve: boolean;
  allowControl: boolean;
  maxRate: number;
  /**
   * `undici` (default): every request accounted for, paced, recyclable. `autocannon`: raw throughput at
   * maximum rate only, with autocannon's known blind spot for requests cut off mid-flight.
   */
  engine?: 'undici' | 'autocannon';
}

/** Adds the loadtester's flags to a command, so `load` and `demo` take them with the same names and meaning. */
export type AddLoadFlags = (command: Command) => Command;

/** Validates the parsed flags (and env) into LoadOptions; throws UsageError on bad input. */
export type ResolveLoadOptions = (
  url: string,
  flags: Record<string, unknown>,
  env?: NodeJS.ProcessEnv,
) => LoadOptions;

export interface StreamHub {
  /** Broadcast to every client; ticks and events also go into the bounded history a late joiner receives. */
  publish(message: ServerMessage): void;
  /** Convenience for lifecycle events: stamps `type` and (unless given) `t`, then publishes. */
  event(event: Omit<EventMessage, 'type' | 't'> & { t?: number }): void;
  settings(): RunSettings;
  /** Merges into the run settings and broadcasts a `settings` message. */
  updateSettings(patch: Partial<RunSettings>): void;
  /**
   * Registers a handler for control messages the loadtester itself does not handle (the demo's rollout
   * and rollback). Throwing rejects the control with the error's message.
   */
  onControl(handler: (message: ControlMessage) => Promise<void> | void): void;
  readonly clientCount: number;
}

export interface UiServer {
  /** e.g. http://127.0.0.1:8090/ */
  url: string;
  port: number;
  hub: StreamHub;
  close(): Promise<void>;
}

export interface LoadRun {
  /** Resolves with the final report once the run ends (bounded run finished, or stop()). */
  readonly done: Promise<Report>;
  /** Ends the run early; in-flight requests are settled (dropped/timeouts) so the invariant holds. */
  stop(): Promise<Report>;
  /** Changes the paced rate from the next request on (null = as fast as the connections allow). */
  setRate(rate: number | null): void;
  readonly running: boolean;
}

export interface LoadHooks {
  /** When given, ticks, samples, settings and the summary are published here. */
  hub?: StreamHub;
  onTick?: (tick: TickMessage) => void;
  /** Called with each run's final report, also for runs restarted from the page. */
  onReport?: (report: Report) => void;
}
