/**
 * The run's outcomes by who they belong to, as table rows: a row per colour (most requests first), then the
 * front door (responses without identity) and unknown (no response, no connection history) when they have
 * any. Every count is the loadtester's own (see "Attribution" in docs/loadtester.md); nothing is apportioned.
 * Pure.
 */
import {
  errorRate,
  FRONT_DOOR_KEY,
  UNKNOWN_KEY,
  type Attribution,
  type GroupStats,
} from '$protocol/outcomes.js';

export interface AttributionRow {
  key: string;
  kind: 'color' | typeof FRONT_DOOR_KEY | typeof UNKNOWN_KEY;
  /** The colour's name, or what the row stands for. */
  label: string;
  /** Due requests: sent, plus those never sent (skipped). */
  requests: number;
  /** Of every due request in the run. */
  share: number;
  failed: number;
  /** Of the failures with no response, how many were attributed from the connection's history. */
  inferred: number;
  errorRate: number;
  /** Over the group's responses; null without any. */
  p50: number | null;
  p99: number | null;
}

function due(g: GroupStats): number {
  return g.sent + g.skipped;
}

function row(
  key: string,
  kind: AttributionRow['kind'],
  label: string,
  g: GroupStats,
  all: number,
): AttributionRow {
  const answered = g.latency.count > 0;
  return {
    key,
    kind,
    label,
    requests: due(g),
    share: all === 0 ? 0 : due(g) / all,
    failed: g.failed,
    inferred: g.inferred,
    errorRate: errorRate(g),
    p50: answered ? g.latency.p50 : null,
    p99: answered ? g.latency.p99 : null,
  };
}

export function attributionRows(a: Attribution): AttributionRow[] {
  const colors = Object.entries(a.colors).filter(([, g]) => due(g) > 0);
  const all = colors.reduce((n, [, g]) => n + due(g), 0) + due(a.frontDoor) + due(a.unknown);
  const rows = colors
    .map(([color, g]) => row(`color:${color}`, 'color', color, g, all))
    .sort((x, y) => y.requests - x.requests || x.label.localeCompare(y.label));
  if (due(a.frontDoor) > 0) rows.push(row(FRONT_DOOR_KEY, FRONT_DOOR_KEY, 'front door', a.frontDoor, all));
  if (due(a.unknown) > 0) rows.push(row(UNKNOWN_KEY, UNKNOWN_KEY, 'unknown', a.unknown, all));
  return rows;
}
