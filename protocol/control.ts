/** The page's control frames: parsed and checked here, before the hub applies them to a run. */
import type { ControlMessage, ControlResultMessage } from './stream.js';

const ACTIONS = new Set(['start', 'stop', 'set-rate', 'rollout', 'rollback', 'set-recycle']);
/** The most requests a page may ask a connection to serve before it is recycled. */
export const MAX_RECYCLE_REQUESTS = 100_000;

/** The lowest rate anyone may ask for, on the command line or from the page (requests per second). */
export const MIN_RATE = 0.1;

/** Why a control was refused, when the page can do something about it (see ControlResultMessage.reason). */
export class ControlRefused extends Error {
  constructor(
    message: string,
    readonly reason: NonNullable<ControlResultMessage['reason']>,
  ) {
    super(message);
  }
}

/** Validates a page's control frame; throws with a message the page can show. */
export function parseControl(text: string): ControlMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new Error('a control must be a JSON object');
  const m = value as Record<string, unknown>;
  if (m.type !== 'control') throw new Error(`unknown message type ${JSON.stringify(m.type)}`);
  if (m.id !== undefined && typeof m.id !== 'string') throw new Error('id must be a string');
  if (m.token !== undefined && typeof m.token !== 'string') throw new Error('token must be a string');
  const base = {
    ...(m.id === undefined ? {} : { id: m.id as string }),
    ...(m.token === undefined ? {} : { token: m.token as string }),
  };
  if (typeof m.action !== 'string' || !ACTIONS.has(m.action)) {
    throw new Error(`unknown action ${JSON.stringify(m.action)}`);
  }
  switch (m.action) {
    case 'start':
    case 'stop':
    case 'rollback':
      return { type: 'control', ...base, action: m.action };
    case 'set-rate':
      if (typeof m.rate !== 'number' || !Number.isFinite(m.rate) || m.rate < MIN_RATE) {
        throw new Error(`set-rate needs a rate: a number of requests per second, at least ${MIN_RATE}`);
      }
      return { type: 'control', ...base, action: 'set-rate', rate: m.rate };
    case 'set-recycle': {
      const n = m.afterRequests;
      const valid =
        n === null || (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_RECYCLE_REQUESTS);
      if (!valid) {
        throw new Error(
          `set-recycle needs afterRequests: a whole number from 1 to ${MAX_RECYCLE_REQUESTS}, or null`,
        );
      }
      return { type: 'control', ...base, action: 'set-recycle', afterRequests: n };
    }
    default:
      if (typeof m.strategy !== 'string' || typeof m.color !== 'string') {
        throw new Error('rollout needs a strategy and a color');
      }
      return { type: 'control', ...base, action: 'rollout', strategy: m.strategy, color: m.color };
  }
}
