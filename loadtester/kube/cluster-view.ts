/**
 * What the watched objects mean for the dashboard, without I/O: the pods, ReplicaSets, Deployments,
 * EndpointSlices and Warning Events as the API server lists them go in; the lifecycle events the demo also
 * emits come out (pod-added, pod-scheduled, pod-ready…, endpoint-*, rollout-*, warning), one per change.
 * Each resource's relist is a diff against what the view knew, so a reconnect does not repeat events.
 * Every name and label read from an object is cut to the identity cap (IDENTITY_VALUE_LIMIT, protocol/outcomes.ts), and a Warning's
 * text to WARNING_TEXT_LIMIT: the API server's objects reach the terminal, the stream and the report.
 */
import type { EndpointConditions, EventMessage, RolloutProgress } from '../../protocol/events.js';
import { IDENTITY_VALUE_LIMIT } from '../../protocol/outcomes.js';
import type { KubeObject, WatchType } from './list-watch.js';

export type ClusterEvent = Omit<EventMessage, 'type' | 't'> & { t: number };

export type Resource = 'pods' | 'replicasets' | 'deployments' | 'endpointslices' | 'events';

const REVISION = 'deployment.kubernetes.io/revision';
/** A Warning event's reason and message are sentences, longer than a name. */
const WARNING_TEXT_LIMIT = 512;

interface PodFacts {
  name: string;
  color?: string;
  replicaSet?: string;
  version?: string;
  scheduled: boolean;
  node?: string;
  ready: boolean;
  terminating: boolean;
  restarts: number;
  lastExit?: string;
}

interface ReplicaSetFacts {
  name: string;
  deployment?: string;
  revision?: string;
  color?: string;
}

interface DeploymentFacts {
  name: string;
  revision?: string;
  strategy: string;
  color: string;
  version: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  replicas: number;
  deadlineExceeded: boolean;
  observed: boolean;
}

type Routing = 'ready' | 'serving' | 'terminating' | 'out';

interface RolloutState {
  id: number;
  revision: string;
  startedAt: number;
  finished: boolean;
}

export class ClusterView {
  private readonly pods = new Map<string, PodFacts>();
  private readonly replicaSets = new Map<string, ReplicaSetFacts>();
  private readonly deployments = new Map<string, DeploymentFacts>();
  /** Per slice: pod name → conditions. A pod's routing merges its entries over all slices. */
  private readonly slices = new Map<string, Map<string, EndpointConditions>>();
  private readonly routing = new Map<string, Routing>();
  private readonly warningsSeen = new Map<string, number>();
  private readonly rollouts = new Map<string, RolloutState>();
  private lastProgress = new Map<string, string>();
  private rolloutIds = 0;

  /** A relist: everything there is of `resource` now. */
  sync(resource: Resource, items: readonly KubeObject[], t: number): ClusterEvent[] {
    const out: ClusterEvent[] = [];
    const names = new Set(items.map(nameOf));
    const known = this.namesOf(resource);
    for (const name of known) if (!names.has(name)) this.remove(resource, name, t, out);
    for (const item of items) this.upsert(resource, item, t, out);
    this.afterChange(t, out);
    return out;
  }

  change(resource: Resource, type: WatchType, item: KubeObject, t: number): ClusterEvent[] {
    const out: ClusterEvent[] = [];
    if (type === 'DELETED') this.remove(resource, nameOf(item), t, out);
    else this.upsert(resource, item, t, out);
    this.afterChange(t, out);
    return out;
  }

  private namesOf(resource: Resource): string[] {
    if (resource === 'pods') return [...this.pods.keys()];
    if (resource === 'replicasets') return [...this.replicaSets.keys()];
    if (resource === 'deployments') return [...this.deployments.keys()];
    if (resource === 'endpointslices') return [...this.slices.keys()];
    return [];
  }

  private upsert(resource: Resource, item: KubeObject, t: number, out: ClusterEvent[]): void {
    if (resource === 'pods') this.upsertPod(readPod(item), t, out);
    else if (resource === 'replicasets') this.replicaSets.set(nameOf(item), readReplicaSet(item));
    else if (resource === 'deployments') this.deployments.set(nameOf(item), readDeployment(item));
    else if (resource === 'endpointslices') this.slices.set(nameOf(item), readSlice(item));
    else this.warning(item, t, out);
  }

