/**
 * `--kube`: watches the app's pods, their ReplicaSets and Deployment, the Service's EndpointSlices and the
 * namespace's Warning Events, and turns every change into a lifecycle event (cluster-view.ts). Loaded only
 * when --kube is given. Nothing here may end the load: a missing permission, an unreachable, failing or
 * silent API server, a malformed object is said once (and said again when it is over), and the watches keep
 * trying in the background, with backoff (list-watch.ts).
 */
import type { ClusterViewFailure, ClusterViewProblem } from '../../protocol/events.js';
import { IDENTITY_VALUE_LIMIT } from '../../protocol/outcomes.js';
import type { KubeOptions } from '../options.js';
import { ApiStatusError, connectApi, type ApiClient } from './api-client.js';
import { ClusterView, type ClusterEvent, type Resource } from './cluster-view.js';
import {
  CLIENT_GO_TIMING,
  Gone,
  listWatch,
  Malformed,
  ShortWatch,
  TimedOut,
  type ListWatchSpec,
  type ListWatchTiming,
} from './list-watch.js';

export interface ClusterSink {
  event(event: ClusterEvent): void;
  /** A line for the user (stderr): problems and recoveries. */
  problem(line: string): void;
}

export interface ClusterWatch {
  close(): Promise<void>;
}

/**
 * A dropped or short watch, or one 410, happens to a healthy cluster too (load balancers cut long requests,
 * history is compacted): said only when it keeps happening.
 */
const TRANSIENT_BEFORE_TELLING = 3;

/** The API server's own words go into the line: cut, as they reach the stream, the report and the page. */
const VIEW_TEXT_LIMIT = 512;

