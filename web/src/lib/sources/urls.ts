/** URLs relative to the page's own path, so the dashboard works under any sub-path (an Ingress's /dashboard/). */
import { STREAM_PATH } from '$protocol/stream.js';

export function streamUrl(pageHref: string): string {
  const url = new URL(STREAM_PATH, pageHref);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.href;
}

/** The browser mode's target: a path relative to the page (default `api/info`), or an absolute URL. */
export function targetUrl(path: string, pageHref: string): string {
  return new URL(path.trim() || 'api/info', pageHref).href;
}
