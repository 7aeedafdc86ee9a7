/**
 * `--kube`: watches the app's pods, their ReplicaSets and Deployment, the Service's EndpointSlices and the
 * namespace's Warning Events, and turns every change into a lifecycle event (cluster-view.ts). Loaded only
 * when --kube is given. Nothing here may end the load: a missing permission or an unreachable API server is
 * said once (and said again when it is over), and the watches keep trying in the background.
 */
import type { KubeOptions } from '../options.js';
import { ApiStatusError, connectApi, type ApiClient } from './api-client.js';
import { ClusterView, type ClusterEvent, type Resource } from './cluster-view.js';
import { listWatch, type ListWatchSpec } from './list-watch.js';

export interface ClusterSink {
  event(event: ClusterEvent): void;
  /** A line for the user (stderr): problems and recoveries. */
  problem(line: string): void;
}

export interface ClusterWatch {
  close(): Promise<void>;
}

/** A dropped watch is normal (load balancers cut long requests): said only when it keeps failing. */
const DROPS_BEFORE_TELLING = 3;

export function watchCluster(
  options: KubeOptions,
  sink: ClusterSink,
  connect: (context: string | null) => ApiClient = connectApi,
  backoff?: { minMs: number; maxMs: number },
): ClusterWatch {
  let api: ApiClient;
  try {
    api = connect(options.context);
  } catch (error) {
    sink.problem(
      `--kube: no Kubernetes API to watch (${(error as Error).message}); the load goes on without cluster events`,
    );
    return { close: async () => undefined };
  }
  const namespace = options.namespace ?? api.defaultNamespace;
  const view = new ClusterView();
  const stopper = new AbortController();
  const told = new Set<string>();

  const tell = (key: string, line: string): void => {
    if (told.has(key)) return;
    told.add(key);
    sink.problem(`--kube: ${line}`);
  };

  const watches = specs(namespace, options).map(([resource, spec]) =>
    listWatch(
      api,
      spec,
      {
        sync: (items) => view.sync(resource, items, Date.now()).forEach((e) => sink.event(e)),
        change: (type, item) => view.change(resource, type, item, Date.now()).forEach((e) => sink.event(e)),
        listed: () => {
          if (told.delete(`forbidden:${resource}`))
            sink.problem(`--kube: watching ${resource} in ${namespace} again`);
          if (told.delete('unreachable'))
            sink.problem(`--kube: the Kubernetes API at ${api.server} answers again`);
        },
        failed: (error, inARow) => {
          if (error instanceof ApiStatusError && (error.status === 401 || error.status === 403)) {
            tell(
              `forbidden:${resource}`,
              `not allowed to watch ${resource} in namespace ${namespace} (${error.status}: ${error.message}); ` +
                `the load goes on without them (the account needs get, list and watch on ${resource})`,
            );
          } else if (isDrop(error) && inARow < DROPS_BEFORE_TELLING) {
            return;
          } else {
            tell(
              'unreachable',
              `cannot reach the Kubernetes API at ${api.server} (${describe(error)}); ` +
                'the load goes on without cluster events, retrying in the background',
            );
          }
        },
      },
      stopper.signal,
      backoff,
    ),
  );

  return {
    async close() {
      stopper.abort();
      await Promise.allSettled(watches);
    },
  };
}

function specs(namespace: string, options: KubeOptions): [Resource, ListWatchSpec][] {
  const ns = encodeURIComponent(namespace);
  const labelSelector = options.selector;
  const list: [Resource, ListWatchSpec][] = [
    ['pods', { path: `/api/v1/namespaces/${ns}/pods`, query: { labelSelector } }],
    ['replicasets', { path: `/apis/apps/v1/namespaces/${ns}/replicasets`, query: { labelSelector } }],
    ['deployments', { path: `/apis/apps/v1/namespaces/${ns}/deployments`, query: {} }],
    ['events', { path: `/api/v1/namespaces/${ns}/events`, query: { fieldSelector: 'type=Warning' } }],
  ];
  if (options.service !== null) {
    list.push([
      'endpointslices',
      {
        path: `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
        query: { labelSelector: `kubernetes.io/service-name=${options.service}` },
      },
    ]);
  }
  return list;
}

function isDrop(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || (error as Error).message === 'aborted';
}

function describe(error: unknown): string {
  if (error instanceof ApiStatusError) return `${error.status}: ${error.message}`;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : (error as Error).message;
}
