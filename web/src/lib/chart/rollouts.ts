/**
 * Lifecycle events as the charts show them: each rollout a band from its start to its finish, labelled
 * "rolling → green"; pod events and rollout steps only in the tooltip of the second they happened in
 * (or as lines when asked for), so a rollout of many pods does not draw a forest. Pure: no DOM, no chart.
 */
import type { EventKind, EventMessage } from '$protocol/events.js';

export interface RolloutBand {
  /** Epoch ms; null when the start has left the capped event log. */
  start: number | null;
  /** Epoch ms; null while the rollout runs. */
  end: number | null;
  label: string;
  color: string | undefined;
  /** False when it finished without completing (superseded, interrupted, failed). */
  complete: boolean;
}

/**
 * "rolling → green" from the event's rollout progress; from its message when it carries none
 * ("rolling rollout to green (v2)", "rollback to blue (v1)").
 */
export function bandLabel(event: Pick<EventMessage, 'message' | 'color' | 'rollout'>): string {
  if (event.rollout) return `${event.rollout.strategy} → ${event.rollout.color}`;
  const message = event.message ?? '';
  const how =
    /^([a-z][a-z-]*) rollout\b/i.exec(message)?.[1] ??
    (/^rollback\b/i.test(message) ? 'rollback' : 'rollout');
  return event.color ? `${how} → ${event.color}` : how;
}

/**
 * Pairs each rollout-started with its rollout-finished: by the rollout's id when the events carry their
 * progress (the demo's do), else by the driver's description, which the finish repeats before ": complete"
 * (or why it stopped); else the oldest open one. So a superseded rollout that finishes after the next
 * one started still ends its own band.
 */
export function rolloutBands(events: readonly EventMessage[]): RolloutBand[] {
  const bands: RolloutBand[] = [];
  const open: { band: RolloutBand; id: number | undefined; message: string }[] = [];
  for (const e of events) {
    if (e.kind === 'rollout-started') {
      const band: RolloutBand = {
        start: e.t,
        end: null,
        label: bandLabel(e),
        color: e.color,
        complete: false,
      };
      bands.push(band);
      open.push({ band, id: e.rollout?.id, message: e.message ?? '' });
    } else if (e.kind === 'rollout-finished') {
      const message = e.message ?? '';
      const id = e.rollout?.id;
      let i =
        id !== undefined
          ? open.findIndex((o) => o.id === id)
          : open.findIndex((o) => o.message !== '' && message.startsWith(`${o.message}:`));
      if (i < 0 && id === undefined && open.length > 0) i = 0;
      const complete = e.rollout?.result ? e.rollout.result === 'complete' : /: complete$/.test(message);
      if (i >= 0) {
        const band = open.splice(i, 1)[0]!.band;
        band.end = e.t;
        band.complete = complete;
      } else {
        bands.push({ start: null, end: e.t, label: bandLabel(e), color: e.color, complete });
      }
    }
  }
  return bands;
}

/** Run starts and stops: few, and they change what the chart means, so they stay lines. */
export const RUN_KINDS: ReadonlySet<EventKind> = new Set(['run-started', 'run-stopped']);

/**
 * Pod events and rollout steps: drawn only when asked for, otherwise named in the tooltip. Not
 * rollout-progress: it comes with every count that changes, and the rollout banner shows it.
 */
export function isDetailEvent(kind: EventKind): boolean {
  return (
    kind.startsWith('pod-') || kind.startsWith('endpoint-') || kind === 'warning' || kind === 'rollout-step'
  );
}

/** Detail events in the interval that ends at `t` and lasted `intervalMs`: (t - intervalMs, t]. */
export function eventsInInterval(
  events: readonly EventMessage[],
  t: number,
  intervalMs: number,
): EventMessage[] {
  return events.filter((e) => isDetailEvent(e.kind) && e.t > t - intervalMs && e.t <= t);
}
