/**
 * Who answered a request. Every app response names its colour, pod and version in these headers
 * (server/identity.ts sets them); both load engines and the page's browser mode read them back with
 * readIdentity, so the tally never parses a body from our own app (only from targets whose headers leave
 * the colour or the pod unnamed).
 */
import { IDENTITY_VALUE_LIMIT } from './outcomes.js';

export const COLOR_HEADER = 'color';
export const POD_HEADER = 'x-pod-name';
export const VERSION_HEADER = 'x-app-version';
export const IDENTITY_HEADER_NAMES = [COLOR_HEADER, POD_HEADER, VERSION_HEADER] as const;

/** Bodies this long or longer are not read for identity: a page or a file, not an identity document. */
export const IDENTITY_BODY_LIMIT = 16 * 1024;

/**
 * What counts as a colour: a hex colour or a plain word (CSS has many named colours; the browser decides).
 * The app's COLOR setting is checked with it, and the page draws nothing else: any other text a target
 * sends as its colour stays a name (shown as text) but is drawn in a neutral colour, never put in CSS.
 */
export const COLOR_PATTERN = /^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,30})$/;

export function isColor(value: string): boolean {
  return COLOR_PATTERN.test(value);
}

export interface ResponseIdentity {
  color: string | null;
  pod: string | null;
}

/** Header pairs as HTTP clients hand them over: `[name, value, name, value, …]`, as bytes (undici) or strings. */
export type RawHeaders = readonly (string | Uint8Array)[];

/** A lookup by lower-case name, such as `(name) => response.headers.get(name)` for fetch. */
export type HeaderLookup = (name: string) => string | null | undefined;

const utf8 = new TextDecoder();

/**
 * Who answered. Each of the two is read on its own: the colour from the `color` header, else a JSON
 * body's `color`; the pod from the `x-pod-name` header, else the body's `pod`, else its `hostname` (the
 * workshop's original lab server names its pod only there, and sends its colour as a header). null when
 * nothing names anyone.
 *
 * A reader that streams calls it with the headers as they arrive and, only when those leave the colour
 * or the pod unnamed (see incomplete), again with the same headers and the complete body, so bodies of
 * fully named responses (our own app's) are never kept. Raw pairs are scanned in place: no header is
 * decoded or lower-cased unless it is one of ours. Values are cut to IDENTITY_VALUE_LIMIT; a colour is
 * returned as text whether or not isColor accepts it.
 */
export function readIdentity(
  headers: RawHeaders | HeaderLookup | null,
  body?: string,
): ResponseIdentity | null {
  const named =
    headers === null ? null : typeof headers === 'function' ? fromLookup(headers) : fromRaw(headers);
  const found = incomplete(named) && body !== undefined ? withBody(named, body) : named;
  return found && { color: capped(found.color), pod: capped(found.pod) };
}

/** True when the colour or the pod is still unnamed: then a body, if any, may name it. */
export function incomplete(identity: ResponseIdentity | null): boolean {
  return identity === null || identity.color === null || identity.pod === null;
}

function withBody(named: ResponseIdentity | null, body: string): ResponseIdentity | null {
  const info = fromBody(body);
  if (info === null) return named;
  return { color: named?.color ?? info.color, pod: named?.pod ?? info.pod };
}

function capped(value: string | null): string | null {
  if (value === null || value.length <= IDENTITY_VALUE_LIMIT) return value;
  let end = IDENTITY_VALUE_LIMIT - 1;
  // Do not split a surrogate pair.
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

function fromLookup(header: HeaderLookup): ResponseIdentity | null {
  const color = header(COLOR_HEADER) ?? null;
  const pod = header(POD_HEADER) ?? null;
  return color === null && pod === null ? null : { color, pod };
}

function fromRaw(raw: RawHeaders): ResponseIdentity | null {
  let color: string | null = null;
  let pod: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (nameIs(name, COLOR_HEADER)) color = text(raw[i + 1]!);
    else if (nameIs(name, POD_HEADER)) pod = text(raw[i + 1]!);
  }
  return color === null && pod === null ? null : { color, pod };
}

/** Case-insensitive equality with a lower-case name, without allocating. */
function nameIs(name: string | Uint8Array, lower: string): boolean {
  if (name.length !== lower.length) return false;
  const isText = typeof name === 'string';
  for (let i = 0; i < lower.length; i++) {
    let c = isText ? name.charCodeAt(i) : name[i]!;
    if (c >= 65 && c <= 90) c += 32; // A-Z
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function text(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : utf8.decode(value);
}

function fromBody(body: string): ResponseIdentity | null {
  if (body.length === 0 || body.length >= IDENTITY_BODY_LIMIT) return null;
  let info: unknown;
  try {
    info = JSON.parse(body);
  } catch {
    return null; // not JSON: the response stays unnamed
  }
  if (typeof info !== 'object' || info === null) return null;
  const { color, pod, hostname } = info as { color?: unknown; pod?: unknown; hostname?: unknown };
  const named = {
    color: typeof color === 'string' ? color : null,
    pod: typeof pod === 'string' ? pod : typeof hostname === 'string' ? hostname : null,
  };
  return named.color === null && named.pod === null ? null : named;
}
