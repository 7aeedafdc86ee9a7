/** Reconnect delays: exponential from `baseMs` to `maxMs`, with ±20 % jitter so many pages do not reconnect in step. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 10_000 };

export function backoffDelay(attempt: number, options = DEFAULT_BACKOFF, random = Math.random): number {
  const raw = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = 1 + (random() * 2 - 1) * 0.2;
  return Math.round(Math.min(options.maxMs, raw * jitter));
}
