/**
 * How many controls one stream connection may send: a token bucket, `perSecond` on average with bursts
 * of up to `burst`. A page clicking buttons stays far below; a script flooding controls (40 rollouts at
 * once) gets the rest refused instead of acted on.
 */
export const CONTROLS_PER_SECOND = 10;
export const CONTROL_BURST = 10;

export class ControlLimit {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond = CONTROLS_PER_SECOND,
    private readonly burst = CONTROL_BURST,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** True (and one token spent) when a control may go through now. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
