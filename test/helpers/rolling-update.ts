/**
 * A rolling update as the API server shows it, step by step: Deployment `app` from revision 1 (blue, 2
 * replicas) to revision 2 (green), maxSurge 1 / maxUnavailable 0 — a new pod is created, scheduled, turns
 * ready and joins the EndpointSlice; then an old pod is deleted (terminating, still serving in the slice,
 * then gone from it) — twice. Pods are named like a Deployment's (`app-<rs hash>-<5 chars>`).
 */
import type { FakeKubeApi, FakeObject } from './fake-kube-api.js';

export const NS = 'bluegreen';
export const SELECTOR = 'app.kubernetes.io/component=app';
export const PATHS = {
  pods: `/api/v1/namespaces/${NS}/pods`,
  replicasets: `/apis/apps/v1/namespaces/${NS}/replicasets`,
  deployments: `/apis/apps/v1/namespaces/${NS}/deployments`,
  endpointslices: `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`,
  events: `/api/v1/namespaces/${NS}/events`,
};

const LABELS = { 'app.kubernetes.io/component': 'app' };
export const BLUE_RS = 'app-5d8f7c9b4';
export const GREEN_RS = 'app-7c6b5d4f8';
export const [B1, B2] = [`${BLUE_RS}-b1aaa`, `${BLUE_RS}-b2bbb`];
export const [G1, G2] = [`${GREEN_RS}-g1ccc`, `${GREEN_RS}-g2ddd`];

const template = (color: string) => ({
  metadata: { labels: LABELS },
  spec: { containers: [{ name: 'app', env: [{ name: 'COLOR', value: color }] }] },
});

export function replicaSet(name: string, revision: number, color: string): FakeObject {
  return {
    metadata: {
      name,
      labels: LABELS,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ kind: 'Deployment', name: 'app' }],
    },
    spec: { template: template(color) },
  };
}

interface DeploymentStatus {
  updated: number;
  ready: number;
  available: number;
  replicas: number;
  deadlineExceeded?: boolean;
}

export function deployment(revision: number, color: string, s: DeploymentStatus): FakeObject {
  return {
    metadata: {
      name: 'app',
      generation: revision,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: { replicas: 2, strategy: { type: 'RollingUpdate' }, template: template(color) },
    status: {
      observedGeneration: revision,
      updatedReplicas: s.updated,
      readyReplicas: s.ready,
      availableReplicas: s.available,
      replicas: s.replicas,
      conditions: [
        s.deadlineExceeded
          ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }
          : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
      ],
    },
  };
}

interface PodState {
  node?: string;
  ready?: boolean;
  deleting?: boolean;
}

export function pod(name: string, rs: string, color: string, s: PodState): FakeObject {
  return {
    metadata: {
      name,
      labels: { ...LABELS, 'pod-template-hash': rs.split('-')[1]! },
      ownerReferences: [{ kind: 'ReplicaSet', name: rs }],
      ...(s.deleting ? { deletionTimestamp: '2026-11-29T18:00:00Z' } : {}),
    },
    spec: { nodeName: s.node, containers: [{ name: 'app', env: [{ name: 'COLOR', value: color }] }] },
    status: {
      phase: s.node ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: s.ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', restartCount: 0 }],
    },
  };
}

type Conditions = { ready: boolean; serving: boolean; terminating: boolean };
export const READY: Conditions = { ready: true, serving: true, terminating: false };
export const DRAINING: Conditions = { ready: false, serving: true, terminating: true };

export function slice(endpoints: [string, Conditions][]): FakeObject {
  return {
    metadata: { name: 'app-x7k2p', labels: { 'kubernetes.io/service-name': 'app' } },
    addressType: 'IPv4',
    endpoints: endpoints.map(([name, conditions], i) => ({
      addresses: [`10.0.0.${i + 10}`],
      conditions,
      targetRef: { kind: 'Pod', name },
    })),
  };
}

export function warning(name: string, podName: string, message: string, count = 1): FakeObject {
  return {
    metadata: { name },
    type: 'Warning',
    reason: 'Unhealthy',
    message,
    count,
    involvedObject: { kind: 'Pod', name: podName },
  };
}

/** The cluster before the rollout: revision 1, two ready blue pods in the endpoints. */
export function before(api: FakeKubeApi): void {
  api.put(PATHS.deployments, deployment(1, 'blue', { updated: 2, ready: 2, available: 2, replicas: 2 }));
  api.put(PATHS.replicasets, replicaSet(BLUE_RS, 1, 'blue'));
  api.put(PATHS.pods, pod(B1, BLUE_RS, 'blue', { node: 'n1', ready: true }));
  api.put(PATHS.pods, pod(B2, BLUE_RS, 'blue', { node: 'n1', ready: true }));
  api.put(
    PATHS.endpointslices,
    slice([
      [B1, READY],
      [B2, READY],
    ]),
  );
}

