/** Kubernetes probes. Liveness stays 200 while the process can serve, including while draining. */
import type { FastifyInstance } from 'fastify';
import { EXEMPT, type ServerContext } from '../context.js';

export function registerProbeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/healthz', { config: EXEMPT }, () => ({ status: 'ok', state: ctx.lifecycle.state }));
  app.get('/readyz', { config: EXEMPT }, (_request, reply) => {
    const { state } = ctx.lifecycle;
    return reply.code(ctx.lifecycle.ready ? 200 : 503).send({ ready: ctx.lifecycle.ready, state });
  });
}