  private remove(resource: Resource, name: string, t: number, out: ClusterEvent[]): void {
    if (resource === 'pods') {
      const pod = this.pods.get(name);
      if (!pod) return;
      this.pods.delete(name);
      out.push({ t, kind: 'pod-gone', ...this.podFields(pod), message: 'deleted' });
    } else if (resource === 'replicasets') this.replicaSets.delete(name);
    else if (resource === 'deployments') this.deployments.delete(name);
    else if (resource === 'endpointslices') this.slices.delete(name);
  }

  private podFields(
    pod: PodFacts,
  ): Pick<ClusterEvent, 'pod' | 'color' | 'replicaSet' | 'version' | 'revision' | 'source'> {
    const rs = pod.replicaSet ? this.replicaSets.get(pod.replicaSet) : undefined;
    const fields: Pick<ClusterEvent, 'pod' | 'color' | 'replicaSet' | 'version' | 'revision' | 'source'> = {
      pod: pod.name,
      source: 'kube',
    };
    const color = pod.color ?? rs?.color;
    if (color) fields.color = color;
    if (pod.replicaSet) fields.replicaSet = pod.replicaSet;
    if (pod.version) fields.version = pod.version;
    if (rs?.revision) fields.revision = rs.revision;
    return fields;
  }

  private upsertPod(next: PodFacts, t: number, out: ClusterEvent[]): void {
    const before = this.pods.get(next.name);
    this.pods.set(next.name, next);
    const fields = this.podFields(next);
    if (!before) out.push({ t, kind: 'pod-added', ...fields, message: next.replicaSet ?? '' });
    if (next.scheduled && !before?.scheduled)
      out.push({ t, kind: 'pod-scheduled', ...fields, message: next.node ? `on ${next.node}` : '' });
    if (before && next.restarts > before.restarts)
      out.push({
        t,
        kind: 'pod-crashed',
        ...fields,
        message: `restarted${next.lastExit ? `: ${next.lastExit}` : ''}`,
      });
    if (next.terminating && !before?.terminating) out.push({ t, kind: 'pod-terminating', ...fields });
    else if (next.ready && !before?.ready && !next.terminating) out.push({ t, kind: 'pod-ready', ...fields });
    else if (!next.ready && before?.ready && !next.terminating)
      out.push({ t, kind: 'pod-not-ready', ...fields });
  }

  private warning(item: KubeObject, t: number, out: ClusterEvent[]): void {
    const e = item as KubeObject & {
      type?: string;
      reason?: string;
      message?: string;
      count?: number;
      series?: { count?: number };
      involvedObject?: { kind?: string; name?: string };
    };
    if (e.type !== 'Warning') return;
    const target = obj(e.involvedObject);
    const kind = str(target.kind);
    const name = str(target.name) ?? '';
    const ours =
      (kind === 'Pod' && this.pods.has(name)) ||
      (kind === 'ReplicaSet' && this.replicaSets.has(name)) ||
      (kind === 'Deployment' && this.deployments.has(name));
    if (!ours) return;
    // An Event object is updated in place (its count goes up) as the same warning repeats: one message per count.
    const count = num(obj(e.series).count) || num(e.count) || 1;
    const id = nameOf(item);
    if ((this.warningsSeen.get(id) ?? 0) >= count) return;
    this.warningsSeen.set(id, count);
    if (this.warningsSeen.size > 1000) this.warningsSeen.delete(this.warningsSeen.keys().next().value!);
    const pod = kind === 'Pod' ? this.pods.get(name) : undefined;
    const reason = text(e.reason, WARNING_TEXT_LIMIT) ?? 'Warning';
    out.push({
      t,
      kind: 'warning',
      ...(pod ? this.podFields(pod) : { source: 'kube' as const }),
      message: `${kind} ${name}: ${reason}: ${text(e.message, WARNING_TEXT_LIMIT) ?? ''}`.trim(),
    });
  }

  /** Endpoint and rollout events follow from the whole picture, after any change. */
  private afterChange(t: number, out: ClusterEvent[]): void {
    this.endpointEvents(t, out);
    // Only the Deployments that own the watched pods' ReplicaSets (the namespace may hold others).
    const owners = new Set([...this.replicaSets.values()].map((rs) => rs.deployment));
    for (const deployment of this.deployments.values())
      if (owners.has(deployment.name)) this.rolloutEvents(deployment, t, out);
  }

