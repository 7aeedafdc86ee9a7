/**
 * The demo's little cluster: ReplicaSets that keep their pod count (creating pods, deleting surplus ones
 * the way the ReplicaSet controller picks them, replacing crashed ones with a back-off), pod
 * availability after minReadySeconds, and the Service's endpoints (ready, not terminating, selected).
 */
import type { EventMessage } from '../protocol/events.js';
import type { Backend } from './backends.js';
import { podName, replicaSetName } from './names.js';
import { Pod, type PodChange, type PodConfig, type ProbeConfig } from './pod.js';

export interface Template {
  color: string;
  version: string;
  /** App settings of this template's pods, over the cluster's (`--rollout-env`). */
  env?: Record<string, string>;
}

export interface ReplicaSet extends Template {
  name: string;
  spec: number;
  createdAt: number;
  crashes: number;
  /** Crash back-off: no new pod before this time. */
  notBefore: number;
}

/** What the cluster tells: a stream event without its envelope (the session stamps `type` and `t`). */
export type ClusterEvent = Omit<EventMessage, 'type' | 't'>;

/** The fields every pod event carries. */
function podFields(pod: Pod): Pick<ClusterEvent, 'pod' | 'color' | 'replicaSet' | 'version' | 'source'> {
  return {
    pod: pod.name,
    color: pod.color,
    replicaSet: pod.replicaSet,
    version: pod.version,
    source: 'demo',
  };
}

export interface ClusterConfig {
  deployment: string;
  env: Record<string, string>;
  probe: ProbeConfig;
  minReadyMs: number;
  terminationGraceMs: number;
  /** Lifecycle events, in order. */
  emit: (event: ClusterEvent) => void;
  /** The endpoints changed (called at once; the front door applies its own propagation delay). */
  onEndpoints: (backends: Backend[]) => void;
}

const MAX_BACKOFF_MS = 30_000;

export class Cluster {
  readonly replicaSets = new Map<string, ReplicaSet>();
  readonly pods = new Map<string, Pod>();
  /** The Service's selector: null selects every app pod; otherwise only these ReplicaSets (blue-green). */
  private selector: Set<string> | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastEndpoints = '';
  /** The pods in the Service's endpoints as last published (for endpoint-added / endpoint-removed). */
  private readonly endpointPods = new Set<string>();
  private endpointCount = 0;
  private stopped = false;
  /** The demo is ending: its pods are killed on purpose, after the report. */
  private shuttingDown = false;
  /** At most this many pods count at once (see countedPods); set by the rollout driver per strategy. */
  private podLimit = Infinity;
  /** Pods that turned ready at least once: they served, and drain outside the limit. */
  private readonly served = new Set<string>();

  constructor(private readonly config: ClusterConfig) {}

  replicaSet(template: Template): ReplicaSet {
    const name = replicaSetName(this.config.deployment, {
      COLOR: template.color,
      APP_VERSION: template.version,
    });
    let rs = this.replicaSets.get(name);
    if (!rs) {
      rs = { ...template, name, spec: 0, createdAt: Date.now(), crashes: 0, notBefore: 0 };
      this.replicaSets.set(name, rs);
    }
    return rs;
  }

  scale(rs: ReplicaSet, replicas: number): void {
    if (rs.spec === replicas) return;
    rs.spec = replicas;
    this.reconcile();
  }

  /**
   * Caps the pods that count at once: the pods of every ReplicaSet that are starting or running, and the
   * terminating ones that never turned ready. Kubernetes does not count terminating pods against maxSurge;
   * those that once served still drain outside the cap here too (the overlap a rollout shows), but a
   * superseded rollout's pods that never turned ready stay inside it until they exit, so rollouts in quick
   * succession start no more processes than the surge. A ReplicaSet short of pods waits for room.
   */
  limitPods(limit: number): void {
    const raised = limit > this.podLimit;
    this.podLimit = limit;
    if (raised) this.reconcile();
  }

