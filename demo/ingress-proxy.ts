/**
 * The local Ingress: an L7 HTTP proxy that picks a ready backend per request, as an ingress controller
 * does, over a pool of keep-alive upstream connections. Client connections stay open across requests;
 * `Connection: close` from a draining pod ends only that upstream connection.
 */
import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { RoundRobin, type Backend, type Picker } from './backends.js';

// Connection-level headers a proxy must not forward (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && !listed.includes(name)) out[name] = value;
  }
  return out;
}

function answer(res: ServerResponse, status: number, error: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error, status });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface IngressProxyOptions {
  /** Upstream response timeout, like nginx's proxy_read_timeout (60 s). */
  timeoutMs?: number;
  /** How a backend is picked per request: round-robin over every endpoint unless told (the gateway weighs). */
  backends?: Picker;
}

/** nginx's `client_max_body_size` default. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class IngressProxy {
  private readonly backends: Picker;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  // Shorter idle timeout than the app's keepAliveTimeout, so the proxy, not the pod, closes idle upstreams.
  private readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 256, timeout: 60_000 });
  private readonly timeoutMs: number;

  constructor(options: IngressProxyOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.backends = options.backends ?? new RoundRobin();
    this.server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
      // The body is buffered to retry on another pod; past nginx's default limit it is refused, as nginx does.
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        if (size > MAX_BODY_BYTES) return; // refused: the rest is read and dropped
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) {
          chunks.push(chunk);
          return;
        }
        chunks.length = 0;
        res.setHeader('connection', 'close');
        answer(res, 413, 'request body over 1 MiB');
      });
      req.on('end', () => {
        if (size > MAX_BODY_BYTES) return;
        this.forward(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks), res);
      });
      req.on('error', () => res.destroy());
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port: number, host: string): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('ingress proxy: no TCP address');
    return address.port;
  }

  setBackends(backends: readonly Backend[]): void {
    this.backends.set(backends);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.agent.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: ServerResponse,
    failed?: Backend,
  ): void {
    const backend = this.backends.pick(failed);
    if (backend === null) return answer(res, 503, 'no ready endpoints for the service');
    const upstreamHeaders: IncomingHttpHeaders = {
      ...forwardable(headers),
      'x-forwarded-for': res.socket?.remoteAddress ?? '',
      'x-forwarded-proto': 'http',
    };
    delete upstreamHeaders['content-length'];
    if (body.length > 0) upstreamHeaders['content-length'] = String(body.length);
    const upstream = request({
      host: backend.host,
      port: backend.port,
      method,
      path,
      agent: this.agent,
      headers: upstreamHeaders,
      timeout: this.timeoutMs,
    });
    upstream.on('response', (reply) => {
      res.writeHead(reply.statusCode ?? 502, forwardable(reply.headers));
      reply.pipe(res);
      reply.on('error', () => res.destroy());
    });
    upstream.on('timeout', () => {
      upstream.destroy();
      answer(res, 504, `upstream ${backend.pod} timed out`);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent || res.destroyed) return res.destroy();
      // A pooled connection the pod closed just as we reused it: nothing reached the app, so try once
      // more (nginx's proxy_next_upstream does the same for errors before a response).
      if (upstream.reusedSocket && failed === undefined && error.code === 'ECONNRESET') {
        return this.forward(method, path, headers, body, res, backend);
      }
      answer(res, 502, `upstream ${backend.pod}: ${error.code ?? error.message}`);
    });
    upstream.end(body);
  }
}
