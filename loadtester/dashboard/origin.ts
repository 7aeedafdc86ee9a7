/**
 * Which pages may open the dashboard's stream. Browsers send `Origin` on every WebSocket handshake and
 * do not apply CORS to it, so without this check any site the operator visits could read the stream and,
 * with `--allow-control`, drive the run. Accepted: the dashboard's own origin (the Origin's host is the
 * Host the request was sent to, and that Host is one of the dashboard's names: see ownHost), the origins
 * named with `--ui-origin` (a proxy in front that changes the Host), and handshakes without Origin: those
 * come from programs (curl, ws clients, tests), never from a page, and a control token still guards what
 * they may do.
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

/** What the dashboard knows of its own names: the address it listens on and the `--ui-origin` origins. */
export interface OwnNames {
  /** `--ui-host`; `0.0.0.0` or `::` name no host. */
  listenHost?: string;
  origins?: readonly string[];
}

/** The hostname as URL writes it (lower case, IPv6 in brackets, `127.1` as `127.0.0.1`); null if it does not parse. */
function hostnameOf(host: string): string | null {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return null;
  }
}

function listenName(listenHost: string | undefined): string | null {
  if (listenHost === undefined || listenHost === '0.0.0.0' || listenHost === '::') return null;
  return hostnameOf(listenHost.includes(':') ? `[${listenHost}]` : listenHost);
}

/**
 * Is this Host a name of the dashboard's? A DNS rebinding page (`rebind.example` resolving to 127.0.0.1)
 * sends its own name as both Origin and Host, so equal ones prove nothing by themselves. Names no DNS
 * answer can point elsewhere are ours: an address (IPv4 or IPv6), `localhost` and `*.localhost`
 * (browsers resolve them to loopback themselves, RFC 6761). Besides those: the name the dashboard listens
 * on, and the hosts of the `--ui-origin` origins. The port is not compared: `kubectl port-forward` and
 * `ssh -L` choose their own, and a rebinding attack forges the name, not the port.
 */
export function ownHost(host: string, own: OwnNames = {}): boolean {
  const name = hostnameOf(host);
  if (name === null) return false;
  if (name.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === listenName(own.listenHost)) return true;
  return (own.origins ?? []).some((origin) => new URL(origin).hostname === name);
}

/**
 * Why a handshake with this Origin, sent to this Host, may not open the stream; null when it may. A page
 * is the dashboard's own when its origin's host is the Host and that Host is one of the dashboard's names.
 */
export function originRefusal(
  origin: string | undefined,
  host: string | undefined,
  own: OwnNames = {},
): string | null {
  if (origin === undefined) return null;
  const other = 'this origin may not open the stream (see --ui-origin)';
  if (origin === 'null') return other;
  const normal = normalOrigin(origin);
  if (normal === null) return other;
  if (own.origins?.includes(normal)) return null;
  if (host === undefined) return other;
  const page = new URL(normal);
  let sameHost: boolean;
  try {
    // The Host as the page's scheme would write it, so `example.com:443` equals `https://example.com`.
    sameHost = new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return other;
  }
  if (!sameHost) return other;
  if (!ownHost(host, own))
    return `Host "${host}" is not a name of this dashboard (DNS rebinding?): open it by its address or localhost, or name the page's origin with --ui-origin`;
  return null;
}

/** May a handshake with this Origin, sent to this Host, open the stream? */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  own: OwnNames = {},
): boolean {
  return originRefusal(origin, host, own) === null;
}
