/**
 * The built dashboard (dist/web) for browsers: `GET /` with Accept: text/html gets index.html, and its
 * files are served below `/`. A few lines instead of @fastify/static keep the startup path short.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { notFound } from '../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The dashboard directory when it holds a built page, else null. */
export function usableWebDir(dir: string | null | undefined): string | null {
  return dir && existsSync(join(dir, 'index.html')) ? resolve(dir) : null;
}

export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return accept !== undefined && accept.includes('text/html');
}

async function sendFile(reply: FastifyReply, path: string, immutable: boolean): Promise<FastifyReply> {
  const body = await readFile(path);
  return reply
    .type(TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .send(body);
}

export function sendIndex(reply: FastifyReply, webDir: string): Promise<FastifyReply> {
  return sendFile(reply, join(webDir, 'index.html'), false);
}

export function registerWebRoutes(app: FastifyInstance, webDir: string): void {
  app.get<{ Params: { '*': string } }>('/*', async (request, reply) => {
    const relative = request.params['*'];
    const path = resolve(webDir, relative);
    if (relative.includes('\0') || !path.startsWith(webDir + sep)) return notFound(request, reply);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return notFound(request, reply);
    // Vite puts content-hashed files in assets/: they never change under the same name.
    return sendFile(reply, path, relative.startsWith('assets/'));
  });
}