  private endpointEvents(t: number, out: ClusterEvent[]): void {
    const merged = new Map<string, EndpointConditions>();
    for (const slice of this.slices.values()) {
      for (const [pod, c] of slice) {
        const had = merged.get(pod);
        merged.set(
          pod,
          had
            ? {
                ready: had.ready || c.ready,
                serving: had.serving || c.serving,
                terminating: had.terminating && c.terminating,
              }
            : c,
        );
      }
    }
    const names = new Set([...merged.keys(), ...this.routing.keys()]);
    for (const name of names) {
      const conditions = merged.get(name) ?? null;
      const next = routingOf(conditions);
      const before = this.routing.get(name) ?? 'out';
      if (next === 'out') this.routing.delete(name);
      else this.routing.set(name, next);
      if (next === before) continue;
      const pod = this.pods.get(name);
      const fields = pod ? this.podFields(pod) : { pod: name, source: 'kube' as const };
      const kind = ROUTING_EVENT[next];
      const message = conditions === null ? 'no longer listed' : next === 'out' ? 'listed, not ready' : '';
      out.push({ t, kind, ...fields, endpoint: conditions, ...(message ? { message } : {}) });
    }
  }

  private rolloutEvents(d: DeploymentFacts, t: number, out: ClusterEvent[]): void {
    if (!d.revision || !d.observed) return;
    const complete =
      d.updated >= d.desired && d.available >= d.desired && d.replicas <= d.desired && d.ready >= d.desired;
    let state = this.rollouts.get(d.name);
    if (!state || state.revision !== d.revision) {
      const firstSight = !state;
      state = { id: ++this.rolloutIds, revision: d.revision, startedAt: t, finished: firstSight && complete };
      this.rollouts.set(d.name, state);
      if (!state.finished) {
        out.push({
          t,
          kind: 'rollout-started',
          color: d.color,
          source: 'kube',
          message: `${d.name} revision ${d.revision}`,
          rollout: this.progress(d, state),
        });
      }
    }
    if (state.finished) return;
    const progress = this.progress(d, state);
    const key = JSON.stringify({ ...progress, startedAt: 0 });
    if (this.lastProgress.get(d.name) !== key) {
      this.lastProgress.set(d.name, key);
      const stuck = d.deadlineExceeded ? ': progress deadline exceeded' : '';
      out.push({
        t,
        kind: 'rollout-progress',
        color: d.color,
        source: 'kube',
        message: `${progress.updated}/${d.desired} updated, ${progress.ready} ready, ${progress.available} available${stuck}`,
        rollout: progress,
      });
    }
    if (complete && progress.oldRemaining === 0) {
      state.finished = true;
      out.push({
        t,
        kind: 'rollout-finished',
        color: d.color,
        source: 'kube',
        message: `${d.name} revision ${d.revision} complete`,
        rollout: { ...progress, result: 'complete' },
      });
    }
  }

  private progress(d: DeploymentFacts, state: RolloutState): RolloutProgress {
    const newSets = new Set(
      [...this.replicaSets.values()]
        .filter((rs) => rs.deployment === d.name && rs.revision === d.revision)
        .map((rs) => rs.name),
    );
    const ours = [...this.pods.values()].filter(
      (p) => p.replicaSet && this.replicaSets.get(p.replicaSet)?.deployment === d.name,
    );
    const newReady = ours.filter(
      (p) => p.replicaSet && newSets.has(p.replicaSet) && p.ready && !p.terminating,
    ).length;
    const oldRemaining = ours.filter((p) => !p.replicaSet || !newSets.has(p.replicaSet)).length;
    const endpoints = [...this.routing.values()].filter((r) => r === 'ready').length;
    return {
      id: state.id,
      strategy: d.strategy,
      color: d.color,
      version: d.version,
      startedAt: state.startedAt,
      desired: d.desired,
      newReady,
      oldRemaining,
      endpoints,
      revision: d.revision,
      updated: d.updated,
      ready: d.ready,
      available: d.available,
      progressDeadlineExceeded: d.deadlineExceeded,
    };
  }
}

const ROUTING_EVENT: Record<Routing, EventMessage['kind']> = {
  ready: 'endpoint-added',
  serving: 'endpoint-serving',
  terminating: 'endpoint-terminating',
  out: 'endpoint-removed',
};

function routingOf(c: EndpointConditions | null): Routing {
  if (c === null) return 'out';
  if (c.terminating) return c.serving ? 'serving' : 'terminating';
  return c.ready ? 'ready' : 'out';
}

