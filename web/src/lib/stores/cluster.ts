/**
 * The cluster's side of each pod and the latest rollout's counts, from lifecycle events (the demo's or
 * `--kube`'s): whether a pod is pending, ready, in the Service's endpoints, terminating (and whether the
 * endpoints still list it) or gone. Pure and bounded (pods forgotten with the pod board's limits).
 */
import {
  clusterViewKey,
  type ClusterViewFailure,
  type EndpointConditions,
  type EventMessage,
  type RolloutProgress,
} from '$protocol/events.js';
import { en, type MessageKey } from '../i18n/en.js';

export type ClusterState = 'pending' | 'ready' | 'in-endpoints' | 'terminating' | 'gone';

export interface PodClusterView {
  state: ClusterState;
  /** A few words for the badge, e.g. "terminating, still in endpoints" (English; the page shows `labelKey`). */
  label: string;
  labelKey: MessageKey;
  scheduled: boolean;
  /** As the Service's endpoints list the pod; null: not listed (or no endpoint events from this source). */
  endpoint: EndpointConditions | null;
}

interface Facts {
  scheduled: boolean;
  ready: boolean;
  terminating: boolean;
  gone: boolean;
  endpoint: EndpointConditions | null;
  t: number;
}

const MAX_PODS = 200;

/** What `--kube` cannot read now (a cluster-view-failed not yet followed by its cluster-view-back). */
export interface ViewFailure {
  t: number;
  failure: ClusterViewFailure;
  /** The loadtester's own line (English). */
  message: string;
}

/** One per resource forbidden plus one for the API: a handful, capped all the same. */
const MAX_VIEW_FAILURES = 16;

export class ClusterBoard {
  private readonly pods = new Map<string, Facts>();
  /** The latest rollout's counts (from rollout-started/progress/finished). */
  progress: RolloutProgress | null = null;
  private readonly failures = new Map<string, ViewFailure>();

  event(event: EventMessage): void {
    if (event.clusterView) this.viewEvent(event, event.clusterView);
    if (event.rollout && event.kind.startsWith('rollout-')) this.progress = event.rollout;
    if (!event.pod) return;
    const facts = this.facts(event.pod, event.t);
    switch (event.kind) {
      case 'pod-added':
        break;
      case 'pod-scheduled':
        facts.scheduled = true;
        break;
      case 'pod-ready':
        facts.scheduled = true;
        facts.ready = true;
        break;
      case 'pod-not-ready':
        facts.ready = false;
        break;
      case 'pod-terminating':
        facts.terminating = true;
        facts.ready = false;
        break;
      case 'pod-gone':
      case 'pod-crashed':
        facts.gone = event.kind === 'pod-gone';
        facts.ready = false;
        break;
      case 'endpoint-added':
      case 'endpoint-serving':
      case 'endpoint-terminating':
        facts.endpoint = event.endpoint ?? {
          ready: event.kind === 'endpoint-added',
          serving: event.kind !== 'endpoint-terminating',
          terminating: event.kind !== 'endpoint-added',
        };
        break;
      case 'endpoint-removed':
        facts.endpoint = null;
        break;
      default:
        return;
    }
    facts.t = event.t;
  }

  /** Oldest first. */
  viewFailures(): ViewFailure[] {
    return [...this.failures.values()];
  }

  private viewEvent(event: EventMessage, failure: ClusterViewFailure): void {
    const key = clusterViewKey(failure);
    if (event.kind === 'cluster-view-back') this.failures.delete(key);
    else if (event.kind === 'cluster-view-failed' && !this.failures.has(key)) {
      this.failures.set(key, { t: event.t, failure, message: event.message ?? '' });
      if (this.failures.size > MAX_VIEW_FAILURES) this.failures.delete(this.failures.keys().next().value!);
    }
  }

  private facts(pod: string, t: number): Facts {
    let facts = this.pods.get(pod);
    if (!facts) {
      facts = { scheduled: false, ready: false, terminating: false, gone: false, endpoint: null, t };
      this.pods.set(pod, facts);
      if (this.pods.size > MAX_PODS) this.forgetOldest();
    }
    return facts;
  }

  private forgetOldest(): void {
    const gone = [...this.pods].filter(([, f]) => f.gone).sort((a, b) => a[1].t - b[1].t);
    const victim = gone[0] ?? [...this.pods].sort((a, b) => a[1].t - b[1].t)[0];
    if (victim) this.pods.delete(victim[0]);
  }

  /** null: nothing known of the pod from the cluster (a pod seen only in traffic). */
  view(pod: string): PodClusterView | null {
    const f = this.pods.get(pod);
    if (!f) return null;
    const listed = f.endpoint !== null;
    let state: ClusterState;
    let labelKey: MessageKey;
    if (f.gone) [state, labelKey] = ['gone', 'cluster.gone'];
    else if (f.terminating)
      [state, labelKey] = ['terminating', listed ? 'cluster.terminating-listed' : 'cluster.terminating-out'];
    else if (f.endpoint?.ready) [state, labelKey] = ['in-endpoints', 'cluster.in-endpoints'];
    else if (f.ready) [state, labelKey] = ['ready', 'cluster.ready'];
    else [state, labelKey] = ['pending', f.scheduled ? 'cluster.scheduled' : 'cluster.pending'];
    return { state, label: en[labelKey], labelKey, scheduled: f.scheduled, endpoint: f.endpoint };
  }

  clear(): void {
    this.pods.clear();
    this.progress = null;
    this.failures.clear();
  }
}
