/**
 * Value parsers for settings: each reads the raw text of a flag, env variable or default and names
 * `source` (the flag or the env variable) in its UsageError, so the user knows which input to fix.
 */
import { isColor } from '../protocol/identity.js';
import { parseDuration } from './duration.js';
import { UsageError } from './usage-error.js';

export type Parse<T> = (raw: string, source: string) => T;

function range(min: number, max: number): string {
  return max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
}

export function wholeNumber(min: number, max = Infinity): Parse<number> {
  return (raw, source) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`${source}: "${raw}" must be a whole number ${range(min, max)}`);
    }
    return n;
  };
}

export function decimal(min: number, max = Infinity): Parse<number> {
  return (raw, source) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new UsageError(`${source}: "${raw}" must be a number ${range(min, max)}`);
    }
    return n;
  };
}

/** A TCP port; 0 asks the system for any free one. */
export const port: Parse<number> = (raw, source) => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(
      `${source}: "${raw}" must be a whole number from 0 to 65535 (anything else is not a port)`,
    );
  }
  return n;
};

/** A duration such as 500ms, 30s or 1m30s (a bare number is seconds), in milliseconds. */
export function duration(minMs = 0): Parse<number> {
  return (raw, source) => {
    const ms = parseDuration(raw, source);
    if (ms < minMs) throw new UsageError(`${source}: "${raw}" is too short (at least ${minMs} ms)`);
    return ms;
  };
}

/**
 * A latency limit such as 250ms or 1.5s, in milliseconds; a bare number is milliseconds (where
 * `duration` reads seconds), as latencies are stated in ms everywhere else.
 */
export function latencyMs(): Parse<number> {
  return (raw, source) => {
    const bare = raw.trim();
    return /^\d+(\.\d+)?$/.test(bare) ? Number(bare) : parseDuration(raw, source);
  };
}

/** A percentage from 0 to `max`, `0.5` or `0.5%` (a bare number is a percentage too). */
export function percentage(max = Infinity): Parse<number> {
  return (raw, source) => {
    const n = Number(raw.trim().replace(/%$/, ''));
    if (raw.trim() === '' || raw.trim() === '%' || !Number.isFinite(n) || n < 0)
      throw new UsageError(`${source}: "${raw}" must be a percentage (e.g. 0.5 or 0.5%)`);
    if (n > max)
      throw new UsageError(
        `${source}: "${raw}" must be at most ${max}% (a bare number is a percentage: 0.5 = 0.5%)`,
      );
    return n;
  };
}

export function oneOf<T extends string>(choices: readonly T[]): Parse<T> {
  return (raw, source) => {
    if (!(choices as readonly string[]).includes(raw)) {
      throw new UsageError(`${source}: "${raw}" must be one of ${choices.join(', ')}`);
    }
    return raw as T;
  };
}

/** A switch: `on` or `off` (any case). */
export const onOff: Parse<boolean> = (raw, source) => {
  const value = raw.trim().toLowerCase();
  if (value !== 'on' && value !== 'off') throw new UsageError(`${source}: "${raw}" must be on or off`);
  return value === 'on';
};

/** A shared secret (a token): 8 to 256 printable characters, no spaces; never echoed in errors. */
export const secret: Parse<string> = (raw, source) => {
  if (raw.length < 8 || raw.length > 256 || /[^\x21-\x7e]/.test(raw)) {
    throw new UsageError(`${source}: must be 8 to 256 printable characters without spaces`);
  }
  return raw;
};

/** Short free text (a host, a version label), trimmed. */
export const text: Parse<string> = (raw, source) => {
  if (raw.trim() === '' || raw.length > 128) throw new UsageError(`${source}: must be 1 to 128 characters`);
  return raw.trim();
};

/** The rule the page also draws by (protocol/identity.ts), so what the app accepts is what the page shows. */
export const parseColor: Parse<string> = (raw, source) => {
  const value = raw.trim();
  if (!isColor(value)) {
    throw new UsageError(
      `${source}: "${raw}" is not a CSS colour name or hex colour (examples: blue, green, #ff8800)`,
    );
  }
  return value.toLowerCase();
};

export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** Milliseconds, fixed (`50`) or a random range (`20-200`). */
export const parseLatency: Parse<LatencyRange> = (raw, source) => {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(raw);
  if (!match)
    throw new UsageError(`${source}: "${raw}" must be milliseconds, fixed (50) or a range (20-200)`);
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  if (maxMs < minMs) throw new UsageError(`${source}: "${raw}" has its maximum below its minimum`);
  if (maxMs > 600_000) throw new UsageError(`${source}: "${raw}" is over 600000 ms`);
  return { minMs, maxMs };
};
