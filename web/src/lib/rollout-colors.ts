/** Which colour the demo's pods run now, and which one a rollout should offer by default. */
import type { EventMessage } from '$protocol/events.js';
import type { PodTile } from './stores/pods.js';

/** The roll-out bar's choices: our own constants, so they are safe in a style attribute. */
export const ROLLOUT_SWATCHES = ['blue', 'green', 'orange', 'purple', 'teal'] as const;

/** The target of the latest rollout; before any, the colour most ready pods run; null when nothing is known. */
export function currentColor(events: readonly EventMessage[], pods: readonly PodTile[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.kind === 'rollout-started' && event.color) return event.color;
  }
  const counts = new Map<string, number>();
  for (const pod of pods) {
    if (pod.state === 'ready' && pod.color) counts.set(pod.color, (counts.get(pod.color) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [color, n] of counts) if (best === null || n > counts.get(best)!) best = color;
  return best;
}

/** Blue-green's other colour: green while the pods run blue (or anything else), blue while they run green. */
export function defaultRolloutColor(current: string | null): string {
  return current === 'green' ? 'blue' : 'green';
}