  /** The pods limitPods counts. */
  countedPods(): number {
    let n = 0;
    for (const pod of this.pods.values()) {
      if (pod.phase === 'starting' || pod.phase === 'running') n++;
      else if (pod.phase === 'terminating' && !this.served.has(pod.name)) n++;
    }
    return n;
  }

  select(replicaSets: readonly ReplicaSet[] | null): void {
    this.selector = replicaSets === null ? null : new Set(replicaSets.map((rs) => rs.name));
    this.changed();
  }

  selected(): ReplicaSet[] | null {
    if (this.selector === null) return null;
    return [...this.replicaSets.values()].filter((rs) => this.selector!.has(rs.name));
  }

  /** Pods of a ReplicaSet that are not terminating or gone. */
  activePods(rs: ReplicaSet): Pod[] {
    return [...this.pods.values()].filter(
      (p) => p.replicaSet === rs.name && (p.phase === 'starting' || p.phase === 'running'),
    );
  }

  /** Every pod of the ReplicaSet still alive, terminating ones included. */
  livePods(rs: ReplicaSet): Pod[] {
    return [...this.pods.values()].filter((p) => p.replicaSet === rs.name);
  }

  available(rs: ReplicaSet, now = Date.now()): number {
    return this.activePods(rs).filter(
      (p) => p.readySince !== null && now - p.readySince >= this.config.minReadyMs,
    ).length;
  }

  /** Ready endpoints the Service selects, as last published. */
  get endpoints(): number {
    return this.endpointCount;
  }

  readyCount(rs: ReplicaSet): number {
    return this.activePods(rs).filter((p) => p.ready).length;
  }

