import { UsageError } from './usage-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration accepted: 2^31-1 ms (about 24.8 days), the longest delay Node.js timers take. A
 * longer one is not waited for: Node fires it after 1 ms (TimeoutOverflowWarning), so `--duration 600h`
 * would end a run at once. Refusing it here covers every duration setting of every command.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Parses a duration such as `500ms`, `30s`, `5m`, `1h` or `1m30s` into milliseconds; a bare number is seconds.
 * `what` names the input in the error (a flag or an env variable).
 */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
      throw new UsageError(`${what}: "${text}" is not a duration (examples: 500ms, 30s, 5m, 1m30s)`);
    }
    ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  }
  if (ms > MAX_DURATION_MS) {
    throw new UsageError(
      `${what}: "${text}" is too long: at most 596h (2^31-1 ms, about 24.8 days, the longest timer Node.js keeps)`,
    );
  }
  return ms;
}
