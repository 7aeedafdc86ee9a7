/**
 * Credentials in the target URL (`http://user:pass@host/`): sent as basic auth, never shown. Every place
 * the target is shown or broadcast (live line, report, stream settings and events) uses shownTarget().
 */

/** The target as it may be shown: without user name and password. */
export function shownTarget(href: string): string {
  const url = new URL(href);
  if (url.username === '' && url.password === '') return href;
  url.username = '';
  url.password = '';
  return url.href;
}

/**
 * What the engines are given: the URL without its credentials, and the headers with them as
 * `authorization: Basic …` (RFC 7617) unless a header already sets authorization.
 */
export function requestTarget(
  href: string,
  headers: Record<string, string>,
): { url: URL; headers: Record<string, string> } {
  const url = new URL(href);
  if (url.username === '' && url.password === '') return { url, headers };
  const userPass = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  if ('authorization' in headers) return { url, headers };
  return { url, headers: { ...headers, authorization: `Basic ${Buffer.from(userPass).toString('base64')}` } };
}
