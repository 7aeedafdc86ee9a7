import { UsageError } from './usage-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `500ms`, `30s`, `5m`, `1h` or `1m30s` into milliseconds.
 * A bare number is read in `bareUnit` (seconds unless told otherwise).
 */
export function parseDuration(text: string, what = 'duration', bareUnit: keyof typeof UNIT_MS = 's'): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * UNIT_MS[bareUnit]!;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${what}: "${text}" is not a duration (examples: 500ms, 30s, 5m, 1m30s)`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}