export function watchCluster(
  options: KubeOptions,
  sink: ClusterSink,
  connect: (context: string | null) => ApiClient = connectApi,
  timing: Partial<ListWatchTiming> = {},
): ClusterWatch {
  let api: ApiClient;
  try {
    api = connect(options.context);
  } catch (error) {
    const line = `no Kubernetes API to watch (${(error as Error).message}); the load goes on without cluster events`;
    sink.problem(`--kube: ${line}`);
    const namespace = (options.namespace ?? '').slice(0, IDENTITY_VALUE_LIMIT);
    sink.event(viewEvent('cluster-view-failed', line, { problem: 'no-api', resource: '', namespace }));
    return { close: async () => undefined };
  }
  const namespace = options.namespace ?? api.defaultNamespace;
  const view = new ClusterView();
  const stopper = new AbortController();
  const told = new Set<string>();
  // The resources whose last outcome was a failure of the API (not a permission): the API is back, and
  // said so, only when none is left; so "back" is never said between two failures.
  const down = new Set<Resource>();
  // Per resource: transient failures since its last healthy watch or other failure.
  const transient = new Map<Resource, number>();

  // What the cluster view lacks, as events too: the stream, the report and the page hear of it, not only stderr.
  const failures = new Map<string, ClusterViewFailure>();
  const tell = (key: string, line: string, failure?: ClusterViewFailure): void => {
    if (told.has(key)) return;
    told.add(key);
    sink.problem(`--kube: ${line}`);
    if (!failure) return;
    failures.set(key, failure);
    sink.event(viewEvent('cluster-view-failed', line, failure));
  };
  const back = (key: string, line: string): void => {
    if (!told.delete(key)) return;
    sink.problem(`--kube: ${line}`);
    const failure = failures.get(key);
    failures.delete(key);
    if (failure) sink.event(viewEvent('cluster-view-back', line, failure));
  };
  const backIfAllUp = (): void => {
    if (down.size === 0)
      back('api', `the Kubernetes API at ${api.server} answers again; cluster events resume`);
  };
  const failure = (error: unknown, resource: Resource): ClusterViewFailure => ({
    problem: problemOf(error),
    resource,
    namespace: namespace.slice(0, IDENTITY_VALUE_LIMIT),
    ...(error instanceof ApiStatusError ? { status: error.status } : {}),
  });

  const watches = specs(namespace, options).map(([resource, spec]) =>
    listWatch(
      api,
      spec,
      {
        sync: (items) => view.sync(resource, items, Date.now()).forEach((e) => sink.event(e)),
        change: (type, item) => view.change(resource, type, item, Date.now()).forEach((e) => sink.event(e)),
        healthy: () => {
          down.delete(resource);
          transient.delete(resource);
          back(`forbidden:${resource}`, `watching ${resource} in ${namespace} again`);
          backIfAllUp();
        },
        skipped: (what) =>
          tell(
            `skipped:${resource}`,
            `skipped ${what} among the ${resource} from ${api.server}; the others are watched as usual`,
          ),
        failed: (error) => {
          const streak = isTransient(error) ? (transient.get(resource) ?? 0) + 1 : 0;
          transient.set(resource, streak);
          if (error instanceof ApiStatusError && (error.status === 401 || error.status === 403)) {
            down.delete(resource);
            tell(
              `forbidden:${resource}`,
              `not allowed to watch ${resource} in namespace ${namespace} (${error.status}: ${error.message}); ` +
                `the load goes on without them (the account needs get, list and watch on ${resource})`,
              failure(error, resource),
            );
            backIfAllUp();
            return;
          }
          down.add(resource);
          if (streak > 0 && streak < TRANSIENT_BEFORE_TELLING) return;
          tell(
            'api',
            `${whatFailed(error, resource, api.server)}; the load goes on without cluster events, retrying in the background`,
            failure(error, resource),
          );
        },
      },
      stopper.signal,
      { ...CLIENT_GO_TIMING, ...timing },
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

/** What happens now and then to a healthy cluster: a dropped connection, a short watch, one 410. */
function isTransient(error: unknown): boolean {
  if (error instanceof ShortWatch || error instanceof Gone) return true;
  if (error instanceof ApiStatusError) return error.status === 410;
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || (error as Error).message === 'aborted';
}

function viewEvent(
  kind: 'cluster-view-failed' | 'cluster-view-back',
  line: string,
  clusterView: ClusterViewFailure,
): ClusterEvent {
  return { t: Date.now(), kind, source: 'kube', message: line.slice(0, VIEW_TEXT_LIMIT), clusterView };
}

function problemOf(error: unknown): ClusterViewProblem {
  if (error instanceof ApiStatusError)
    return error.status === 401 || error.status === 403
      ? 'forbidden'
      : error.status === 410
        ? 'gone'
        : 'status';
  if (error instanceof TimedOut) return 'timed-out';
  if (error instanceof Malformed) return 'malformed';
  if (error instanceof ShortWatch) return 'short-watch';
  if (error instanceof Gone) return 'gone';
  return 'unreachable';
}

/** One phrase for the user: what failed, and where. */
function whatFailed(error: unknown, resource: Resource, server: string): string {
  if (error instanceof TimedOut)
    return `the Kubernetes API at ${server} timed out on ${resource} (${error.message})`;
  if (error instanceof Malformed)
    return `the Kubernetes API at ${server} sent a malformed answer for ${resource} (${error.message})`;
  if (error instanceof ShortWatch)
    return `the Kubernetes API at ${server} ends every watch of ${resource} at once`;
  if (error instanceof Gone)
    return `the Kubernetes API at ${server} keeps answering 410 Gone to the watch of ${resource}`;
  if (error instanceof ApiStatusError) {
    const wait =
      error.retryAfterMs === null ? '' : `, Retry-After ${Math.round(error.retryAfterMs / 1000)} s`;
    return `the Kubernetes API at ${server} answers ${resource} with ${error.status} (${error.message}${wait})`;
  }
  const code = (error as { code?: unknown }).code;
  return `cannot reach the Kubernetes API at ${server} (${typeof code === 'string' ? code : (error as Error).message})`;
}
