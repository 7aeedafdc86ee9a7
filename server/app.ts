/**
 * Builds the target app as a fastify instance: routes, hooks and error handling, and nothing that
 * touches the outside world (no listening, no signal handlers), so tests and the deploy/ checks can
 * build one freely. main.ts listens and runs the lifecycle.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import {
  STATUS_CODES,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { webDistDir } from '../common/package-info.js';
import type { ServeOptions } from './options.js';
import { EXEMPT, type ServerContext } from './context.js';
import { errorBody, errorHandler, notFound, sendError } from './errors.js';
import { createFastPath, type FastPath } from './fast-path.js';
import { Faults } from './faults.js';
import { identityHeaders, resolveIdentity, type Identity } from './identity.js';
import { Lifecycle } from './lifecycle.js';
import { lazyCompilers } from './lazy-compilers.js';
import { createMetrics } from './metrics.js';
import { RateLimit } from './rate-limit.js';
import { registerCpuRoute } from './routes/cpu.js';
import { registerDelayRoute } from './routes/delay.js';
import { registerFaultRoutes } from './routes/faults.js';
import { registerInfoRoutes } from './routes/info.js';
import { registerMemoryRoutes } from './routes/memory.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerProbeRoutes } from './routes/probes.js';
import { registerStatusRoute } from './routes/status.js';
import { registerWebRoutes, usableWebDir, wantsHtml } from './routes/web.js';

export interface BuildOptions {
  /** The built dashboard; defaults to dist/web. null, or a directory without index.html: no dashboard. */
  webDir?: string | null;
  /** false: no logging (tests). */
  logger?: boolean;
  /** Shared with main.ts, which drives it; a fresh one starts in `starting`. */
  lifecycle?: Lifecycle;
  /** Where the pod identity comes from (the downward API variables). */
  env?: NodeJS.ProcessEnv;
}

/** Above the 60 s upstream keep-alive of common proxies (ingress-nginx), so the proxy always hangs up first. */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;
const BODY_LIMIT_BYTES = 64 * 1024;
const PROCESS_METRICS_DELAY_MS = 1000;

function loggerOptions(config: ServeOptions, identity: Identity): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    // process.stdout writes synchronously to files and pipes on Linux, so the last lines before
    // process.exit() are never lost (pino's default async destination can drop them).
    stream: process.stdout,
    base: { pod: identity.pod, color: identity.color, version: identity.version },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
  };
}

/** Answers requests Node's parser rejects (before any route runs) with the same JSON and identity headers. */
function clientErrorHandler(headers: Record<string, string>) {
  const headerLines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(errorBody(status, `malformed request: ${error.code ?? error.message}`));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${headerLines}\r\n${body}`,
    );
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The HTTP server fastify would create (same timeouts), with the fast path in front of its handler.
 * `options` are fastify's, defaults applied.
 */
function serverWithFastPath(fastPath: FastPath, handler: Handler, options: FastifyServerOptions): Server {
  const server = createServer((req, res) => {
    if (!fastPath(req, res)) handler(req, res);
  });
  server.keepAliveTimeout = options.keepAliveTimeout ?? KEEP_ALIVE_TIMEOUT_MS;
  server.requestTimeout = options.requestTimeout ?? 0;
  server.setTimeout(options.connectionTimeout ?? 0);
  return server;
}

export function buildApp(config: ServeOptions, options: BuildOptions = {}): FastifyInstance {
  const identity = resolveIdentity(config, options.env);
  const ctx: ServerContext = {
    config,
    identity,
    lifecycle: options.lifecycle ?? new Lifecycle(),
    faults: new Faults(config.errorRate, config.latency),
    metrics: createMetrics(identity),
    stats: { requests: 0, startedAtMs: Date.now() },
  };
  const headers = identityHeaders(identity);
  const rateLimit = config.rateLimit > 0 ? new RateLimit(config.rateLimit) : null;
  const webDir = usableWebDir(options.webDir === undefined ? webDistDir : options.webDir);
  const fastPath = createFastPath(ctx, { headers, rateLimit, servesPage: webDir !== null });
  const app = Fastify({
    serverFactory: (handler, factoryOptions) =>
      serverWithFastPath(fastPath, handler, factoryOptions as FastifyServerOptions),
    logger: options.logger === false ? false : loggerOptions(config, identity),
    // A log line per request costs throughput; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // During close, requests already on their way are served (with Connection: close), not refused.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT_BYTES,
    clientErrorHandler: clientErrorHandler(headers),
    // A malformed URL is answered before the hooks run: give it the same headers and JSON.
    frameworkErrors: (error, request, reply) => {
      reply.headers(headers);
      const message = error.code === 'FST_ERR_BAD_URL' ? `malformed URL: ${request.url}` : error.message;
      sendError(reply, 400, message);
    },
    // Unknown keys in a body are an error to report, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    schemaController: { compilersFactory: lazyCompilers },
  });

  const { lifecycle, faults, metrics, stats } = ctx;

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    if (lifecycle.closing) reply.header('connection', 'close');
    const { config } = request.routeOptions;
    if (config.exempt || (config.pageForBrowsers && wantsHtml(request))) return done();
    if (rateLimit && !rateLimit.take()) {
      reply.header('retry-after', '1');
      sendError(reply, 429, `over the rate limit of ${rateLimit.limit} requests per second (RATE_LIMIT)`);
      return;
    }
    if (!faults.active) return done();
    const delayMs = faults.nextDelayMs();
    const fail = faults.nextIsError();
    const proceed = (): void => {
      if (fail) sendError(reply, 500, 'injected fault (ERROR_RATE)', 'injected_fault');
      else done();
    };
    if (delayMs > 0) setTimeout(proceed, delayMs);
    else proceed();
  });

  app.addHook('onResponse', (request, reply, done) => {
    stats.requests += 1;
    metrics.record(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  // A second after listening (or at the first scrape): loading prom-client takes tens of milliseconds of
  // CPU, which would otherwise stall the first requests a freshly ready pod gets.
  app.addHook('onListen', (done) => {
    setTimeout(() => void metrics.startProcessMetrics(), PROCESS_METRICS_DELAY_MS).unref();
    done();
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFound);

  // CORS preflight: other origins may read (GET/HEAD, identity headers exposed), never write; the routes
  // that change the app also refuse requests from other sites that need no preflight (write-guard.ts).
  app.options('/*', { config: EXEMPT }, (request, reply) => {
    reply
      .header('access-control-allow-methods', 'GET, HEAD')
      .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });

  registerProbeRoutes(app, ctx);
  registerMetricsRoute(app, ctx);
  registerInfoRoutes(app, ctx, webDir);
  registerFaultRoutes(app, ctx);
  registerDelayRoute(app, ctx);
  registerCpuRoute(app, ctx);
  registerMemoryRoutes(app, ctx);
  registerStatusRoute(app, ctx);
  if (webDir) registerWebRoutes(app, webDir);
  return app;
}
