/**
 * The lifecycle around a run, as the stream's `event` messages carry it: pods, rollouts, the Service's
 * endpoints, runs starting and stopping, and Kubernetes warnings.
 */

export const EVENT_KINDS = [
  'pod-added',
  'pod-scheduled',
  'pod-ready',
  'pod-not-ready',
  'pod-terminating',
  'pod-gone',
  'pod-crashed',
  'rollout-started',
  'rollout-step',
  'rollout-progress',
  'rollout-finished',
  'run-started',
  'run-stopped',
  // The Service's endpoints, as its EndpointSlices list them (the truth, before any front door hears of it):
  // added = listed as ready (new traffic goes there); serving = terminating but still serving (used only when
  // no ready endpoint is left); terminating = terminating, not serving; removed = no longer a ready endpoint.
  'endpoint-added',
  'endpoint-serving',
  'endpoint-terminating',
  'endpoint-removed',
  /** A Warning Event about a watched object (failed probe, image pull, scheduling…); `message` says what. */
  'warning',
  /**
   * `--kube`: the loadtester cannot read the cluster (a permission it lacks, an API it cannot reach…): until
   * the matching `cluster-view-back`, the cluster's events are missing. `clusterView` says what failed.
   */
  'cluster-view-failed',
  'cluster-view-back',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EventMessage {
  type: 'event';
  t: number;
  kind: EventKind;
  pod?: string;
  color?: string;
  /** Pod events: the pod's ReplicaSet and the version of its template, when the source knows them. */
  replicaSet?: string;
  version?: string;
  /** The Deployment revision of the pod's ReplicaSet (`deployment.kubernetes.io/revision`), when known. */
  revision?: string;
  message?: string;
  /** On rollout-* events: where the rollout stands. */
  rollout?: RolloutProgress;
  /** On endpoint-* events: the endpoint's conditions as the EndpointSlice lists them (null: not listed). */
  endpoint?: EndpointConditions | null;
  /** On cluster-view-* events: what could not be read, and why. */
  clusterView?: ClusterViewFailure;
  /** Where the event came from: the embedded demo or the Kubernetes API (`--kube`). Absent: the loadtester itself. */
  source?: 'demo' | 'kube';
}

/**
 * What stops the cluster view: `no-api` is no API server to ask (`resource` empty); `forbidden` is one resource the account may not read (401/403); the others
 * are the API server itself (unreachable, timing out, answering an error, malformed answers, watches it ends
 * at once or answers 410), for every resource until it answers again.
 */
export const CLUSTER_VIEW_PROBLEMS = [
  /** No API to watch at all (no kubeconfig, no such context, no service account token): never back. */
  'no-api',
  'forbidden',
  'unreachable',
  'timed-out',
  'status',
  'malformed',
  'short-watch',
  'gone',
] as const;
export type ClusterViewProblem = (typeof CLUSTER_VIEW_PROBLEMS)[number];

export interface ClusterViewFailure {
  problem: ClusterViewProblem;
  /** The resource that failed (pods, replicasets…): for `forbidden` the one not allowed, else the first that failed. */
  resource: string;
  namespace: string;
  /** The HTTP status, when the API answered one. */
  status?: number;
}

/** A forbidden resource fails and comes back alone; the API server fails and comes back for every resource. */
export function clusterViewKey(failure: ClusterViewFailure): string {
  return failure.problem === 'forbidden' ? `forbidden:${failure.resource}` : 'api';
}

/** An EndpointSlice endpoint's conditions (discovery.k8s.io/v1): ready = serving and not terminating. */
export interface EndpointConditions {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/**
 * A rollout's counts, as `kubectl rollout status` reads them from the Deployment. `rollout-progress` is sent
 * whenever one of them changes; `rollout-started` and `rollout-finished` carry them too.
 */
export interface RolloutProgress {
  /** Counts up per rollout, so a finish matches its start (a rollback reuses an older version). */
  id: number;
  strategy: string;
  color: string;
  version: string;
  /** Epoch ms when the rollout started. */
  startedAt: number;
  desired: number;
  /** Ready pods of the new template (terminating ones not counted). */
  newReady: number;
  /** Pods of older templates still alive, terminating ones included. */
  oldRemaining: number;
  /** Ready endpoints the Service selects (what the front door will route to once it hears of them). */
  endpoints: number;
  /** Only on rollout-finished: it completed, or it stopped early (the event's message says why). */
  result?: 'complete' | 'stopped';
  /** The Deployment's revision (its `deployment.kubernetes.io/revision` annotation), when known. */
  revision?: string;
  /** Pods of the new template (any state), ready ones of any template, and available ones (ready for minReadySeconds). */
  updated?: number;
  ready?: number;
  available?: number;
  /** The Deployment's Progressing condition says ProgressDeadlineExceeded: the rollout is stuck. */
  progressDeadlineExceeded?: boolean;
}
