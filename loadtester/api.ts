/**
 * The loadtester's options: what `load` and `demo` resolve their load flags into, and the signatures of the
 * functions that do it (implemented in loadtester/options.ts). A load session (loadtester/session.ts) runs
 * on these options for both commands.
 */
import type { Command } from 'commander';
import type { AddSettingsOptions } from '../common/settings.js';
import type { LOAD_TABLE } from './options.js';

export interface LoadOptions {
  /** Absolute http(s) URL, sent as given (credentials in it as basic auth); shown without credentials. */
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
  /** `--timeline FILE.csv|.ndjson`: a row per interval and colour, written as the run goes. */
  timelineFile?: string | null;
  /** `--html FILE`: the run as a self-contained dashboard page, written at the end (loadtester/report/html-report.ts). */
  htmlFile?: string | null;
  quiet: boolean;
  /** false with `--no-color`; colour is used only on a TTY without NO_COLOR (loadtester/outputs/style.ts). */
  color: boolean;
  thresholds: Thresholds;
  /**
   * `--ui [PORT]`: serve the dashboard and /api/stream; null = no UI. `origins`: pages on these origins
   * may open the stream besides the dashboard's own (`--ui-origin`).
   */
  ui: { port: number; host: string; origins?: readonly string[] } | null;
  /** `--serve`: keep running (and serving the UI) until stopped. */
  serve: boolean;
  allowControl: boolean;
  maxRate: number;
  /** `--control-token`: when set, every control from the page must carry it. Never sent to a page. */
  controlToken: string | null;
  /**
   * `undici` (default): every request accounted for, paced, recyclable. `autocannon`: raw throughput at
   * maximum rate only, with autocannon's known blind spot for requests cut off mid-flight.
   */
  engine?: 'undici' | 'autocannon';
  /** `--insecure`: the target's TLS certificate is not verified. */
  insecure: boolean;
  /** `--kube`: watch the cluster behind the target and stream its changes as events; absent/null = no. */
  kube?: KubeOptions | null;
  /** `--ca FILE`: the PEM text of the CA certificates trusted for the target (instead of the system's). */
  ca: string | null;
}

/** Limits that fail a run (exit 1). Percentages are in percent (0.5 = 0.5 %). */
export interface Thresholds {
  maxErrors: number | null;
  /** The whole run's error rate, skipped requests included. */
  maxErrorRate: number | null;
  maxP99Ms: number | null;
  /** `--max-error-rate green:0.5%`: colour → limit, over that colour's requests only. Absent: none. */
  colorMaxErrorRate?: Record<string, number>;
  /** `--max-p99 green:250`: colour → limit in ms, over that colour's responses only. */
  colorMaxP99Ms?: Record<string, number>;
  /** `--compare blue,green --max-regression 20%`: the candidate's error rate and p99 against the baseline's. */
  compare?: { baseline: string; candidate: string; maxRegression: number } | null;
}

/** Adds the loadtester's flags to a command, so `load` and `demo` take them with the same names and meaning. */
export type AddLoadFlags = (command: Command, options?: AddSettingsOptions<typeof LOAD_TABLE>) => Command;

/** Validates the parsed flags (and env) into LoadOptions; throws UsageError on bad input. */
export type ResolveLoadOptions = (
  url: string,
  flags: Record<string, unknown>,
  env?: NodeJS.ProcessEnv,
) => LoadOptions;

/** What `--kube` watches: the pods matching `selector` in `namespace`, their owners, and the Service's endpoints. */
export interface KubeOptions {
  /** A kubeconfig context; null = the current one (or the in-cluster account). */
  context: string | null;
  /** null = the context's namespace (in a pod: its own), else `default`. */
  namespace: string | null;
  /** A label selector for the app's pods, e.g. `app.kubernetes.io/name=bluegreen`. */
  selector: string;
  /** The Service whose EndpointSlices are watched; null = no endpoint events. */
  service: string | null;
}
