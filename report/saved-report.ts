/**
 * A report read back from a file (`bluegreen report`): JSON that has what the text report prints, checked so
 * a wrong or incomplete file is a clear usage error naming what is wrong, rather than a crash halfway through
 * printing.
 */
import type { Report } from '../protocol/report.js';
import { UsageError } from '../common/usage-error.js';

type Check = (v: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);

/** An object shape: each key and what it must be (a check, or a nested shape). */
interface Shape {
  [key: string]: Check | Shape | RecordOf | ArrayOf;
}
/** Every value of a record (colours, pods, status classes) has this shape. */
class RecordOf {
  constructor(readonly of: Check | Shape) {}
}
class ArrayOf {
  constructor(readonly of: Check | Shape) {}
}

const LATENCY: Shape = { p50: isNumber, p90: isNumber, p99: isNumber, max: isNumber };
const GROUP: Shape = { latency: LATENCY };

/** Each key the text report reads, and what it must be. Optional keys (older reports) are checked when present. */
const REQUIRED: Shape = {
  target: isString,
  startedAt: isString,
  durationMs: isNumber,
  sent: isNumber,
  failed: isNumber,
  timeouts: isNumber,
  dropped: isNumber,
  responses: new RecordOf(isNumber),
  errors: { refused: isNumber, reset: isNumber, other: isNumber },
  byColor: new RecordOf(isNumber),
  colors: new RecordOf({ share: isNumber }),
  byPod: new RecordOf({ color: isString, count: isNumber }),
  latency: LATENCY,
  rate: { asked: orNull(isNumber), achieved: isNumber, skipped: isNumber },
  thresholds: new ArrayOf({ name: isString, limit: isNumber, value: isNumber, pass: isBoolean }),
  pass: isBoolean,
};
const OPTIONAL: Shape = {
  due: isNumber,
  attribution: {
    colors: new RecordOf(GROUP),
    pods: new RecordOf(GROUP),
    frontDoor: GROUP,
    unknown: GROUP,
  },
  incidents: new ArrayOf(isObject),
};

/** The dotted paths under `at` whose value does not fit `expected`. */
function misfits(value: unknown, expected: Check | Shape | RecordOf | ArrayOf, at: string): string[] {
  if (typeof expected === 'function') return expected(value) ? [] : [at];
  if (expected instanceof RecordOf) {
    if (!isObject(value)) return [at];
    return Object.entries(value).flatMap(([key, v]) => misfits(v, expected.of, `${at}.${key}`));
  }
  if (expected instanceof ArrayOf) {
    if (!Array.isArray(value)) return [at];
    return value.flatMap((v, i) => misfits(v, expected.of, `${at}[${i}]`));
  }
  if (!isObject(value)) return [at];
  return Object.entries(expected).flatMap(([key, shape]) =>
    misfits(value[key], shape, at ? `${at}.${key}` : key),
  );
}

export function parseSavedReport(text: string, name: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`"${name}" is not JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new UsageError(`"${name}" is not a bluegreen report (not a JSON object)`);
  const present = Object.fromEntries(Object.entries(OPTIONAL).filter(([key]) => value[key] !== undefined));
  const wrong = [...misfits(value, REQUIRED, ''), ...misfits(value, present, '')];
  if (wrong.length > 0) {
    const shown = wrong.length > 5 ? [...wrong.slice(0, 5), `and ${wrong.length - 5} more`] : wrong;
    throw new UsageError(
      `"${name}" is not a bluegreen report (written by load or demo with --json): missing or wrong ${shown.join(', ')}`,
    );
  }
  return value as unknown as Report;
}
