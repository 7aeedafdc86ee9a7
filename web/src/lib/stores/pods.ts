/**
 * Pod tiles: one entry per pod, from lifecycle events (added, ready, terminating, gone…) and from traffic
 * (a pod that answers but was never announced is "seen"). Pure and bounded: gone pods and pods that stopped
 * answering are forgotten after a while, and there are never more than `maxPods`.
 */
import type { EventMessage } from '$protocol/events.js';
import type { Attribution } from '$protocol/outcomes.js';
import type { TickMessage } from '$protocol/run.js';

export type PodState = 'seen' | 'starting' | 'ready' | 'not-ready' | 'draining' | 'gone' | 'crashed';

export interface PodTile {
  name: string;
  color: string | null;
  /** From the pod's lifecycle events; null for a pod known only from traffic. */
  replicaSet: string | null;
  version: string | null;
  state: PodState;
  /** Responses per second in the latest tick. */
  rate: number;
  /** Responses since the dashboard started watching this pod. */
  count: number;
  /** Failed requests that belong to this pod over the run (from the stream's attribution). */
  failed: number;
  /** Of those, failures with no response attributed from the connection's history. */
  inferred: number;
  /** The pod's p99 over the run (ms), as its colour's in the Outcomes table; null before it answered. */
  p99: number | null;
  /** Connections open to the pod at the latest tick. */
  open: number;
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
      pod = {
        name,
        color: null,
        replicaSet: null,
        version: null,
        state,
        rate: 0,
        count: 0,
        failed: 0,
        inferred: 0,
        p99: null,
        open: 0,
        lastActivity: t,
        order: this.nextOrder++,
      };
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
    if (event.replicaSet) pod.replicaSet = event.replicaSet;
    if (event.version) pod.version = event.version;
    pod.lastActivity = Math.max(pod.lastActivity, event.t);
    if (state === 'gone') pod.rate = 0;
    this.prune(event.t);
  }

  tick(tick: TickMessage): void {
    const perSecond = 1000 / Math.max(1, tick.intervalMs);
    for (const pod of this.pods.values()) {
      pod.rate = 0;
      pod.open = 0;
    }
    for (const [name, tally] of Object.entries(tick.bucket.byPod)) {
      if (tally.count <= 0) continue;
      const pod = this.ensure(name, tick.t, 'seen');
      pod.color = tally.color || pod.color;
      pod.rate = tally.count * perSecond;
      pod.count += tally.count;
      pod.lastActivity = tick.t;
    }
    // A pod that only failed in the interval (its resets inferred from the connection) still gets a tile.
    for (const [name, stats] of Object.entries(tick.bucket.attribution.pods)) {
      const active = stats.sent > 0 || stats.connections.open > 0;
      const pod = active ? this.ensure(name, tick.t, 'seen') : this.pods.get(name);
      if (!pod) continue;
      if (active) pod.lastActivity = tick.t;
      pod.color = stats.color || pod.color;
      pod.open = stats.connections.open;
    }
    this.runTotals(tick.totalAttribution);
    this.prune(tick.t);
  }

  /** Each pod's failures and p99 over the run (the latest tick's running attribution, or the report's). */
  runTotals(run: Attribution): void {
    for (const pod of this.pods.values()) {
      const stats = Object.hasOwn(run.pods, pod.name) ? run.pods[pod.name] : undefined;
      pod.failed = stats?.failed ?? 0;
      pod.inferred = stats?.inferred ?? 0;
      pod.p99 = stats && stats.latency.count > 0 ? stats.latency.p99 : null;
    }
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

/**
 * Pods of one ReplicaSet (one template: a colour and a version). Pods known only from traffic join the
 * ReplicaSet their Kubernetes name implies, or else a group per colour.
 */
export interface PodGroup {
  key: string;
  replicaSet: string | null;
  color: string | null;
  version: string | null;
  /** `new`: the group that gained a pod last; `old`: the others; null while there is only one group. */
  role: 'new' | 'old' | null;
  /** Pods not gone, in order of appearance. */
  live: PodTile[];
  /** Gone pods, shown as a count that expands. */
  gone: PodTile[];
  ready: number;
  /** Every pod the board knows in the group, gone ones included. */
  total: number;
  /** No lifecycle events, only traffic (a plain load run): readiness is unknown, so only `total` means anything. */
  fromTraffic: boolean;
}

/** `app-7d9f8b6c5d-x2xkq` → `app-7d9f8b6c5d`: a Deployment's pod is named after its ReplicaSet. */
const REPLICA_SET_POD = /^(.+-[0-9a-z]{6,10})-[0-9a-z]{5}$/;

function groupKey(pod: PodTile): { key: string; replicaSet: string | null } {
  const replicaSet = pod.replicaSet ?? REPLICA_SET_POD.exec(pod.name)?.[1] ?? null;
  if (replicaSet !== null) return { key: `rs:${replicaSet}`, replicaSet };
  return { key: `color:${pod.color ?? ''}`, replicaSet: null };
}

/** Groups tiles (as list() gives them, in order of appearance) by ReplicaSet, oldest group first. */
export function groupPods(tiles: readonly PodTile[]): PodGroup[] {
  const groups = new Map<string, PodGroup & { first: number; last: number }>();
  for (const pod of tiles) {
    const { key, replicaSet } = groupKey(pod);
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        replicaSet,
        color: null,
        version: null,
        role: null,
        live: [],
        gone: [],
        ready: 0,
        total: 0,
        fromTraffic: true,
        first: pod.order,
        last: pod.order,
      };
      groups.set(key, group);
    }
    group.color ??= pod.color;
    group.version ??= pod.version;
    group.first = Math.min(group.first, pod.order);
    group.last = Math.max(group.last, pod.order);
    (pod.state === 'gone' ? group.gone : group.live).push(pod);
    if (pod.state === 'ready') group.ready++;
    if (pod.state !== 'seen') group.fromTraffic = false;
    group.total++;
  }
  const list = [...groups.values()].sort((a, b) => a.first - b.first);
  if (list.length > 1) {
    const newest = list.reduce((a, b) => (b.last > a.last ? b : a));
    for (const group of list) group.role = group === newest ? 'new' : 'old';
  }
  return list.map(({ first: _first, last: _last, ...group }) => group);
}
