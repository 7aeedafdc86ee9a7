/** `GET /status/:code`: answers with that status (200–599), to show error handling on a chart. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { sendError } from '../errors.js';
import { wholeNumber } from './params.js';

export function registerStatusRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { code: string } }>('/status/:code', (request, reply) => {
    // 1xx are interim responses, not answers.
    const code = wholeNumber(request.params.code, 'status code', 200, 599);
    if (!code.ok) return sendError(reply, 400, code.message);
    return reply
      .code(code.value)
      .send({ status: code.value, color: ctx.identity.color, pod: ctx.identity.pod });
  });
}
