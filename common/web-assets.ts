/**
 * The built dashboard's files (dist/web) for the two servers that hand them out: the app
 * (server/routes/web.ts) and `load --ui` (loadtester/dashboard/ui-server.ts). Each keeps its own routes and caching.
 */
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

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

/**
 * The dashboard's Content-Security-Policy, sent with its files by both servers. Scripts, styles, images and
 * fonts come from its own origin only, so text a target sends (a colour) can never make the page load
 * anything from elsewhere; connections go to its own origin ('self' covers ws:/wss: to the same host, the
 * stream). Svelte's style directives set properties through the CSSOM, which style-src does not govern;
 * the page has no inline script or style element. `connectAnywhere`: the app's page, whose browser mode
 * may send its requests to an absolute URL on another origin (the app's CORS headers are made for it).
 */
export function dashboardCsp(connectAnywhere = false): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${connectAnywhere ? ' http: https:' : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface WebFile {
  path: string;
  contentType: string;
}

/**
 * The file a decoded request path names below `root` (an absolute, resolved directory), or null when
 * there is none: missing, a directory, or outside `root` (`..`, a NUL byte).
 */
export async function findWebFile(root: string, relative: string): Promise<WebFile | null> {
  const path = resolve(root, relative);
  if (relative.includes('\0') || !path.startsWith(root + sep)) return null;
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  return { path, contentType: contentTypeOf(path) };
}
