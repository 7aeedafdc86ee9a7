/**
 * `/metrics` on the dashboard server with `--serve`, in Prometheus' text format, so a cluster's Prometheus and
 * Grafana chart the run beside the app's own metrics. Counters add up every tick of every run since the
 * loadtester started (Prometheus counters only reset when the process does):
 *   bluegreen_load_requests_total{group,color,outcome}   every due request once: its colour's, or the
 *       front door's (responses without identity), or unknown's (no response, no connection to blame)
 *   bluegreen_load_pod_requests_total{color,pod,outcome} the finer split of the colours by pod
 *   bluegreen_load_latency_seconds{color}                responses, from each request's due time
 * Labels stay bounded across runs, however many a `--serve` process runs: colours at the tally's 32 for the
 * process's life (later ones read "other"), pods at the tally's 256 of the current run (each run's start
 * drops the previous run's pod series, which Prometheus' rate() reads as a counter reset).
 */
import { Counter, Histogram, Registry } from 'prom-client';
import {
  ERROR_KINDS,
  FRONT_DOOR_KEY,
  MAX_RUN_COLORS,
  OTHER_BUCKET,
  STATUS_CLASSES,
  UNKNOWN_KEY,
  type GroupStats,
} from '../../protocol/outcomes.js';
import type { TickMessage } from '../../protocol/run.js';
import { LATENCY_EDGES_MS } from '../count/histogram.js';
import type { Output } from './output.js';

/** Each way a due request ends, as the `outcome` label. */
function outcomes(g: GroupStats): [string, number][] {
  return [
    ...STATUS_CLASSES.map((c): [string, number] => [c, g.responses[c]]),
    ...ERROR_KINDS.map((k): [string, number] => [k, g.errors[k]]),
    ['timeout', g.timeouts],
    ['dropped', g.dropped],
    ['skipped', g.skipped],
  ];
}

export class LoadMetrics implements Output {
  readonly name = '/metrics';
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'bluegreen_load_requests_total',
    help: 'Requests due by who they belong to (a colour, the front door, or unknown) and how they ended',
    labelNames: ['group', 'color', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly podRequests = new Counter({
    name: 'bluegreen_load_pod_requests_total',
    help: 'Requests by the pod that answered (or whose connection they were on) and how they ended',
    labelNames: ['color', 'pod', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'bluegreen_load_latency_seconds',
    help: 'Response latency by colour, measured from when each request was due (no coordinated omission)',
    labelNames: ['color'] as const,
    buckets: LATENCY_EDGES_MS.map((ms) => ms / 1000),
    registers: [this.registry],
  });
  /** The colour labels given out so far, at most MAX_RUN_COLORS for the process's life. */
  private readonly colors = new Set<string>();

  /** A run starts: its pods are the tally's (at most 256 of them); the previous run's series go. */
  start(): void {
    this.podRequests.reset();
  }

  /** Counts a closed interval's outcomes. */
  tick(tick: TickMessage): void {
    const a = tick.bucket.attribution;
    const add = (counter: Counter<string>, labels: Record<string, string>, g: GroupStats): void => {
      for (const [outcome, n] of outcomes(g)) if (n > 0) counter.inc({ ...labels, outcome }, n);
    };
    for (const [color, g] of Object.entries(a.colors))
      add(this.requests, { group: 'color', color: this.colorLabel(color) }, g);
    add(this.requests, { group: FRONT_DOOR_KEY, color: '' }, a.frontDoor);
    add(this.requests, { group: UNKNOWN_KEY, color: '' }, a.unknown);
    for (const [pod, p] of Object.entries(a.pods))
      add(this.podRequests, { color: this.colorLabel(p.color), pod }, p);
  }

  /** One response's latency; `color` as the response named it (folded here as the tally folds it). */
  response(color: string | null, latencyMs: number): void {
    this.latency.observe({ color: this.colorLabel(color ?? '') }, latencyMs / 1000);
  }

  /** The colour as a label: one of the first MAX_RUN_COLORS the process saw, else "other". */
  private colorLabel(color: string): string {
    if (color === '' || color === OTHER_BUCKET || this.colors.has(color)) return color;
    if (this.colors.size >= MAX_RUN_COLORS) return OTHER_BUCKET;
    this.colors.add(color);
    return color;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
