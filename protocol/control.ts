/** The page's control frames: parsed and checked here, before the hub applies them to a run. */
import type { ControlMessage, ControlResultMessage } from './stream.js';

const ACTIONS = new Set(['start', 'stop', 'set-rate', 'rollout', 'rollback', 'set-recycle', 'set-weights']);
/** The most requests a page may ask a connection to serve before it is recycled. */
export const MAX_RECYCLE_REQUESTS = 100_000;

/** The highest weight a page may give a backend (Gateway API allows up to 1,000,000; the page sends percentages). */
export const MAX_WEIGHT = 1000;
/** The most backends one set-weights may name. */
export const MAX_WEIGHTED_BACKENDS = 16;

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
    case 'set-weights':
      return { type: 'control', ...base, action: 'set-weights', weights: parseWeights(m.weights) };
    default:
      if (typeof m.strategy !== 'string' || typeof m.color !== 'string') {
        throw new Error('rollout needs a strategy and a color');
      }
      return { type: 'control', ...base, action: 'rollout', strategy: m.strategy, color: m.color };
  }
}

/** set-weights' weights: colour → whole number from 0 to MAX_WEIGHT, at least one above 0. */
function parseWeights(value: unknown): Record<string, number> {
  const usage = `set-weights needs weights: an object of colour → whole number from 0 to ${MAX_WEIGHT}, e.g. {"blue":90,"green":10}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(usage);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw new Error(`${usage}: it names no colour`);
  if (entries.length > MAX_WEIGHTED_BACKENDS)
    throw new Error(`set-weights names ${entries.length} colours; at most ${MAX_WEIGHTED_BACKENDS}`);
  const weights: Record<string, number> = {};
  for (const [color, weight] of entries) {
    if (color === '' || color.length > 64)
      throw new Error(`${usage}: ${JSON.stringify(color)} is not a colour`);
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
      throw new Error(`${usage}: ${color} is ${JSON.stringify(weight)}`);
    }
    weights[color] = weight;
  }
  if (Object.values(weights).every((w) => w === 0)) {
    throw new Error('set-weights: the weights sum to 0, so no backend would get a request');
  }
  return weights;
}
