/**
 * `GET /memory/:mb`: allocates that many MiB, touches every page and holds it, to show memory limits and
 * OOM kills. The total held is bounded by MAX_MEMORY_MB. `DELETE /memory` lets it all go.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { sendError } from '../errors.js';
import { loadEndpointsOff, refuseCrossSite } from '../write-guard.js';
import { wholeNumber } from './params.js';

const MIB = 1024 * 1024;

export function registerMemoryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const held: Buffer[] = [];
  const heldMb = (): number => held.reduce((sum, b) => sum + b.length / MIB, 0);
  const max = ctx.config.maxMemoryMb;

  app.get<{ Params: { mb: string } }>('/memory/:mb', (request, reply) => {
    if (!ctx.config.loadEndpoints) return loadEndpointsOff(reply, '/memory');
    if (!refuseCrossSite(request, reply, 'GET /memory')) return reply;
    const mb = wholeNumber(request.params.mb, 'memory mb', 0, max);
    if (!mb.ok) return sendError(reply, 400, `${mb.message} (MAX_MEMORY_MB)`);
    const already = heldMb();
    if (already + mb.value > max) {
      return sendError(
        reply,
        409,
        `holding ${already} MiB already; ${mb.value} more would pass MAX_MEMORY_MB (${max}). DELETE /memory releases it.`,
      );
    }
    // Filling (not just allocating) makes the pages resident, so RSS and the cgroup see them.
    if (mb.value > 0) held.push(Buffer.alloc(mb.value * MIB, 1));
    return {
      allocatedMb: mb.value,
      heldMb: heldMb(),
      maxMb: max,
      rssMb: Math.round(process.memoryUsage.rss() / MIB),
    };
  });

  app.delete('/memory', (request, reply) => {
    if (!ctx.config.loadEndpoints) return loadEndpointsOff(reply, '/memory');
    if (!refuseCrossSite(request, reply, 'DELETE /memory')) return reply;
    const released = heldMb();
    held.length = 0;
    return { releasedMb: released, heldMb: 0 };
  });
}
