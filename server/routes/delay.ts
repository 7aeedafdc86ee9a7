/** `GET /delay/:ms`: waits, then echoes the request as the seed lab server did, plus the identity. */
import type { FastifyInstance } from 'fastify';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerContext } from '../context.js';
import { sendError } from '../errors.js';
import { wholeNumber } from './params.js';

export function registerDelayRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { ms: string } }>('/delay/:ms', async (request, reply) => {
    const ms = wholeNumber(request.params.ms, 'delay ms', 0, ctx.config.maxDelayMs);
    if (!ms.ok) return sendError(reply, 400, `${ms.message} (MAX_DELAY_MS)`);
    if (ms.value > 0) await sleep(ms.value);
    const socket = request.raw.socket;
    return {
      ...ctx.identity,
      hostname: hostname(),
      host: request.headers.host ?? null,
      method: request.method,
      url: request.url,
      headers: request.headers,
      remote_addr: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`,
      delayMs: ms.value,
    };
  });
}
