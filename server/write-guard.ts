/**
 * The endpoints that change the app (PUT /api/faults, /cpu, /memory) are for the operator, not for every
 * page the operator's browser visits. CORS preflights never allow writes (see app.ts), but a GET such as
 * `<img src=http://app/memory/256>` needs no preflight, so these routes also refuse what the browser marks
 * as coming from another site: `Sec-Fetch-Site` (Chromium, Firefox, Safari), else an `Origin` that is not
 * the app's own. curl, the loadtester and probes send neither and pass.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

/** The other site, when the request came from one; null for same-origin and non-browser requests. */
export function crossSiteSource(request: FastifyRequest): string | null {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (site === 'cross-site' || site === 'same-site') return origin ?? `Sec-Fetch-Site: ${site}`;
  if (origin === undefined || site === 'same-origin') return null;
  if (origin === 'null') return 'Origin: null';
  try {
    return new URL(origin).host === request.headers.host ? null : origin;
  } catch {
    return origin;
  }
}

/** Sends 403 and returns false when a page on another site asked for `what`. */
export function refuseCrossSite(request: FastifyRequest, reply: FastifyReply, what: string): boolean {
  const source = crossSiteSource(request);
  if (source === null) return true;
  sendError(reply, 403, `${what} refuses requests from other sites (${source})`, 'cross_site');
  return false;
}

/** Sends 401 and returns false unless the request carries `Authorization: Bearer <token>`. */
export function requireToken(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | null,
  what: string,
  setting: string,
): boolean {
  if (token === null) return true;
  const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  // node:crypto is loaded here, on first use, rather than on serve's start path (it takes milliseconds).
  if (a.length === b.length && process.getBuiltinModule('node:crypto').timingSafeEqual(a, b)) return true;
  reply.header('www-authenticate', 'Bearer');
  sendError(reply, 401, `${what} needs "Authorization: Bearer <token>" (${setting})`, 'unauthorized');
  return false;
}

/** 403 for /cpu and /memory when LOAD_ENDPOINTS=off. */
export function loadEndpointsOff(reply: FastifyReply, path: string): FastifyReply {
  return sendError(reply, 403, `${path} is off (LOAD_ENDPOINTS=off)`, 'forbidden');
}
