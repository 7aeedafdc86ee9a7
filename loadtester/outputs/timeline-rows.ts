/**
 * `--timeline FILE`: a row per interval and colour for spreadsheets and notebooks, as CSV or NDJSON. Every
 * request of the interval is in exactly one row: its colour's, or `front-door` (responses without identity)
 * or `unknown` (no response and no connection to blame), so the columns' sums over the file equal the
 * report's totals. Pure row building; TimelineFile writes them as the run goes.
 */
import { GrowingFile } from '../../common/atomic-file.js';
import { FRONT_DOOR_KEY, UNKNOWN_KEY, type GroupStats } from '../../protocol/outcomes.js';
import type { TickMessage } from '../../protocol/run.js';

export interface TimelineRow {
  /** ISO time at the end of the interval. */
  time: string;
  elapsed_ms: number;
  interval_ms: number;
  /** `color`, `front-door` or `unknown`. */
  group: 'color' | typeof FRONT_DOOR_KEY | typeof UNKNOWN_KEY;
  /** The colour's name; empty for the front door and unknown. */
  color: string;
  /** Sent in the interval. */
  requests: number;
  /** Everything that did not succeed, skipped requests included (as the report's `failed`). */
  failed: number;
  refused: number;
  reset: number;
  other: number;
  timeouts: number;
  dropped: number;
  skipped: number;
  status_1xx: number;
  status_4xx: number;
  status_5xx: number;
  /** Milliseconds over the row's responses; empty (null) when it had none. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export const TIMELINE_COLUMNS: readonly (keyof TimelineRow)[] = [
  'time',
  'elapsed_ms',
  'interval_ms',
  'group',
  'color',
  'requests',
  'failed',
  'refused',
  'reset',
  'other',
  'timeouts',
  'dropped',
  'skipped',
  'status_1xx',
  'status_4xx',
  'status_5xx',
  'p50',
  'p90',
  'p99',
];

function row(tick: TickMessage, group: TimelineRow['group'], color: string, g: GroupStats): TimelineRow {
  const has = g.latency.count > 0;
  return {
    time: new Date(tick.t).toISOString(),
    elapsed_ms: tick.elapsedMs,
    interval_ms: tick.intervalMs,
    group,
    color,
    requests: g.sent,
    failed: g.failed,
    refused: g.errors.refused,
    reset: g.errors.reset,
    other: g.errors.other,
    timeouts: g.timeouts,
    dropped: g.dropped,
    skipped: g.skipped,
    status_1xx: g.responses['1xx'],
    status_4xx: g.responses['4xx'],
    status_5xx: g.responses['5xx'],
    p50: has ? g.latency.p50 : null,
    p90: has ? g.latency.p90 : null,
    p99: has ? g.latency.p99 : null,
  };
}

const active = (g: GroupStats): boolean => g.sent + g.skipped > 0;

/** The interval's rows: one per colour with requests, then the front door's and unknown's when they had any. */
export function timelineRows(tick: TickMessage): TimelineRow[] {
  const a = tick.bucket.attribution;
  const rows = Object.entries(a.colors)
    .filter(([, g]) => active(g))
    .map(([name, g]) => row(tick, 'color', name, g));
  if (active(a.frontDoor)) rows.push(row(tick, FRONT_DOOR_KEY, '', a.frontDoor));
  if (active(a.unknown)) rows.push(row(tick, UNKNOWN_KEY, '', a.unknown));
  return rows;
}

/**
 * RFC 4180 quoting, and a leading `'` before what a spreadsheet would run as a formula (= + - @): a colour is
 * whatever the target sent (OWASP's CSV injection advice).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(r: TimelineRow): string {
  return TIMELINE_COLUMNS.map((c) => csvField(r[c])).join(',') + '\r\n';
}

export const CSV_HEADER = TIMELINE_COLUMNS.join(',') + '\r\n';

/**
 * The file, written a few rows per interval as the run goes (so a long run costs no memory, and a crash keeps
 * what was written), under `PATH.partial` until finish() renames it to PATH.
 */
export class TimelineFile {
  private constructor(
    private readonly file: GrowingFile,
    private readonly csv: boolean,
  ) {}

  /** Creates (or empties) `PATH.partial`; throws the file system's error. */
  static open(path: string): TimelineFile {
    const csv = /\.csv$/i.test(path);
    const file = new TimelineFile(new GrowingFile(path), csv);
    if (csv) file.file.write(CSV_HEADER);
    return file;
  }

  write(tick: TickMessage): void {
    const rows = timelineRows(tick);
    if (rows.length === 0) return;
    this.file.write(rows.map((r) => (this.csv ? csvLine(r) : JSON.stringify(r) + '\n')).join(''));
  }

  /** The run's rows are all there: into place. */
  finish(): void {
    this.file.finish();
  }

  /** Closed without replacing PATH. */
  abandon(): void {
    this.file.abandon();
  }
}
