import type { FastifyInstance } from 'fastify';
import { EXEMPT, type ServerContext } from '../context.js';

export function registerMetricsRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { metrics } = ctx;
  app.get('/metrics', { config: EXEMPT }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.render()),
  );
}
