/** Maps a request's error to one outcome, and describes it for the report. */
import type { FailureKind } from '../../protocol/outcomes.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
/*
 * The peer closed the connection (FIN) after taking the request and before a complete response
 * (UND_ERR_SOCKET: the requests a server had accepted when it stopped without a drain), or we cut the
 * request off ourselves (stop). What follows such a stop is a refused dial (ECONNREFUSED), not a drop.
 * docs/loadtester.md "What is counted" states these rules; keep the two in step.
 */
const DROPPED_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_DESTROYED', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Maps a request's error to exactly one outcome. */
export function classifyError(error: unknown): FailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'other';
  if (code === 'ECONNREFUSED') return 'refused';
  if (RESET_CODES.has(code)) return 'reset';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (DROPPED_CODES.has(code)) return 'dropped';
  return 'other';
}

const MAX_DESCRIPTION = 200;

/**
 * One line for the report about why a request failed, e.g. `self-signed certificate
 * (DEPTH_ZERO_SELF_SIGNED_CERT)`. Control characters are replaced (a certificate's names come from the
 * target) and the line is cut to a bounded length.
 */
export function describeError(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null;
  let text = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  if (typeof e?.code === 'string' && !text.includes(e.code)) text += ` (${e.code})`;
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION - 1) + '…' : text;
}
