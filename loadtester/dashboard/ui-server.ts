/**
 * `--ui`: serves the built dashboard (dist/web) and the stream over ws. Both work under any path prefix,
 * because an Ingress may or may not strip `/dashboard` before the request reaches us.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { STREAM_PATH } from '../../protocol/stream.js';
import { webDistDir } from '../../common/package-info.js';
import { dashboardCsp, findWebFile, type WebFile } from '../../common/web-assets.js';
import type { Hub } from './hub.js';
import { originRefusal } from './origin.js';

export interface UiServerOptions {
  port: number;
  host?: string;
  /** Every ws client of the stream path joins this hub. */
  hub: Hub;
  /** Where the built dashboard lives; dist/web by default. */
  webDir?: string;
  /** Origins besides the dashboard's own that may open the stream (`--ui-origin`). */
  origins?: readonly string[];
  /** Prometheus metrics at `/metrics` (under any prefix too); none when absent. */
  metrics?: { text(): Promise<string>; contentType: string };
}

export interface UiServer {
  /** e.g. http://127.0.0.1:8090/ */
  url: string;
  port: number;
  /** Ends the stream's clients and the server. */
  close(): Promise<void>;
}

/** True for `/api/stream` and `/<any prefix>/api/stream`. */
export function isStreamPath(pathname: string): boolean {
  return pathname === `/${STREAM_PATH}` || pathname.endsWith(`/${STREAM_PATH}`);
}

/** The built dashboard is at most `assets/<file>` deep: a longer path only adds a prefix to strip. */
const MAX_FILE_SEGMENTS = 3;

/**
 * Files to try for a request path, most specific first: the path without each leading segment (a prefix
 * such as an Ingress's `/dashboard/`), of at most MAX_FILE_SEGMENTS segments, so a path of thousands of
 * segments costs three lookups, not thousands.
 */
export function candidateFiles(pathname: string): string[] {
  const segments = pathname.split('/').slice(1);
  const out: string[] = [];
  for (let i = Math.max(0, segments.length - MAX_FILE_SEGMENTS); i < segments.length; i++) {
    const rest = segments.slice(i).join('/');
    out.push(rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest);
  }
  return out;
}

async function findFile(root: string, pathname: string): Promise<WebFile | null> {
  for (const candidate of candidateFiles(pathname)) {
    const file = await findWebFile(root, candidate);
    if (file) return file;
  }
  return null;
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = await findFile(root, pathname);
  if (!file) {
    const last = pathname.split('/').pop() ?? '';
    if (last !== '' && !last.includes('.')) {
      // `/dashboard` → `dashboard/`, relative, so the page's relative asset paths resolve under the prefix.
      res.writeHead(302, { location: `${encodeURIComponent(last)}/` }).end();
      return;
    }
    const built = await stat(join(root, 'index.html')).catch(() => null);
    res
      .writeHead(built ? 404 : 503, { 'content-type': 'text/plain; charset=utf-8' })
      .end(built ? 'not found\n' : 'the dashboard is not built (run npm run build)\n');
    return;
  }
  const isIndex = file.path.endsWith('index.html');
  res.writeHead(200, {
    'content-type': file.contentType,
    'cache-control': isIndex ? 'no-cache' : 'public, max-age=3600',
    'content-security-policy': dashboardCsp(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file.path).pipe(res);
}

/** The request-target's path; null when it does not parse (`//a:99999/…`). */
function requestPath(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://x').pathname;
  } catch {
    return null;
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string, why: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(why) + 1}\r\n\r\n${why}\n`,
  );
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const root = resolve(options.webDir ?? webDistDir);
  const { hub } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const { metrics, origins } = options;
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const pathname = requestPath(req.url);
    if (metrics && pathname !== null && (pathname === '/metrics' || pathname.endsWith('/metrics'))) {
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    serveStatic(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    // Until ws takes the socket, a client that resets it must not crash the process.
    socket.on('error', () => socket.destroy());
    const pathname = requestPath(req.url);
    if (pathname === null) return refuseUpgrade(socket, 400, 'Bad Request', 'malformed request-target');
    if (!isStreamPath(pathname)) return refuseUpgrade(socket, 404, 'Not Found', 'not the stream');
    const refusal = originRefusal(req.headers.origin, req.headers.host, { listenHost: host, origins });
    if (refusal !== null) return refuseUpgrade(socket, 403, 'Forbidden', refusal);
    wss.handleUpgrade(req, socket, head, (ws) => hub.addClient(ws, req.socket.remoteAddress ?? 'unknown'));
  });
  server.listen(options.port, host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    async close() {
      hub.closeAll();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
