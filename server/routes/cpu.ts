/**
 * `GET /cpu/:n`: n iterations of busy arithmetic, for HPA demos. The work runs in slices of a few
 * milliseconds with the event loop free in between, and one request at a time (see CpuGate), so probes and
 * other requests still answer within about one slice however many /cpu requests are in flight.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { CpuGate } from '../cpu-gate.js';
import { sendError } from '../errors.js';
import { loadEndpointsOff, refuseCrossSite } from '../write-guard.js';
import { wholeNumber } from './params.js';

const SLICE_MS = 10;
/** /cpu requests waiting for their turn before the next one is answered 503. */
export const CPU_QUEUE_LIMIT = 64;
const CHECK_EVERY = 20_000;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `iterations` steps of arithmetic in time slices; stops early when `cancelled()` turns true. */
export async function burnCpu(iterations: number, cancelled: () => boolean): Promise<number> {
  let x = 1;
  let done = 0;
  while (done < iterations) {
    const sliceEnd = performance.now() + SLICE_MS;
    while (done < iterations && performance.now() < sliceEnd) {
      const stop = Math.min(iterations, done + CHECK_EVERY);
      for (let i = done; i < stop; i++) x = (x * 1.000001 + Math.sqrt(i)) % 1_000_003;
      done = stop;
    }
    if (done < iterations) {
      await yieldToLoop();
      if (cancelled()) break;
    }
  }
  return x;
}

export function registerCpuRoute(app: FastifyInstance, ctx: ServerContext): void {
  const gate = new CpuGate(CPU_QUEUE_LIMIT);
  app.get<{ Params: { n: string } }>('/cpu/:n', async (request, reply) => {
    if (!ctx.config.loadEndpoints) return loadEndpointsOff(reply, '/cpu');
    if (!refuseCrossSite(request, reply, 'GET /cpu')) return reply;
    const n = wholeNumber(request.params.n, 'cpu iterations', 0, ctx.config.maxCpuIterations);
    if (!n.ok) return sendError(reply, 400, `${n.message} (MAX_CPU_ITERATIONS)`);
    const arrived = performance.now();
    const release = await gate.enter();
    if (!release) {
      reply.header('retry-after', '1');
      return sendError(reply, 503, `${CPU_QUEUE_LIMIT} /cpu requests are already waiting; try again later`);
    }
    const started = performance.now();
    try {
      // A client that hung up (also while it waited) does not need its answer: stop burning for it.
      const hungUp = (): boolean => request.raw.socket.destroyed;
      const result = hungUp() ? 0 : await burnCpu(n.value, hungUp);
      return {
        iterations: n.value,
        ms: Math.round(performance.now() - started),
        queuedMs: Math.round(started - arrived),
        result,
        color: ctx.identity.color,
        pod: ctx.identity.pod,
      };
    } finally {
      release();
    }
  });
}
