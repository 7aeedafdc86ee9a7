/**
 * `/cpu/:n` work runs on the app's one JavaScript thread, in slices with the event loop free in between.
 * Slices of concurrent requests all run in the same turn of the loop, so with 150 requests in flight a
 * probe waited 150 slices (1.5 s and more: past the deployed liveness and readiness timeouts). The gate lets
 * one request burn at a time, so a probe waits at most one slice; the rest wait their turn (without using
 * the CPU), and past `maxWaiting` they are turned away at once with 503 rather than queued for minutes.
 */
export class CpuGate {
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly maxWaiting: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once it is this caller's turn; null when the queue is full. */
  enter(): Promise<(() => void) | null> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    };
  }
}
