/**
 * The headline's arithmetic, from ticks: the share of the last few seconds with the requests that got no
 * answer from a pod counted in (so an outage cannot read "100 % green"), and outages themselves. Pure.
 */
import { nameRecord } from '$protocol/outcomes.js';
import type { TickMessage } from '$protocol/run.js';

/** Requests due at the asked rate over these ticks; 0 when the rate is unbounded ("max"). */
export function due(ticks: readonly TickMessage[]): number {
  return ticks.reduce((n, t) => n + ((t.askedRate ?? 0) * t.intervalMs) / 1000, 0);
}

/** Below this many, a shortfall of sent requests is only the pacer's phase against the tick boundary. */
const PACING_SLACK = 1;

/**
 * Due requests not sent in these ticks, from the asked rate: held back (connections backing off, or all
 * busy) or skipped. A moment's view for "now" and the chart's layer: what is held back goes out later, so
 * this is never summed into a total (see notSent).
 */
export function heldBack(ticks: readonly TickMessage[]): number {
  const short = Math.floor(due(ticks) - ticks.reduce((n, t) => n + t.bucket.sent, 0));
  return short > PACING_SLACK ? short : 0;
}

/**
 * Due requests never sent over these ticks (skipped: backed off, or no connection free within the timeout),
 * as the loadtester counted them. Not "due minus sent": a request held back and sent a tick later would
 * count as not sent and then not, and a run's total would go down.
 */
export function notSent(ticks: readonly TickMessage[]): number {
  return ticks.reduce((n, t) => n + t.bucket.skipped.backoff + t.bucket.skipped.busy, 0);
}

function ok(tick: TickMessage): number {
  return tick.bucket.responses['2xx'] + tick.bucket.responses['3xx'];
}

/**
 * Requests of one tick that got no answer from a pod: network errors, timeouts, dropped, and failed
 * responses without identity (the front door's own, as a proxy's 502 when it has no pod to send to).
 */
export function unanswered(tick: TickMessage): number {
  const b = tick.bucket;
  const door = b.attribution.frontDoor.responses;
  return (
    b.errors.refused +
    b.errors.reset +
    b.errors.other +
    b.timeouts +
    b.dropped +
    door['1xx'] +
    door['4xx'] +
    door['5xx']
  );
}

export interface Segment {
  /** A colour, or null for the "no response" segment. */
  color: string | null;
  count: number;
  share: number;
}

/** Shares of everything due over these ticks: a segment per colour, largest first, then "no response". */
export function nowSegments(ticks: readonly TickMessage[]): { segments: Segment[]; total: number } {
  // Colour names come from targets: `__proto__` is a name like any other.
  const byColor = nameRecord<number>();
  for (const tick of ticks) {
    for (const [color, count] of Object.entries(tick.bucket.byColor)) {
      byColor[color] = (byColor[color] ?? 0) + count;
    }
  }
  const missing = ticks.reduce((n, t) => n + unanswered(t), 0) + Math.max(heldBack(ticks), notSent(ticks));
  const counts: [string | null, number][] = Object.entries(byColor).sort(
    ([a, x], [b, y]) => y - x || a.localeCompare(b),
  );
  if (missing > 0) counts.push([null, missing]);
  const total = counts.reduce((n, [, c]) => n + c, 0);
  const segments = counts
    .filter(([, count]) => count > 0)
    .map(([color, count]) => ({ color, count, share: total === 0 ? 0 : count / total }));
  return { segments, total };
}

/** A tick in which requests were due (or sent) and not one got a successful answer. */
export function isDark(tick: TickMessage): boolean {
  const active = due([tick]) > 0 || tick.bucket.sent > 0;
  return active && ok(tick) === 0;
}

export interface Outage {
  /** Epoch ms: the start of the first dark tick. */
  from: number;
  /** Epoch ms: the end of the last dark tick so far. */
  to: number;
  ticks: number;
}

/** An outage is longer than a second and more than one tick (one dark tick can straddle a short hiccup). */
export const OUTAGE_MIN_MS = 1000;

function counts(outage: Outage | null): boolean {
  return outage !== null && outage.ticks > 1 && outage.to - outage.from > OUTAGE_MIN_MS;
}

/** Follows runs of dark ticks: the one going on, and the last one that ended. */
export class OutageTracker {
  current: Outage | null = null;
  last: Outage | null = null;

  tick(tick: TickMessage): void {
    if (isDark(tick)) {
      if (this.current) {
        this.current.to = tick.t;
        this.current.ticks++;
      } else this.current = { from: tick.t - tick.intervalMs, to: tick.t, ticks: 1 };
      return;
    }
    this.end();
  }

  /** The load stopped: an outage going on ends here. */
  end(): void {
    if (counts(this.current)) this.last = this.current;
    this.current = null;
  }

  /** The outage going on, once it counts as one. */
  get ongoing(): Outage | null {
    return counts(this.current) ? this.current : null;
  }

  clear(): void {
    this.current = null;
    this.last = null;
  }
}
