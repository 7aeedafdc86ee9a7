/**
 * RATE_LIMIT: at most `limit` requests per wall-clock second for the whole instance; the rest get 429.
 * A fixed one-second window, like the seed's: simple, and exact enough to show a limit on a chart.
 */
export class RateLimit {
  private windowStart = 0;
  private count = 0;

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; false when it is over the limit for the current second. */
  take(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.count = 0;
    }
    this.count += 1;
    return this.count <= this.limit;
  }
}
