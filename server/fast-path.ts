/**
 * The routes a load test hammers (`GET /api/info`, `GET /`, `GET /delay/:ms`), answered straight from
 * node:http in front of fastify, with the same body, headers, metrics and request count as fastify's
 * routes. Profiling serve under wrk showed fastify's per-request machinery (routing, request and reply
 * objects, a child logger, the hook runners, onSend) costing 10–15 % of a request next to a bare
 * node:http server; the app is the load target, so it must not be the bottleneck.
 *
 * A request takes this path only while nothing would change its answer: no fault injection, no rate
 * limit, not closing (fastify then adds `Connection: close`), and a path in its plain form (no query,
 * a delay within bounds). Everything else, and every other route, goes to fastify unchanged.
 * `app.inject()` never comes here (it calls fastify directly): test/server/fast-path.test.ts compares
 * both over real sockets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context.js';
import type { Identity } from './identity.js';
import type { RateLimit } from './rate-limit.js';
import { wantsHtml } from './routes/web.js';

export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const JSON_TYPE = 'application/json; charset=utf-8';
const DELAY_PREFIX = '/delay/';
const NOT_DIGITS = /\D/;

interface FastPathOptions {
  /** The identity and CORS headers every response carries. */
  headers: Record<string, string>;
  rateLimit: RateLimit | null;
  /** `GET /` sends the page to browsers when there is one: those requests go to fastify. */
  servesPage: boolean;
}

/** `{"color":…,"startedAt":"…"` : the identity as JSON without its closing brace, written once. */
function identityPrefix(identity: Identity): string {
  return JSON.stringify(identity).slice(0, -1);
}

export function createFastPath(ctx: ServerContext, options: FastPathOptions): FastPath {
  const { lifecycle, faults, metrics, stats, config } = ctx;
  const { rateLimit, servesPage } = options;
  const prefix = identityPrefix(ctx.identity);
  // Flat [name, value, …] lists that writeHead takes as they are, the last value being the length:
  // set just before each writeHead, which reads the list at once (no list or object per response).
  const fixed = Object.entries(options.headers).flat();
  const infoHeaders = ['content-type', JSON_TYPE, ...fixed, 'content-length', ''];
  const rootHeaders = servesPage ? ['vary', 'Accept', ...infoHeaders] : infoHeaders;

  function send(res: ServerResponse, headerList: string[], body: string): void {
    headerList[headerList.length - 1] = String(Buffer.byteLength(body));
    res.writeHead(200, headerList);
    res.end(body);
  }

  function finish(route: string, startedAt: number): void {
    stats.requests += 1;
    metrics.record(route, 'GET', 200, (performance.now() - startedAt) / 1000);
  }

  function info(res: ServerResponse, route: string, headerList: string[], startedAt: number): void {
    const uptimeSeconds = Math.round((Date.now() - stats.startedAtMs) / 100) / 10;
    send(res, headerList, `${prefix},"uptimeSeconds":${uptimeSeconds},"requestsServed":${stats.requests}}`);
    finish(route, startedAt);
  }

  function delay(req: IncomingMessage, res: ServerResponse, ms: number, startedAt: number): void {
    const socket = req.socket;
    // The same fields, in the same order, as server/routes/delay.ts.
    send(
      res,
      infoHeaders,
      `${prefix},"host":${JSON.stringify(req.headers.host ?? null)},"method":"GET","url":${JSON.stringify(req.url)}` +
        `,"headers":${JSON.stringify(req.headers)},"remote_addr":${JSON.stringify(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`)}` +
        `,"delayMs":${ms}}`,
    );
    finish('/delay/:ms', startedAt);
  }

  return (req, res) => {
    if (req.method !== 'GET' || rateLimit !== null || faults.active || lifecycle.closing) return false;
    const url = req.url!;
    const startedAt = performance.now();
    if (url === '/api/info') {
      info(res, '/api/info', infoHeaders, startedAt);
      return true;
    }
    if (url === '/') {
      if (servesPage && wantsHtml(req)) return false;
      info(res, '/', rootHeaders, startedAt);
      return true;
    }
    if (!url.startsWith(DELAY_PREFIX)) return false;
    const digits = url.slice(DELAY_PREFIX.length);
    // What routes/params.ts accepts; anything else gets fastify's 400 naming the problem.
    if (digits.length === 0 || digits.length > 16 || NOT_DIGITS.test(digits)) return false;
    const ms = Number(digits);
    if (ms > config.maxDelayMs) return false;
    if (ms === 0) delay(req, res, 0, startedAt);
    else setTimeout(delay, ms, req, res, ms, startedAt);
    return true;
  };
}
