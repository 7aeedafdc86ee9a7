/**
 * The built dashboard (dist/web) for browsers: `GET /` with Accept: text/html gets index.html, and its
 * files are served below `/`. A few lines instead of @fastify/static keep the startup path short.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { contentTypeOf, dashboardCsp, findWebFile, type WebFile } from '../../common/web-assets.js';
import { EXEMPT } from '../context.js';
import { notFound } from '../errors.js';

/** The dashboard directory when it holds a built page, else null. */
export function usableWebDir(dir: string | null | undefined): string | null {
  return dir && existsSync(join(dir, 'index.html')) ? resolve(dir) : null;
}

/** A browser asking for a page (fastify's request or node:http's, for the fast path). */
export function wantsHtml(request: Pick<FastifyRequest, 'headers'>): boolean {
  const accept = request.headers.accept;
  return accept !== undefined && accept.includes('text/html');
}

async function sendFile(reply: FastifyReply, file: WebFile, immutable: boolean): Promise<FastifyReply> {
  const body = await readFile(file.path);
  return reply
    .type(file.contentType)
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('content-security-policy', dashboardCsp(true))
    .send(body);
}

export function sendIndex(reply: FastifyReply, webDir: string): Promise<FastifyReply> {
  const path = join(webDir, 'index.html');
  return sendFile(reply, { path, contentType: contentTypeOf(path) }, false);
}

export function registerWebRoutes(app: FastifyInstance, webDir: string): void {
  app.get<{ Params: { '*': string } }>('/*', { config: EXEMPT }, async (request, reply) => {
    const relative = request.params['*'];
    const file = await findWebFile(webDir, relative);
    if (!file) return notFound(request, reply);
    // Vite puts content-hashed files in assets/: they never change under the same name.
    return sendFile(reply, file, relative.startsWith('assets/'));
  });
}
