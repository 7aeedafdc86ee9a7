/**
 * Which source feeds the page. The page cannot know who served it, so it asks:
 *  1. `?mode=live` or `?mode=browser` in the page's URL wins (for debugging and for links).
 *  2. Open the stream (`api/stream` relative to the page). If it opens, this is the loadtester (or demo):
 *     live mode, and the open socket is handed to the live source.
 *  3. If it does not open, fetch `api/info` relative to the page. A `color` header, or JSON with a `color`,
 *     means the app itself served the page: browser mode.
 *  4. Neither: assume live mode (a loadtester that is restarting) and let the live source retry with backoff.
 * The order matters: a loadtester may proxy or mimic other paths, but only it answers the stream.
 */
import { COLOR_HEADER } from '$protocol/identity.js';
import { streamUrl, targetUrl } from './urls.js';

/** An open stream plus the frames that arrived before the live source took it over. */
export interface OpenStream {
  socket: WebSocket;
  takeBuffered(): string[];
}

export type Detected = { mode: 'live'; stream: OpenStream | null } | { mode: 'browser' };

function openSocket(url: string, timeoutMs: number): Promise<OpenStream | null> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    const buffered: string[] = [];
    const buffer = (event: MessageEvent): void => {
      if (typeof event.data === 'string') buffered.push(event.data);
    };
    socket.addEventListener('message', buffer);
    socket.addEventListener('open', () => {
      clearTimeout(timer);
      resolve({
        socket,
        takeBuffered() {
          socket.removeEventListener('message', buffer);
          return buffered.splice(0);
        },
      });
    });
    socket.addEventListener('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

/** Not a fresh literal at the call: Node's fetch types (the tests') have no `cache`, the browser's do. */
const INFO_REQUEST = { cache: 'no-store' as const, headers: { accept: 'application/json' } };

export async function looksLikeApp(pageHref: string): Promise<boolean> {
  try {
    const response = await fetch(targetUrl('api/info', pageHref), INFO_REQUEST);
    // The app names its colour in a header on every response, a 500 from its fault injection (ERROR_RATE)
    // included: that is the app too, and must not send the page looking for a loadtester.
    if (response.headers.get(COLOR_HEADER) !== null) return true;
    if (!response.ok) return false;
    const body = (await response.json()) as unknown;
    return (
      typeof body === 'object' && body !== null && typeof (body as { color?: unknown }).color === 'string'
    );
  } catch {
    return false;
  }
}

export async function detectMode(pageHref: string, timeoutMs = 4000): Promise<Detected> {
  const forced = new URL(pageHref).searchParams.get('mode');
  if (forced === 'browser') return { mode: 'browser' };
  if (forced === 'live') return { mode: 'live', stream: null };
  const stream = await openSocket(streamUrl(pageHref), timeoutMs);
  if (stream) return { mode: 'live', stream };
  if (await looksLikeApp(pageHref)) return { mode: 'browser' };
  return { mode: 'live', stream: null };
}
