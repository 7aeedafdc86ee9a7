/** Terminal text: the live line per bucket, the progress bar, the final report. Pure string building. */
import {
  FRONT_DOOR_LABEL,
  UNKNOWN_LABEL,
  UNNAMED_COLOR,
  type LatencyBucket,
} from '../../protocol/outcomes.js';
import type { GroupReport, Report, ReportAttribution, ThresholdResult } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';

/**
 * Control characters (C0, DEL, C1 such as CSI), line and paragraph separators and bidi overrides: a target
 * chooses its colour, pod and error text, and must not clear the screen, retitle the window or forge lines.
 */
const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
/** The range of MARKS below. */
const MARK_RANGE = '\\ue000-\\ue003';
const UNPRINTABLE = new RegExp(`[${CONTROLS}${MARK_RANGE}]`, 'g');
const UNPRINTABLE_BUT_MARKS = new RegExp(`[${CONTROLS}]`, 'g');

/**
 * Emphasis marks (private-use characters, which printable() escapes in anything a target sent): the report
 * says what is good or bad, and the terminal turns the marks into colour on a TTY or drops them (style.ts).
 */
export const MARKS = { end: '\ue000', good: '\ue001', bad: '\ue002', dim: '\ue003' } as const;
const good = (text: string): string => `${MARKS.good}${text}${MARKS.end}`;
const bad = (text: string): string => `${MARKS.bad}${text}${MARKS.end}`;
const dim = (text: string): string => `${MARKS.dim}${text}${MARKS.end}`;

/**
 * `text` with every unprintable character written as an escape (`\x1b`, `\u202e`), so it shows and does
 * nothing. `keepMarks`: the formatter's own emphasis marks stay (the terminal's last pass over what it
 * prints; anything a target sent was escaped with its marks when it was formatted).
 */
