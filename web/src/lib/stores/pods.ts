/**
 * Pod tiles: one entry per pod, from lifecycle events (added, ready, terminating, gone…) and from traffic
 * (a pod that answers but was never announced is "seen"). Pure and bounded: gone pods and pods that stopped
 * answering are forgotten after a while, and there are never more than `maxPods`.
 */
import type { EventMessage, TickMessage } from '../../../../protocol/stream.js';

export type PodState = 'seen' | 'starting' | 'ready' | 'not-ready' | 'draining' | 'gone' | 'crashed';

export interface PodTile {
  name: string;
  color: string | null;
  state: PodState;
  /** Responses per second in the latest tick. */
  rate: number;
  /** Responses since the dashboard started watching this pod. */
  count: number;
  /** Epoch ms of the last event or response. */
  lastActivity: number;
  /** Order of first appearance, for a stable layout. */
  order: number;
}

export interface PodOptions {
  maxPods: number;
  /** A gone pod stays this long (greyed) so its disappearance is visible, then is removed. */
  goneTtlMs: number;
  /** A pod known only from traffic is removed after this long without a response. */
  idleTtlMs: number;
}

export const DEFAULT_POD_OPTIONS: PodOptions = { maxPods: 48, goneTtlMs: 60_000, idleTtlMs: 120_000 };

const EVENT_STATE: Partial<Record<EventMessage['kind'], PodState>> = {
  'pod-added': 'starting',
  'pod-ready': 'ready',
  'pod-not-ready': 'not-ready',
  'pod-terminating': 'draining',
  'pod-gone': 'gone',
  'pod-crashed': 'crashed',
};

export class PodBoard {
  private readonly pods = new Map<string, PodTile>();
  private nextOrder = 0;

  constructor(readonly options: PodOptions = DEFAULT_POD_OPTIONS) {}

  private ensure(name: string, t: number, state: PodState): PodTile {
    let pod = this.pods.get(name);
    if (!pod) {
      pod = { name, color: null, state, rate: 0, count: 0, lastActivity: t, order: this.nextOrder++ };
      this.pods.set(name, pod);
    }
    return pod;
  }

  event(event: EventMessage): void {
    const state = EVENT_STATE[event.kind];
    if (!state || !event.pod) return;
    const pod = this.ensure(event.pod, event.t, state);
    pod.state = state;
    if (event.color) pod.color = event.color;
    pod.lastActivity = Math.max(pod.lastActivity, event.t);
    if (state === 'gone') pod.rate = 0;
    this.prune(event.t);
  }

  tick(tick: TickMessage): void {
    const perSecond = 1000 / Math.max(1, tick.intervalMs);
    for (const pod of this.pods.values()) pod.rate = 0;
    for (const [name, tally] of Object.entries(tick.bucket.byPod)) {
      if (tally.count <= 0) continue;
      const pod = this.ensure(name, tick.t, 'seen');
      pod.color = tally.color || pod.color;
      pod.rate = tally.count * perSecond;
      pod.count += tally.count;
      pod.lastActivity = tick.t;
    }
    this.prune(tick.t);
  }

  private prune(now: number): void {
    const { goneTtlMs, idleTtlMs, maxPods } = this.options;
    for (const [name, pod] of this.pods) {
      const idle = now - pod.lastActivity;
      if (pod.state === 'gone' && idle > goneTtlMs) this.pods.delete(name);
      else if (pod.state === 'seen' && idle > idleTtlMs) this.pods.delete(name);
    }
    if (this.pods.size <= maxPods) return;
    // Over the cap: drop gone pods first, then the longest idle.
    const victims = [...this.pods.values()].sort(
      (a, b) => Number(b.state === 'gone') - Number(a.state === 'gone') || a.lastActivity - b.lastActivity,
    );
    for (const pod of victims.slice(0, this.pods.size - maxPods)) this.pods.delete(pod.name);
  }

  /** Copies: tiles change in place, and a keyed {#each} only re-renders items that are new objects. */
  list(): PodTile[] {
    return [...this.pods.values()].sort((a, b) => a.order - b.order).map((pod) => ({ ...pod }));
  }

  get size(): number {
    return this.pods.size;
  }

  clear(): void {
    this.pods.clear();
    this.nextOrder = 0;
  }
}
