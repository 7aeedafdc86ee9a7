/**
 * Every error answer is JSON naming the problem: `{ "error": "<code>", "message": "<what and why>", "statusCode": n }`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorBody {
  error: string;
  message: string;
  statusCode: number;
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'unavailable',
};

export function errorBody(statusCode: number, message: string, error?: string): ErrorBody {
  return { error: error ?? CODES[statusCode] ?? `http_${statusCode}`, message, statusCode };
}

export function sendError(
  reply: FastifyReply,
  statusCode: number,
  message: string,
  error?: string,
): FastifyReply {
  return reply.code(statusCode).send(errorBody(statusCode, message, error));
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, 404, `no route for ${request.method} ${request.url}`);
}

export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const problems = error.validation.map((v) => {
      const path = `${where}${v.instancePath}`;
      if (v.keyword === 'additionalProperties') {
        return `${path} has unknown property "${String(v.params.additionalProperty)}"`;
      }
      return `${path} ${v.message ?? 'is invalid'}`;
    });
    return sendError(reply, 400, problems.join('; '), `invalid_${where}`);
  }
  const statusCode =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (statusCode >= 500) {
    request.log.error({ err: error, url: request.url }, 'request failed');
    return sendError(reply, statusCode, 'internal error');
  }
  return sendError(reply, statusCode, error.message);
}
