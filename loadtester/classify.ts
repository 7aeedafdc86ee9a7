import type { FailureKind } from '../protocol/outcomes.js';

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
// The peer closed the connection (FIN) with the request in flight, or we closed it (stop, recycle).
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