export function printable(text: string, keepMarks = false): string {
  return text.replace(keepMarks ? UNPRINTABLE_BUT_MARKS : UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

const pct = (part: number, whole: number): string =>
  whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
const fmtMs = (ms: number): string =>
  ms >= 100 ? `${Math.round(ms)}ms` : `${ms.toFixed(ms >= 10 ? 1 : 2)}ms`;

function shares(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([color, n]) => `${printable(color)} ${pct(n, total)}`);
  return parts.length > 0 ? parts.join(' ') : 'no colour';
}

export function liveLine(tick: TickMessage): string {
  const b = tick.bucket;
  const rps = tick.intervalMs > 0 ? Math.round((b.sent * 1000) / tick.intervalMs) : 0;
  const kinds: [string, number][] = [
    ['refused', b.errors.refused],
    ['reset', b.errors.reset],
    ['other', b.errors.other],
    ['timeout', b.timeouts],
    ['drop', b.dropped],
    ['4xx', b.responses['4xx']],
    ['5xx', b.responses['5xx']],
    ['1xx', b.responses['1xx']],
  ];
  const breakdown = kinds
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const fails = b.failed > 0 ? bad(`fail ${b.failed} (${breakdown})`) : dim('fail 0');
  // What has not answered yet, as the page counts it: a target that takes connections and never answers
  // fails nothing for as long as the timeout, while requests wait on every connection and the rest queue.
  const waiting = tick.inFlight > 0 ? `waiting ${tick.inFlight}` : null;
  const unsent = notSentIn(tick);
  return [
    secs(tick.elapsedMs).padStart(6),
    `${rps} req/s`.padStart(11),
    shares(b.byColor),
    // No response in the interval: no latency to show, and a 0 would read as a fast one.
    b.latency.count === 0 ? dim('p50 – p99 –') : `p50 ${fmtMs(b.latency.p50)} p99 ${fmtMs(b.latency.p99)}`,
    fails,
    ...(waiting ? [waiting] : []),
    ...(unsent > 0 ? [bad(`not sent ${unsent}`)] : []),
  ].join('  ');
}

/** Below this many, a shortfall of sent requests is only the pacer's phase against the tick boundary. */
const PACING_SLACK = 1;

/** Requests due at the asked rate in the tick's interval and not sent in it (queued or skipped); 0 at max rate. */
export function notSentIn(tick: TickMessage): number {
  const due = ((tick.askedRate ?? 0) * tick.intervalMs) / 1000;
  const short = Math.floor(due - tick.bucket.sent);
  return short > PACING_SLACK ? short : 0;
}

/** e.g. `[#########-----------]  45%  13.5s/30s`; fraction is clamped to 0..1. */
export function progressBar(fraction: number, label: string, width = 30): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}%  ${label}`;
}

export function formatReport(report: Report): string {
  const lines: string[] = [];
  const tagged = Object.values(report.byColor).reduce((a, b) => a + b, 0);
  const responses = Object.values(report.responses).reduce((a, b) => a + b, 0);
  lines.push(
    '',
    `Target     ${printable(report.target)}`,
    `Started    ${report.startedAt}, ran ${secs(report.durationMs)}`,
  );
  const due = report.due ?? report.sent;
  const noResponses = responses === 0 && due > 0;
  if (noResponses) lines.push(bad(NO_RESPONSES));
  lines.push(
    `Rate       asked ${report.rate.asked === null ? 'max' : `${report.rate.asked}/s`}, achieved ${report.rate.achieved}/s` +
      (report.rate.skipped > 0 ? `, ${report.rate.skipped} skipped (${skipReasons(report)})` : ''),
  );
  lines.push(
    `Requests   ${report.due !== undefined ? `${report.due} due, ${report.rate.skipped} skipped, ` : ''}${report.sent} sent: ${responses} responses, ${report.errors.refused + report.errors.reset + report.errors.other} errors, ${report.timeouts} timeouts, ${report.dropped} dropped; ${report.failed} failed`,
  );
  lines.push(
    `Responses  ${
      Object.entries(report.responses)
        .filter(([, n]) => n > 0)
        .map(([cls, n]) => `${cls} ${n}`)
        .join(', ') || 'none'
    }`,
  );
  lines.push(
    `Errors     refused ${report.errors.refused}, reset ${report.errors.reset}, other ${report.errors.other}`,
  );
  // The first message of each kind, so a failing run says why (e.g. an untrusted certificate).
  for (const [kind, message] of Object.entries(report.firstErrors ?? {})) {
    lines.push(`  ${kind.padEnd(10)} first: ${message}`);
  }
  lines.push('Colours');
  for (const [color, c] of Object.entries(report.colors)) {
    // With the Outcomes table below, the colour's share is said once, there (of every due request): a
    // second share of the responses alone would differ from it by the failures without identity.
    const share = report.attribution ? '' : pct(c.count, tagged);
    lines.push(
      `  ${printable(color).padEnd(12)} ${String(c.count).padStart(8)}  ${share.padStart(4)}  seen ${secs(c.firstSeenMs)} – ${secs(c.lastSeenMs)}`,
    );
  }
  if (tagged < responses)
    lines.push(`  ${'(untagged)'.padEnd(12)} ${String(responses - tagged).padStart(8)}`);
  if (report.attribution) lines.push(...outcomeTable(report.attribution));
  const pods = Object.entries(report.byPod);
  // Said once instead of an empty heading: a target that names no pod (headers or body) is not an error.
  if (pods.length === 0)
    lines.push(`Pods       ${responses > 0 ? 'responses carry no pod identity' : 'none (no responses)'}`);
  else lines.push('Pods');
  for (const [pod, p] of pods.sort((a, b) => b[1].count - a[1].count)) {
    const row = `  ${printable(pod).padEnd(28)} ${printable(p.color || UNNAMED_COLOR).padEnd(8)} ${String(p.count).padStart(8)}`;
    const stats = report.attribution?.pods[pod];
    lines.push(stats ? `${row}  ${podColumns(stats)}` : row);
  }
  const folded = report.folded;
  if (folded && (folded.colors > 0 || folded.pods > 0)) {
    lines.push(
      `Folded     ${folded.colors} colours and ${folded.pods} pods past the run's limits, counted as "other"`,
    );
  }
  if (report.switchOver) {
    const s = report.switchOver;
    lines.push(
      `Switch     ${printable(s.from)} → ${printable(s.to)} between ${secs(s.startMs)} and ${secs(s.endMs)} (window ${secs(s.windowMs)})`,
    );
  }
  const l = report.latency;
  if (l.count === 0) lines.push(`Latency    ${dim('– (no responses)')}`);
  else {
    lines.push(
      `Latency    p50 ${fmtMs(l.p50)}  p90 ${fmtMs(l.p90)}  p99 ${fmtMs(l.p99)}  max ${fmtMs(l.max)}  (from each request's due time)`,
    );
    lines.push(...latencyBars(l.histogram ?? []));
  }
  for (const t of report.thresholds) lines.push(`Threshold  ${thresholdLine(t)}`);
  const result = report.pass ? good('pass') : bad('FAIL');
  lines.push(`Result     ${result}${report.thresholds.length === 0 ? dim(' (no thresholds set)') : ''}`);
  if (noResponses) lines.push(bad(NO_RESPONSES));
  return lines.join('\n') + '\n';
}

/**
 * Every outcome by who it belongs to (see "Attribution" in docs/loadtester.md): each colour, then the front
 * door and unknown when they hold anything. Requests are due ones (sent + skipped); latency is over responses.
 */
function outcomeTable(a: ReportAttribution): string[] {
  const rows: [string, GroupReport][] = Object.entries(a.colors).sort((x, y) => y[1].sent - x[1].sent);
  if (a.frontDoor.sent + a.frontDoor.skipped > 0) rows.push([FRONT_DOOR_LABEL, a.frontDoor]);
  if (a.unknown.sent + a.unknown.skipped > 0) rows.push([UNKNOWN_LABEL, a.unknown]);
  if (rows.length === 0) return [];
  const head = `${'requests'.padStart(8)} ${'share'.padStart(5)} ${'errors'.padStart(7)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}  failed`;
  const lines = [`Outcomes   ${''.padEnd(12)} ${head}`];
  for (const [name, g] of rows) {
    const l = g.latency;
    const lat = (ms: number): string => (l.count === 0 ? '–' : fmtMs(ms)).padStart(8);
    const rate = `${round1(g.errorRate * 100)}%`;
    const line = `  ${printable(name).padEnd(21)} ${String(g.sent + g.skipped).padStart(8)} ${`${Math.round(g.share * 100)}%`.padStart(5)} ${rate.padStart(7)} ${lat(l.p50)} ${lat(l.p90)} ${lat(l.p99)} ${lat(l.max)}  ${failedKinds(g)}`;
    lines.push(g.failed > 0 ? bad(line) : line);
  }
  return lines;
}

