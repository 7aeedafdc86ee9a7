/**
 * How long a failed list or watch waits before it tries again, as client-go's reflector does it
 * (k8s.io/client-go/tools/cache/reflector.go, with wait.NewExponentialBackoffManager): 800 ms doubling to
 * 30 s, jittered, and back to the start only once the resource has gone 2 minutes without a failure. A
 * `Retry-After` from the server is honoured when it asks for longer. No I/O: the clock and the dice are
 * passed in, so the arithmetic is tested directly.
 */

export interface BackoffSettings {
  /** The first wait. */
  minMs: number;
  /** No wait is longer (unless the server's Retry-After asks for more). */
  maxMs: number;
  /** This long without a failure and the next one waits minMs again. */
  resetAfterMs: number;
  /** A Retry-After longer than this is taken as this (a hostile or broken server could ask for a year). */
  retryAfterMaxMs: number;
}

export const CLIENT_GO_BACKOFF: BackoffSettings = {
  minMs: 800,
  maxMs: 30_000,
  resetAfterMs: 120_000,
  retryAfterMaxMs: 600_000,
};

export class Backoff {
  private failures = 0;
  private lastFailureAt = -Infinity;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Counts a failure; returns how long to wait before the next try. */
  failure(retryAfterMs: number | null = null): number {
    const now = this.now();
    if (now - this.lastFailureAt > this.settings.resetAfterMs) this.failures = 0;
    this.lastFailureAt = now;
    this.failures++;
    const { minMs, maxMs, retryAfterMaxMs } = this.settings;
    const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(this.failures - 1, 52));
    // Half fixed, half random: never a burst of retries at once, never less than half the step.
    const wait = ceiling / 2 + this.random() * (ceiling / 2);
    return retryAfterMs === null ? wait : Math.max(wait, Math.min(retryAfterMs, retryAfterMaxMs));
  }
}
