/**
 * Open-model pacing: request k is due at anchor + k / rate, so sends are spread evenly through each
 * second instead of bursting at its start. Pure arithmetic on a caller-supplied clock (ms).
 */
export class Pacer {
  private anchorMs: number;
  private issued = 0;
  private intervalMs: number;

  constructor(rate: number, startMs: number) {
    this.intervalMs = 1000 / rate;
    this.anchorMs = startMs;
  }

  /** When the next request is due. */
  nextDueMs(): number {
    return this.anchorMs + this.issued * this.intervalMs;
  }

  /** Takes the next due time if it is at or before `nowMs`; null otherwise. */
  take(nowMs: number): number | null {
    const due = this.nextDueMs();
    if (due > nowMs) return null;
    this.issued++;
    return due;
  }

  /**
   * Changes the rate from now on: the next request is due no later than it was, and no earlier than now
   * (a faster rate must not turn the time since the last send into a burst).
   */
  setRate(rate: number, nowMs: number): void {
    const next = this.nextDueMs();
    const last = this.issued > 0 ? next - this.intervalMs : -Infinity;
    this.intervalMs = 1000 / rate;
    this.anchorMs = Math.min(next, Math.max(nowMs, last + this.intervalMs));
    this.issued = 0;
  }
}
