/**
 * Fault injection: a share of requests answered 500 and added latency, from ERROR_RATE and LATENCY_MS at
 * start and changeable at runtime through /api/faults. Routes marked `exempt` (probes, metrics, the fault
 * endpoint itself, the dashboard's files) and the page a browser gets from `/` are never touched.
 */
import type { LatencyRange } from '../common/parsers.js';

export interface FaultSettings {
  errorRate: number;
  latencyMs: { min: number; max: number };
}

export class Faults {
  errorRate: number;
  latency: LatencyRange;

  constructor(
    errorRate: number,
    latency: LatencyRange,
    private readonly random: () => number = Math.random,
  ) {
    this.errorRate = errorRate;
    this.latency = latency;
  }

  get active(): boolean {
    return this.errorRate > 0 || this.latency.maxMs > 0;
  }

  /** Milliseconds to hold this request (0 = none). */
  nextDelayMs(): number {
    const { minMs, maxMs } = this.latency;
    return minMs === maxMs ? minMs : minMs + Math.round(this.random() * (maxMs - minMs));
  }

  /** Whether this request gets an injected 500. */
  nextIsError(): boolean {
    return this.errorRate > 0 && this.random() < this.errorRate;
  }

  get settings(): FaultSettings {
    return { errorRate: this.errorRate, latencyMs: { min: this.latency.minMs, max: this.latency.maxMs } };
  }
}