  /** Resolves once `predicate` holds, re-checked after every change; rejects when `signal` aborts. */
  waitFor(predicate: () => boolean, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (done: () => void): void => {
        this.waiters.delete(check);
        signal?.removeEventListener('abort', check);
        done();
      };
      const check = (): void => {
        if (signal?.aborted) settle(() => reject(signal.reason));
        else if (predicate()) settle(resolve);
      };
      this.waiters.add(check);
      signal?.addEventListener('abort', check, { once: true });
      check();
    });
  }

  /** No more pods created or replaced (the demo is stopping; a terminal's Ctrl-C also reaches the pods). */
  freeze(): void {
    this.stopped = true;
  }

  /** Stops reconciling and ends every pod at once; resolves when all have exited. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.shuttingDown = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.pods.values()].map((pod) => pod.kill()));
  }

  /** Kills every child synchronously: for process exit handlers, where nothing async runs any more. */
  killNow(): void {
    this.stopped = true;
    this.shuttingDown = true;
    for (const pod of this.pods.values()) void pod.kill();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private changed(): void {
    this.publishEndpoints();
    for (const check of [...this.waiters]) check();
  }

  private reconcile(): void {
    if (this.stopped) return;
    for (const rs of this.replicaSets.values()) {
      const active = this.activePods(rs);
      const missing = rs.spec - active.length;
      if (missing > 0) {
        const wait = rs.notBefore - Date.now();
        if (wait > 0) {
          this.later(wait, () => this.reconcile());
          continue;
        }
        const room = Math.max(0, this.podLimit - this.countedPods());
        for (let i = 0; i < Math.min(missing, room); i++) this.create(rs);
      } else if (missing < 0) {
        for (const pod of deletionOrder(active).slice(0, -missing)) this.delete(pod);
      }
    }
    this.changed();
  }

  private create(rs: ReplicaSet): void {
    const config: PodConfig = {
      name: podName(rs.name, new Set(this.pods.keys())),
      replicaSet: rs.name,
      color: rs.color,
      version: rs.version,
      env: { ...this.config.env, ...rs.env },
      probe: this.config.probe,
      terminationGraceMs: this.config.terminationGraceMs,
    };
    const pod = new Pod(config, (p, change) => this.podChanged(p, change));
    this.pods.set(pod.name, pod);
    this.config.emit({
      kind: 'pod-added',
      ...podFields(pod),
      message: `${rs.name} (${rs.version})`,
    });
    // A local process has no node to wait for: scheduled at once, as on an idle cluster.
    this.config.emit({ kind: 'pod-scheduled', ...podFields(pod), message: 'on this machine' });
  }

  private delete(pod: Pod): void {
    // Endpoint removal and SIGTERM at the same moment, as in Kubernetes; the front door learns later.
    pod.terminate();
    this.config.emit({ kind: 'pod-terminating', ...podFields(pod) });
  }

  private podChanged(pod: Pod, change: PodChange): void {
    if (change === 'ready') {
      this.served.add(pod.name);
      this.config.emit({ kind: 'pod-ready', ...podFields(pod), message: `port ${pod.port}` });
      // Availability changes with time alone: look again once minReadySeconds have passed.
      this.later(this.config.minReadyMs + 1, () => this.changed());
    } else if (change === 'not-ready') {
      this.config.emit({ kind: 'pod-not-ready', ...podFields(pod) });
    } else if (change === 'gone') {
      this.pods.delete(pod.name);
      this.served.delete(pod.name);
      const exit = pod.exit!;
      const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
      if (exit.crashed && !this.stopped) {
        const rs = this.replicaSets.get(pod.replicaSet);
        if (rs) {
          rs.crashes++;
          rs.notBefore = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (rs.crashes - 1));
        }
        const last = exit.output.at(-1);
        this.config.emit({
          kind: 'pod-crashed',
          ...podFields(pod),
          message: `exited with ${how}${last ? `: ${last}` : ''}`,
        });
      } else if (!this.shuttingDown) {
        // The demo's own end kills its pods after the report: lines saying so would read like a crash.
        this.config.emit({
          kind: 'pod-gone',
          ...podFields(pod),
          message: `exited with ${how}`,
        });
      }
      this.reconcile();
      return;
    }
    this.changed();
  }

  private publishEndpoints(): void {
    const backends: Backend[] = [];
    for (const pod of this.pods.values()) {
      const selected = this.selector === null || this.selector.has(pod.replicaSet);
      if (selected && pod.ready && pod.phase === 'running' && pod.port !== null) {
        backends.push({ pod: pod.name, host: pod.host, port: pod.port, color: pod.color });
      }
    }
    backends.sort((a, b) => a.pod.localeCompare(b.pod));
    const key = backends.map((b) => `${b.pod}:${b.port}`).join(',');
    if (key === this.lastEndpoints) return;
    this.lastEndpoints = key;
    this.endpointCount = backends.length;
    this.emitEndpointChanges(new Set(backends.map((b) => b.pod)));
    this.config.onEndpoints(backends);
  }

  /** What the EndpointSlice would say; the front door hears of it after the propagation delay. */
  private emitEndpointChanges(now: Set<string>): void {
    for (const name of [...this.endpointPods]) {
      if (now.has(name)) continue;
      this.endpointPods.delete(name);
      const pod = this.pods.get(name);
      const why =
        !pod || pod.phase === 'gone'
          ? 'gone'
          : pod.phase === 'terminating'
            ? 'terminating'
            : 'not ready or not selected';
      this.config.emit({
        kind: 'endpoint-removed',
        ...(pod ? podFields(pod) : { pod: name, source: 'demo' }),
        endpoint: null,
        message: why,
      });
    }
    for (const name of now) {
      if (this.endpointPods.has(name)) continue;
      this.endpointPods.add(name);
      const pod = this.pods.get(name)!;
      this.config.emit({
        kind: 'endpoint-added',
        ...podFields(pod),
        endpoint: { ready: true, serving: true, terminating: false },
      });
    }
  }
}

/** Which surplus pods go first, as the ReplicaSet controller ranks them: not ready, then ready the shortest time. */
export function deletionOrder<P extends { ready: boolean; readySince: number | null; createdAt: number }>(
  pods: readonly P[],
): P[] {
  return [...pods].sort((a, b) => {
    if (a.ready !== b.ready) return a.ready ? 1 : -1;
    if (a.readySince !== b.readySince) return (b.readySince ?? 0) - (a.readySince ?? 0);
    return b.createdAt - a.createdAt;
  });
}
