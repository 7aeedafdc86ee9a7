import type { FastifyInstance } from 'fastify';
import { EXEMPT, type ServerContext } from '../context.js';

export function registerMetricsRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { registry } = ctx.metrics;
  app.get('/metrics', { config: EXEMPT }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