// ---- reading the API's objects (only the fields used; anything missing reads as absent) ----

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v !== null && typeof v === 'object' ? (v as Loose) : {});
const arr = (v: unknown): Loose[] => (Array.isArray(v) ? v.map(obj) : []);
/** Text cut to `limit` characters (ending in `…`, never splitting a surrogate pair); absent when empty. */
function text(v: unknown, limit: number): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (v.length <= limit) return v;
  let end = limit - 1;
  const last = v.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${v.slice(0, end)}…`;
}
/** A name or label value, cut to the identity cap. */
const str = (v: unknown): string | undefined => text(v, IDENTITY_VALUE_LIMIT);
/** list-watch.ts passes only objects with a non-empty string name. */
const nameOf = (item: KubeObject): string => str(item.metadata.name)!;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function condition(status: Loose, type: string): Loose | undefined {
  return arr(status.conditions).find((c) => c.type === type);
}

/** The colour: the first container's COLOR env value, else the pod's `color` label. */
function colorOf(spec: Loose, labels: Loose): string | undefined {
  for (const container of arr(spec.containers)) {
    const env = arr(container.env).find((e) => e.name === 'COLOR');
    if (str(env?.value)) return str(env!.value);
  }
  return str(labels.color);
}

function versionOf(spec: Loose, labels: Loose): string | undefined {
  for (const container of arr(spec.containers)) {
    const env = arr(container.env).find((e) => e.name === 'APP_VERSION');
    if (str(env?.value)) return str(env!.value);
  }
  return str(labels['app.kubernetes.io/version']);
}

function owner(item: KubeObject, kind: string): string | undefined {
  return str(arr(item.metadata.ownerReferences).find((o) => o.kind === kind)?.name);
}

function readPod(item: KubeObject): PodFacts {
  const spec = obj(item.spec);
  const status = obj(item.status);
  const labels = obj(item.metadata.labels);
  const containers = arr(status.containerStatuses);
  const restarts = containers.reduce((sum, c) => sum + num(c.restartCount), 0);
  const terminated = containers
    .map((c) => obj(obj(c.lastState).terminated))
    .find((s) => s.reason || s.exitCode);
  return {
    name: nameOf(item),
    color: colorOf(spec, labels),
    replicaSet: owner(item, 'ReplicaSet'),
    version: versionOf(spec, labels),
    scheduled: str(spec.nodeName) !== undefined || condition(status, 'PodScheduled')?.status === 'True',
    node: str(spec.nodeName),
    ready: condition(status, 'Ready')?.status === 'True',
    terminating: str(item.metadata.deletionTimestamp) !== undefined,
    restarts,
    lastExit: terminated
      ? `${str(terminated.reason) ?? 'exited'} (code ${num(terminated.exitCode)})`
      : undefined,
  };
}

function readReplicaSet(item: KubeObject): ReplicaSetFacts {
  const template = obj(obj(item.spec).template);
  return {
    name: nameOf(item),
    deployment: owner(item, 'Deployment'),
    revision: str(obj(item.metadata.annotations)[REVISION]),
    color: colorOf(obj(template.spec), obj(obj(template.metadata).labels)),
  };
}

function readDeployment(item: KubeObject): DeploymentFacts {
  const spec = obj(item.spec);
  const status = obj(item.status);
  const template = obj(spec.template);
  const labels = obj(obj(template.metadata).labels);
  const revision = str(obj(item.metadata.annotations)[REVISION]);
  const progressing = condition(status, 'Progressing');
  return {
    name: nameOf(item),
    revision,
    strategy: str(obj(spec.strategy).type) === 'Recreate' ? 'recreate' : 'rolling',
    color: colorOf(obj(template.spec), labels) ?? '',
    version: versionOf(obj(template.spec), labels) ?? (revision ? `revision ${revision}` : ''),
    desired: typeof spec.replicas === 'number' ? spec.replicas : 1,
    updated: num(status.updatedReplicas),
    ready: num(status.readyReplicas),
    available: num(status.availableReplicas),
    replicas: num(status.replicas),
    deadlineExceeded: progressing?.reason === 'ProgressDeadlineExceeded',
    observed: num(status.observedGeneration) >= num(item.metadata.generation),
  };
}

/** discovery.k8s.io/v1: a missing `ready` or `serving` means true (unknown reads as ready), `terminating` false. */
function readSlice(item: KubeObject): Map<string, EndpointConditions> {
  const pods = new Map<string, EndpointConditions>();
  for (const endpoint of arr(item.endpoints)) {
    const ref = obj(endpoint.targetRef);
    const name = str(ref.name);
    if (ref.kind !== 'Pod' || !name) continue;
    const c = obj(endpoint.conditions);
    const ready = c.ready !== false;
    pods.set(name, {
      ready,
      serving: c.serving === undefined ? ready : c.serving !== false,
      terminating: c.terminating === true,
    });
  }
  return pods;
}