const round1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/** e.g. `12 (5xx 10, reset 2; 2 inferred)`, or `0`. */
function failedKinds(g: GroupReport): string {
  if (g.failed === 0) return '0';
  const kinds: [string, number][] = [
    ['1xx', g.responses['1xx']],
    ['4xx', g.responses['4xx']],
    ['5xx', g.responses['5xx']],
    ['refused', g.errors.refused],
    ['reset', g.errors.reset],
    ['other', g.errors.other],
    ['timeout', g.timeouts],
    ['dropped', g.dropped],
    ['skipped', g.skipped],
  ];
  const parts = kinds.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `${g.failed} (${parts.join(', ')}${g.inferred > 0 ? `; ${g.inferred} inferred` : ''})`;
}

/** A pod's row after its count: failed, p99, connections and requests per connection. */
function podColumns(p: NonNullable<ReportAttribution['pods'][string]>): string {
  const c = p.connections;
  const p99 = p.latency.count === 0 ? '–' : fmtMs(p.latency.p99);
  const conns = `${c.opened} conn${c.opened === 1 ? '' : 's'}${c.open > 0 ? ` (${c.open} open)` : ''}`;
  const failed = p.failed > 0 ? bad(`failed ${failedKinds(p)}`) : 'failed 0';
  return `${failed}  p99 ${p99}  ${conns}  ${c.requestsPerConnection} req/conn`;
}

const NO_RESPONSES =
  'WARNING    no responses at all: every request failed or was never sent. Is the target up?';

/** What each threshold's value and limit count, written after the number wherever a threshold is said. */
const UNITS: Record<ThresholdResult['name'], string> = {
  'max-errors': ' failed',
  'max-error-rate': '%',
  'max-p99': ' ms',
  'max-regression': '%',
};

/**
 * `✓ max-p99 12.5 ms ≤ 250 ms`, `✗ max-error-rate green 9.8% > 1%`, `✓ max-regression blue,green:p99
 * +4.2% ≤ 20%`, or for a colour that could not be judged `✗ max-p99 green: green had no traffic (limit 250 ms)`.
 */
function thresholdLine(t: ThresholdResult): string {
  const unit = UNITS[t.name];
  const who = t.scope === undefined ? t.name : `${t.name} ${printable(t.scope)}`;
  const value = t.name === 'max-regression' && t.value > 0 ? `+${t.value}` : `${t.value}`;
  const text =
    t.note !== undefined
      ? `${who}: ${printable(t.note)} (limit ${t.limit}${unit})`
      : `${who} ${value}${unit} ${t.pass ? '≤' : '>'} ${t.limit}${unit}`;
  return t.pass ? `${good('✓')} ${text}` : `${bad('✗')} ${bad(text)}`;
}

const BAR_WIDTH = 40;

/** The latency histogram as text bars, one row per bucket that holds responses (as oha and vegeta print). */
export function latencyBars(histogram: readonly LatencyBucket[]): string[] {
  const most = Math.max(0, ...histogram.map((b) => b.count));
  if (most === 0) return [];
  const total = histogram.reduce((n, b) => n + b.count, 0);
  let previous = 0;
  const rows: string[] = [];
  for (const b of histogram) {
    const range = b.leMs === null ? `> ${fmtMs(previous)}` : `≤ ${fmtMs(b.leMs)}`;
    if (b.leMs !== null) previous = b.leMs;
    if (b.count === 0) continue;
    const bar = '█'.repeat(Math.max(1, Math.round((b.count / most) * BAR_WIDTH)));
    rows.push(`  ${range.padStart(9)}  ${bar} ${b.count} (${pct(b.count, total)})`);
  }
  return rows;
}

/** Why due requests were not sent; a report from before the reasons were kept says only the old words. */
function skipReasons(report: Report): string {
  const s = report.skipped;
  if (!s) return 'no free connection';
  return [
    s.backoff > 0 ? `${s.backoff} backing off after failures` : '',
    s.busy > 0 ? `${s.busy} every connection busy` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** A line per broken threshold, for the error stream: `threshold broken: max-p99 green is 312 ms, limit 250 ms`. */
export function brokenThresholds(report: Report): string[] {
  return report.thresholds
    .filter((t) => !t.pass)
    .map((t) => {
      const unit = UNITS[t.name];
      const who = t.scope === undefined ? t.name : `${t.name} ${printable(t.scope)}`;
      return t.note !== undefined
        ? `threshold broken: ${who}: ${printable(t.note)} (limit ${t.limit}${unit})`
        : `threshold broken: ${who} is ${t.value}${unit}, limit ${t.limit}${unit}`;
    });
}
