/**
 * The Kubernetes API as list and watch need it: @kubernetes/client-node finds the cluster and the
 * credentials (the in-cluster account when the pod has one, else the user's kubeconfig, with exec
 * credential plugins), and plain node:http(s) requests carry them, so a watch's status codes, bookmarks and
 * dropped connections reach list-watch.ts as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the in-cluster account's token is mounted (only when automountServiceAccountToken allows it). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** An answer other than 200: the status and what the API server said (its Status message). */
export class ApiStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What the server's `Retry-After` asked for (429, 503), in ms; null when it asked nothing. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** The most of an error answer that is read: a Status is a few hundred bytes. */
const STATUS_BODY_LIMIT = 4096;
/** A server's message is cut to this before it reaches the terminal. */
const MESSAGE_LIMIT = 200;

export interface ApiClient {
  /** The API server's URL, for messages. */
  readonly server: string;
  /** The namespace to watch when none was given. */
  readonly defaultNamespace: string;
  /**
   * GETs a path; resolves with the 200 response (a stream), rejects with ApiStatusError or a network error.
   * Aborting the signal ends the request and its response wherever they are.
   */
  get(path: string, query: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage>;
}

/** Loads the credentials; throws (with a message for the user) when there is no cluster to talk to. */
export function connectApi(context: string | null): ApiClient {
  const config = new KubeConfig();
  const inCluster =
    context === null &&
    process.env.KUBERNETES_SERVICE_HOST !== undefined &&
    existsSync(SERVICE_ACCOUNT_TOKEN);
  if (inCluster) config.loadFromCluster();
  else config.loadFromDefault();
  if (context !== null) {
    if (!config.getContextObject(context)) throw new Error(`no context "${context}" in the kubeconfig`);
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('no cluster in the kubeconfig (set KUBECONFIG or run inside a pod)');
  const namespace = inCluster
    ? readNamespaceFile()
    : config.getContextObject(config.getCurrentContext())?.namespace;
  return new NodeApiClient(config, cluster.server, namespace ?? 'default');
}

function readNamespaceFile(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

class NodeApiClient implements ApiClient {
  constructor(
    private readonly config: KubeConfig,
    readonly server: string,
    readonly defaultNamespace: string,
  ) {}

  async get(path: string, query: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    // Asked for every request: exec plugins and token files renew credentials.
    const options: RequestOptions & { headers: Record<string, string> } = {
      headers: { accept: 'application/json' },
    };
    await this.config.applyToHTTPSOptions(options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    if (url.protocol !== 'https:') delete options.agent;
    return new Promise((resolve, reject) => {
      const req = send(url, { ...options, method: 'GET', signal }, (response) => {
        if (response.statusCode === 200) return resolve(response);
        readStatus(response).then(
          (message) => reject(new ApiStatusError(response.statusCode ?? 0, message, retryAfter(response))),
          reject,
        );
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** The message of a Status body (`{"kind":"Status","message":…}`), else the HTTP reason. */
async function readStatus(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) {
    text += String(chunk);
    if (text.length >= STATUS_BODY_LIMIT) {
      // A Status is small: the rest of an endless error body is not read.
      response.destroy();
      break;
    }
  }
  try {
    const status = JSON.parse(text) as { message?: unknown };
    if (typeof status.message === 'string') return status.message.slice(0, MESSAGE_LIMIT);
  } catch {
    // not JSON: the reason phrase below
  }
  return `${response.statusCode} ${response.statusMessage ?? ''}`.trim().slice(0, MESSAGE_LIMIT);
}

/** `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3), in ms from now; null when absent or unreadable. */
function retryAfter(response: IncomingMessage): number | null {
  const value = response.headers['retry-after']?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
