/**
 * `GET /api/faults` shows and `PUT /api/faults` changes fault injection at runtime. A PUT may carry either
 * field; what it leaves out stays as it was. Body: `{ "errorRate": 0.1, "latencyMs": { "min": 20, "max": 200 } }`.
 * FAULTS_API=off makes it read-only; FAULTS_TOKEN, when set, is required as a bearer token; pages on other
 * sites are refused either way.
 */
import type { FastifyInstance } from 'fastify';
import { EXEMPT, type ServerContext } from '../context.js';
import { sendError } from '../errors.js';
import type { FaultSettings } from '../faults.js';
import { refuseCrossSite, requireToken } from '../write-guard.js';

const MAX_LATENCY_MS = 600_000;
const millis = { type: 'integer', minimum: 0, maximum: MAX_LATENCY_MS } as const;

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    errorRate: { type: 'number', minimum: 0, maximum: 1 },
    latencyMs: {
      type: 'object',
      additionalProperties: false,
      required: ['min', 'max'],
      properties: { min: millis, max: millis },
    },
  },
} as const;

export function registerFaultRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { faults } = ctx;
  app.get('/api/faults', { config: EXEMPT }, () => faults.settings);
  app.put<{ Body: Partial<FaultSettings> }>(
    '/api/faults',
    { config: EXEMPT, schema: { body: bodySchema } },
    (request, reply) => {
      if (!ctx.config.faultsApi) {
        return sendError(
          reply,
          403,
          'PUT /api/faults is off (FAULTS_API=off): faults are read-only',
          'forbidden',
        );
      }
      if (!refuseCrossSite(request, reply, 'PUT /api/faults')) return reply;
      if (!requireToken(request, reply, ctx.config.faultsToken, 'PUT /api/faults', 'FAULTS_TOKEN'))
        return reply;
      const { errorRate, latencyMs } = request.body;
      if (latencyMs && latencyMs.max < latencyMs.min) {
        return sendError(
          reply,
          400,
          `body/latencyMs max (${latencyMs.max}) is below min (${latencyMs.min})`,
          'invalid_body',
        );
      }
      if (errorRate !== undefined) faults.errorRate = errorRate;
      if (latencyMs) faults.latency = { minMs: latencyMs.min, maxMs: latencyMs.max };
      request.log.info({ faults: faults.settings }, 'faults changed');
      return faults.settings;
    },
  );
}
