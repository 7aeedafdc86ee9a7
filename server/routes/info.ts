/**
 * `GET /api/info`: the identity as JSON, built from a cached prefix. `GET /`: the dashboard page to
 * browsers when it is built, the same JSON to everyone else (so a loadtester can target `/`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerContext } from '../context.js';
import { sendIndex, wantsHtml } from './web.js';

export function infoResponder(ctx: ServerContext): (reply: FastifyReply) => FastifyReply {
  // The identity never changes, so only the two live fields are serialised per request.
  const prefix = JSON.stringify(ctx.identity).slice(0, -1);
  return (reply) => {
    const uptimeSeconds = Math.round((Date.now() - ctx.stats.startedAtMs) / 100) / 10;
    return reply
      .type('application/json; charset=utf-8')
      .send(`${prefix},"uptimeSeconds":${uptimeSeconds},"requestsServed":${ctx.stats.requests}}`);
  };
}

export function registerInfoRoutes(app: FastifyInstance, ctx: ServerContext, webDir: string | null): void {
  const info = infoResponder(ctx);
  app.get('/api/info', (_request, reply) => info(reply));
  app.get('/', { config: { pageForBrowsers: webDir !== null } }, (request, reply) => {
    if (webDir === null) return info(reply);
    reply.header('vary', 'Accept');
    return wantsHtml(request) ? sendIndex(reply, webDir) : info(reply);
  });
}
