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

  /** Changes the rate from the next due request on, without a burst or a gap. */
  setRate(rate: number): void {
    this.anchorMs = this.nextDueMs();
    this.issued = 0;
    this.intervalMs = 1000 / rate;
  }
}
