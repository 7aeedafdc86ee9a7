/**
 * A stand-in for the Kubernetes API server, the one thing outside this machine: no cluster runs here, so
 * this local HTTP server speaks list and watch the way the real one does, for the few collections
 * `--kube` reads: a list answers `{ items, metadata: { resourceVersion } }`; `?watch=true&resourceVersion=N`
 * streams newline-delimited `{ type, object }` events after N (ADDED/MODIFIED/DELETED, BOOKMARK with
 * `allowWatchBookmarks`), and a version older than the compacted history gets an ERROR event with a 410
 * Status, as etcd compaction makes the real server do, and one newer than its own gets a 504 ERROR event
 * ("Too large resource version"). Tests can cut every open watch (a dropped
 * connection), forbid a collection (403 with a Status body, as RBAC answers) and change objects as a
 * rolling update does. Label selectors: equality terms only (what the loadtester sends). `misbehave` lets
 * a test answer any request its own way first (a stall, a flood, a status, a bad object), as a broken or
 * hostile API server would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FakeObject {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

interface Change {
  version: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: FakeObject;
}

interface Collection {
  objects: Map<string, FakeObject>;
  log: Change[];
}

interface OpenWatch {
  path: string;
  query: URLSearchParams;
  res: ServerResponse;
}

export class FakeKubeApi {
  private readonly server: Server;
  private readonly collections = new Map<string, Collection>();
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private version = 100;
  /** Watches from versions below this get 410 Gone (the history before it was compacted). */
  private compactedBefore = 0;
  readonly forbidden = new Set<string>();
  /** Every request, `GET path?query`, in order. */
  readonly requests: string[] = [];
  /** When set, sees each request first (after it is recorded): true when it answered (or will), false to let the server answer. */
  misbehave: ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean) | null = null;
  port = 0;

  private bookmarks: NodeJS.Timeout | null = null;

  /** `bookmarkEveryMs`: a bookmark on every open watch that often, as the real server's watch cache sends one about once a minute. */
  constructor(options: { bookmarkEveryMs?: number } = {}) {
    if (options.bookmarkEveryMs)
      this.bookmarks = setInterval(() => this.bookmarkAll(), options.bookmarkEveryMs);
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    if (this.bookmarks) clearInterval(this.bookmarks);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig for this server (plain HTTP, which @kubernetes/client-node accepts only with insecure-skip-tls-verify; a token user: the real client adds the Bearer header). */
  kubeconfig(namespace = 'bluegreen'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      'clusters:',
      `- name: fake`,
      `  cluster: { server: "http://127.0.0.1:${this.port}", insecure-skip-tls-verify: true }`,
      'users:',
      '- name: tester',
      '  user: { token: fake-token }',
      'contexts:',
      '- name: fake',
      `  context: { cluster: fake, user: tester, namespace: ${namespace} }`,
      '',
    ].join('\n');
  }

  /** Creates or replaces an object in a collection path such as `/api/v1/namespaces/ns/pods`. */
  put(path: string, object: FakeObject): void {
    const collection = this.collection(path);
    const type = collection.objects.has(object.metadata.name) ? 'MODIFIED' : 'ADDED';
    this.record(path, type, object);
  }

  delete(path: string, name: string): void {
    const collection = this.collection(path);
    const object = collection.objects.get(name);
    if (object) this.record(path, 'DELETED', object);
  }

  /** The stored object (a copy), or undefined. */
  object(path: string, name: string): FakeObject | undefined {
    const found = this.collection(path).objects.get(name);
    return found && structuredClone(found);
  }

  /** Cuts every open watch mid-stream, as a load balancer or an API server restart does. */
  dropWatches(): void {
    for (const w of this.watches) w.res.socket?.destroy();
    this.watches.clear();
  }

  /** Forgets history up to now: watches from older versions get 410 Gone. */
  compact(): void {
    this.compactedBefore = this.version;
  }

  /** Sends a bookmark at the current version on every open watch. */
  bookmarkAll(): void {
    for (const w of this.watches)
      this.send(w, 'BOOKMARK', { metadata: { name: '', resourceVersion: String(this.version) } });
  }

  get openWatches(): number {
    return this.watches.size;
  }

  private collection(path: string): Collection {
    let c = this.collections.get(path);
    if (!c) {
      c = { objects: new Map(), log: [] };
      this.collections.set(path, c);
    }
    return c;
  }

  private record(path: string, type: Change['type'], object: FakeObject): void {
    const version = ++this.version;
    const stored = structuredClone({
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(version) },
    });
    const collection = this.collection(path);
    if (type === 'DELETED') collection.objects.delete(object.metadata.name);
    else collection.objects.set(object.metadata.name, stored);
    collection.log.push({ version, type, object: stored });
    for (const w of this.watches) if (w.path === path && matches(stored, w.query)) this.send(w, type, stored);
  }

  private send(w: OpenWatch, type: string, object: unknown): void {
    w.res.write(JSON.stringify({ type, object }) + '\n');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.misbehave?.(req, res, url)) return;
    if (req.headers.authorization !== 'Bearer fake-token') return status(res, 401, 'Unauthorized');
    if (this.forbidden.has(url.pathname)) {
      const resource = url.pathname.split('/').at(-1);
      return status(
        res,
        403,
        `${resource} is forbidden: User "system:serviceaccount:bluegreen:dashboard" cannot list resource "${resource}"`,
      );
    }
    const collection = this.collection(url.pathname);
    if (url.searchParams.get('watch') !== 'true') {
      const items = [...collection.objects.values()].filter((o) => matches(o, url.searchParams));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(this.version) }, items }));
      return;
    }
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // As kube-apiserver does (serveWatch flushes at once): a quiet watch has its headers before any event.
    res.flushHeaders();
    const w: OpenWatch = { path: url.pathname, query: url.searchParams, res };
    if (from > this.version) {
      // As kube-apiserver answers a version it has not reached (it waits 3 s first; this one does not).
      this.send(w, 'ERROR', {
        kind: 'Status',
        status: 'Failure',
        code: 504,
        reason: 'Timeout',
        message: `Timeout: Too large resource version: ${from}, current: ${this.version}`,
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
      });
      res.end();
      return;
    }
    if (from < this.compactedBefore) {
      this.send(w, 'ERROR', {
        kind: 'Status',
        status: 'Failure',
        code: 410,
        reason: 'Expired',
        message: `too old resource version: ${from} (${this.compactedBefore})`,
      });
      res.end();
      return;
    }
    for (const change of collection.log)
      if (change.version > from && matches(change.object, url.searchParams))
        this.send(w, change.type, change.object);
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
  }
}

function status(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
}

function matches(object: FakeObject, query: URLSearchParams): boolean {
  const labels = object.metadata.labels ?? {};
  for (const term of (query.get('labelSelector') ?? '').split(',').filter(Boolean)) {
    const [key, value] = term.split('=') as [string, string | undefined];
    if (labels[key.trim()] !== value?.trim()) return false;
  }
  for (const term of (query.get('fieldSelector') ?? '').split(',').filter(Boolean)) {
    const [key, value] = term.split('=') as [string, string];
    if ((object as Record<string, unknown>)[key] !== value) return false;
  }
  return true;
}