export interface Step {
  apply(api: FakeKubeApi): void;
  /**
   * The events it must cause (kind, pod), rollout-progress aside. Each resource is its own watch (its own
   * connection), so only the order within a step's resource is fixed: the test takes a step's events as a set,
   * and applies the next step once they are all in.
   */
  expect: [string, string?][];
}

/** The rollout. */
export const ROLLOUT: Step[] = [
  {
    apply: (api) =>
      api.put(PATHS.deployments, deployment(2, 'green', { updated: 0, ready: 2, available: 2, replicas: 2 })),
    expect: [['rollout-started']],
  },
  {
    apply: (api) => {
      api.put(PATHS.replicasets, replicaSet(GREEN_RS, 2, 'green'));
      api.put(PATHS.pods, pod(G1, GREEN_RS, 'green', {}));
    },
    expect: [['pod-added', G1]],
  },
  {
    apply: (api) => api.put(PATHS.pods, pod(G1, GREEN_RS, 'green', { node: 'n1' })),
    expect: [['pod-scheduled', G1]],
  },
  {
    apply: (api) => api.put(PATHS.pods, pod(G1, GREEN_RS, 'green', { node: 'n1', ready: true })),
    expect: [['pod-ready', G1]],
  },
  {
    apply: (api) => {
      api.put(
        PATHS.endpointslices,
        slice([
          [B1, READY],
          [B2, READY],
          [G1, READY],
        ]),
      );
      api.put(PATHS.deployments, deployment(2, 'green', { updated: 1, ready: 3, available: 3, replicas: 3 }));
    },
    expect: [['endpoint-added', G1]],
  },
  {
    apply: (api) =>
      api.put(PATHS.pods, pod(B1, BLUE_RS, 'blue', { node: 'n1', ready: false, deleting: true })),
    expect: [['pod-terminating', B1]],
  },
  {
    apply: (api) =>
      api.put(
        PATHS.endpointslices,
        slice([
          [B1, DRAINING],
          [B2, READY],
          [G1, READY],
        ]),
      ),
    expect: [['endpoint-serving', B1]],
  },
  {
    apply: (api) =>
      api.put(
        PATHS.endpointslices,
        slice([
          [B2, READY],
          [G1, READY],
        ]),
      ),
    expect: [['endpoint-removed', B1]],
  },
  {
    apply: (api) => {
      api.delete(PATHS.pods, B1);
      // About a pod not (yet) watched: not ours, so no event.
      api.put(PATHS.events, warning('g2.1', G2, 'Readiness probe failed: connection refused'));
    },
    expect: [['pod-gone', B1]],
  },
  {
    apply: (api) => api.put(PATHS.pods, pod(G2, GREEN_RS, 'green', { node: 'n1' })),
    expect: [
      ['pod-added', G2],
      ['pod-scheduled', G2],
    ],
  },
  {
    apply: (api) =>
      api.put(PATHS.events, warning('g2.1', G2, 'Readiness probe failed: connection refused', 2)),
    expect: [['warning', G2]],
  },
  {
    apply: (api) => {
      api.put(PATHS.pods, pod(G2, GREEN_RS, 'green', { node: 'n1', ready: true }));
      api.put(
        PATHS.endpointslices,
        slice([
          [B2, READY],
          [G1, READY],
          [G2, READY],
        ]),
      );
    },
    expect: [
      ['pod-ready', G2],
      ['endpoint-added', G2],
    ],
  },
  {
    apply: (api) => {
      api.put(PATHS.pods, pod(B2, BLUE_RS, 'blue', { node: 'n1', ready: false, deleting: true }));
      api.put(
        PATHS.endpointslices,
        slice([
          [B2, DRAINING],
          [G1, READY],
          [G2, READY],
        ]),
      );
    },
    expect: [
      ['pod-terminating', B2],
      ['endpoint-serving', B2],
    ],
  },
  {
    apply: (api) =>
      api.put(
        PATHS.endpointslices,
        slice([
          [G1, READY],
          [G2, READY],
        ]),
      ),
    expect: [['endpoint-removed', B2]],
  },
  {
    apply: (api) => {
      api.delete(PATHS.pods, B2);
      api.put(PATHS.deployments, deployment(2, 'green', { updated: 2, ready: 2, available: 2, replicas: 2 }));
    },
    expect: [['pod-gone', B2], ['rollout-finished']],
  },
];
