/**
 * Paced requests that were due and never sent, by why no connection was free within the timeout: every
 * connection was waiting out a backoff after a failure (the target refuses or resets), or every one had a
 * request in flight (the target or the connection count cannot keep up). See docs/loadtester.md.
 */
export interface SkipCounts {
  backoff: number;
  busy: number;
}
