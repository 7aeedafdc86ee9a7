/**
 * A report read back from a file (`bluegreen report`): JSON that has what the text report prints, checked so
 * a wrong file is a clear usage error rather than a crash halfway through printing.
 */
import type { Report } from '../protocol/report.js';
import { UsageError } from '../common/usage-error.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each key the text report reads, and what it must be. */
const REQUIRED: [string, (v: unknown) => boolean][] = [
  ['target', (v) => typeof v === 'string'],
  ['startedAt', (v) => typeof v === 'string'],
  ['durationMs', (v) => typeof v === 'number'],
  ['sent', (v) => typeof v === 'number'],
  ['failed', (v) => typeof v === 'number'],
  ['timeouts', (v) => typeof v === 'number'],
  ['dropped', (v) => typeof v === 'number'],
  ['responses', isObject],
  ['errors', isObject],
  ['byColor', isObject],
  ['colors', isObject],
  ['byPod', isObject],
  ['latency', isObject],
  ['rate', isObject],
  ['thresholds', Array.isArray],
  ['pass', (v) => typeof v === 'boolean'],
];

export function parseSavedReport(text: string, name: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`"${name}" is not JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new UsageError(`"${name}" is not a bluegreen report (not a JSON object)`);
  const missing = REQUIRED.filter(([key, ok]) => !ok(value[key])).map(([key]) => key);
  if (missing.length > 0) {
    throw new UsageError(
      `"${name}" is not a bluegreen report (written by load or demo with --json): missing or wrong ${missing.join(', ')}`,
    );
  }
  return value as unknown as Report;
}
