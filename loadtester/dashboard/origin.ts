/**
 * Which pages may open the dashboard's stream. Browsers send `Origin` on every WebSocket handshake and
 * do not apply CORS to it, so without this check any site the operator visits could read the stream and,
 * with `--allow-control`, drive the run. Accepted: the dashboard's own origin (the Origin's host is the
 * Host the request was sent to), the origins named with `--ui-origin` (a proxy in front that changes the
 * Host), and handshakes without Origin: those come from programs (curl, ws clients, tests), never from a
 * page, and a control token still guards what they may do.
 */
import type { Parse } from '../../common/parsers.js';
import { UsageError } from '../../common/usage-error.js';

/** `https://dash.example.com[:port]`, normalised as browsers send it (lower case, no default port). */
function normalOrigin(raw: string): string | null {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** `--ui-origin`: one origin or a comma-separated list. */
export const parseOrigins: Parse<string[]> = (raw, source) =>
  raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const origin = normalOrigin(part.replace(/\/$/, ''));
      if (origin === null) {
        throw new UsageError(
          `${source}: "${part}" is not an origin (scheme://host[:port], e.g. https://dash.example.com)`,
        );
      }
      return origin;
    });

/** May a handshake with this Origin, sent to this Host, open the stream? */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  extra: readonly string[] = [],
): boolean {
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  const normal = normalOrigin(origin);
  if (normal === null) return false;
  if (extra.includes(normal)) return true;
  if (host === undefined) return false;
  const page = new URL(normal);
  try {
    // The Host as the page's scheme would write it, so `example.com:443` equals `https://example.com`.
    return new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}
