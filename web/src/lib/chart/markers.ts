/**
 * The charts' time-axis marks: each rollout a shaded band with its label, run starts and stops as lines,
 * pod events and rollout steps as light dashed lines only when asked for (they are in the tooltip of
 * their second anyway), and on the traffic chart a triangle with the real value where a second went past
 * the clipped axis.
 *
 * After each draw the plugin writes what it drew on the canvas as data-* attributes (band labels, how
 * many lines, the times of the clip marks, the axes and the plot area, the series with visible values,
 * the tooltip's footer): tools and the end-to-end tests read the chart from there, not by guessing at pixels.
 */
import type { Chart, Plugin } from 'chart.js';
import type { EventKind, EventMessage } from '$protocol/events.js';
import { FAILURE_COLOR, rgba } from '../colors.js';
import { RUN_KINDS, isDetailEvent, type RolloutBand } from './rollouts.js';
import type { ClippedPoint } from './scale.js';
import { wordsFor, type Lang } from '../i18n/index.js';

export interface MarkerOptions {
  events: readonly EventMessage[];
  bands: readonly RolloutBand[];
  /** Draw pod events and rollout steps as lines (otherwise only the tooltip names them). */
  detail: boolean;
  /** Write the band labels on the chart (the traffic chart does; the latency chart only shades). */
  labels: boolean;
  clipped: readonly ClippedPoint[];
  /** Incidents (failures grouped in time): a red-tinted span each, numbered as in the incident list. */
  incidents?: readonly { start: number; end: number }[];
  /**
   * The page's language for what the marks write (English when not given). A name, not a translate
   * function: Chart.js would call a function in plugin options as a scriptable option.
   */
  lang?: Lang;
}

/** The symbol drawn at the top of each line, per event kind (the key beside the traffic chart shows them). */
export const MARKER_SYMBOLS: Record<EventKind, string> = {
  'pod-added': '+',
  'pod-scheduled': '→',
  'pod-ready': '✓',
  'pod-not-ready': '!',
  'pod-terminating': '↓',
  'pod-gone': '×',
  'pod-crashed': '✗',
  'rollout-started': '▶',
  'rollout-step': '·',
  'rollout-progress': '·',
  'rollout-finished': '■',
  'run-started': '▷',
  'run-stopped': '□',
  'endpoint-added': '⊕',
  'endpoint-serving': '◐',
  'endpoint-terminating': '◌',
  'endpoint-removed': '⊖',
  warning: '⚠',
  'cluster-view-failed': '⊘',
  'cluster-view-back': '⊙',
};

const BAND_FILL = 'rgba(60, 70, 90, 0.09)';
const BAND_EDGE = 'rgba(60, 70, 90, 0.45)';
const LABEL_HEIGHT = 15;

type AnyChart = Chart<'line', { x: number; y: number | null }[]>;

function bandSpan(
  chart: AnyChart,
  band: Pick<RolloutBand, 'start' | 'end'>,
): { left: number; right: number } | null {
  const x = chart.scales.x!;
  const { chartArea } = chart;
  const start = band.start ?? x.min;
  const end = band.end ?? x.max;
  if (end < x.min || start > x.max) return null;
  const left = Math.max(chartArea.left, x.getPixelForValue(start));
  const right = Math.min(chartArea.right, x.getPixelForValue(end));
  return { left, right: Math.max(right, left + 2) };
}

function drawBands(chart: AnyChart, options: MarkerOptions): void {
  const { ctx, chartArea } = chart;
  ctx.save();
  for (const band of options.bands) {
    const span = bandSpan(chart, band);
    if (!span) continue;
    ctx.fillStyle = BAND_FILL;
    ctx.fillRect(span.left, chartArea.top, span.right - span.left, chartArea.bottom - chartArea.top);
    // A strip in the target colour along the top edge; the colour goes through the canvas resolver.
    ctx.fillStyle = band.color ? rgba(band.color, 0.9) : BAND_EDGE;
    ctx.fillRect(span.left, chartArea.top, span.right - span.left, 3);
    ctx.strokeStyle = BAND_EDGE;
    ctx.setLineDash([]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    if (band.start !== null) {
      ctx.moveTo(span.left, chartArea.top);
      ctx.lineTo(span.left, chartArea.bottom);
    }
    if (band.end !== null) {
      ctx.moveTo(span.right, chartArea.top);
      ctx.lineTo(span.right, chartArea.bottom);
    }
    ctx.stroke();
  }
  ctx.restore();
}

const INCIDENT_FILL = 'rgba(214, 39, 40, 0.10)';
const INCIDENT_EDGE = 'rgba(214, 39, 40, 0.85)';

/** Each incident a red-tinted span with a strip and its number along the bottom; returns how many were drawn. */
function drawIncidents(chart: AnyChart, options: MarkerOptions): number {
  const { ctx, chartArea } = chart;
  let count = 0;
  ctx.save();
  ctx.font = '600 10px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  for (const [i, incident] of (options.incidents ?? []).entries()) {
    const span = bandSpan(chart, incident);
    if (!span) continue;
    ctx.fillStyle = INCIDENT_FILL;
    ctx.fillRect(span.left, chartArea.top, span.right - span.left, chartArea.bottom - chartArea.top);
    ctx.fillStyle = INCIDENT_EDGE;
    ctx.fillRect(span.left, chartArea.bottom - 3, span.right - span.left, 3);
    ctx.fillText(`!${i + 1}`, span.left + 2, chartArea.bottom - 4);
    count++;
  }
  ctx.restore();
  return count;
}

/** Band labels, in front of the data, each on a light box; returns the labels drawn. */
function drawBandLabels(chart: AnyChart, options: MarkerOptions): string[] {
  const { ctx, chartArea } = chart;
  const drawn: string[] = [];
  ctx.save();
  ctx.font = '600 11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  let lastRight = -Infinity;
  for (const band of options.bands) {
    const span = bandSpan(chart, band);
    if (!span) continue;
    const text =
      band.end === null
        ? `${band.label} …`
        : band.complete
          ? band.label
          : wordsFor(options.lang ?? 'en').t('chart.stopped', { label: band.label });
    const width = ctx.measureText(text).width + 8;
    // Inside the chart, and a row lower when it would cover the previous band's label.
    const left = Math.min(Math.max(span.left + 2, chartArea.left), chartArea.right - width);
    const row = left < lastRight ? 1 : 0;
    const top = chartArea.top + 5 + row * (LABEL_HEIGHT + 2);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.88)';
    ctx.fillRect(left, top, width, LABEL_HEIGHT);
    ctx.fillStyle = '#1d2430';
    ctx.fillText(text, left + 4, top + LABEL_HEIGHT / 2);
    lastRight = Math.max(lastRight, left + width);
    drawn.push(band.label);
  }
  ctx.restore();
  return drawn;
}

/** Returns how many run lines and detail lines were drawn. */
function drawEventLines(chart: AnyChart, options: MarkerOptions): { run: number; detail: number } {
  const x = chart.scales.x!;
  const { ctx, chartArea } = chart;
  const count = { run: 0, detail: 0 };
  ctx.save();
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  let lastPx = -Infinity;
  for (const event of options.events) {
    if (event.t < x.min || event.t > x.max) continue;
    const run = RUN_KINDS.has(event.kind);
    if (!run && !(options.detail && isDetailEvent(event.kind))) continue;
    const px = x.getPixelForValue(event.t);
    ctx.strokeStyle = run ? 'rgba(40, 40, 40, 0.7)' : 'rgba(90, 90, 90, 0.35)';
    ctx.setLineDash(run ? [] : [3, 3]);
    ctx.beginPath();
    ctx.moveTo(px, chartArea.top);
    ctx.lineTo(px, chartArea.bottom);
    ctx.stroke();
    if (run) count.run++;
    else count.detail++;
    // Symbols near the bottom (band labels and clip marks take the top), only where they do not overlap.
    if (px - lastPx > 12) {
      ctx.fillStyle = '#333';
      ctx.fillText(MARKER_SYMBOLS[event.kind] ?? '•', px, chartArea.bottom - 4);
      lastPx = px;
    }
  }
  ctx.restore();
  return count;
}

/** A triangle at the top edge where a second went past the axis, its real value beside the first few. */
function drawClipMarks(chart: AnyChart, options: MarkerOptions): number[] {
  const x = chart.scales.x!;
  const { ctx, chartArea } = chart;
  const drawn: number[] = [];
  let lastLabel = -Infinity;
  ctx.save();
  ctx.fillStyle = FAILURE_COLOR;
  ctx.font = '600 10px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  for (const point of options.clipped) {
    if (point.t < x.min || point.t > x.max) continue;
    const px = x.getPixelForValue(point.t);
    ctx.beginPath();
    ctx.moveTo(px, chartArea.top);
    ctx.lineTo(px - 5, chartArea.top + 8);
    ctx.lineTo(px + 5, chartArea.top + 8);
    ctx.closePath();
    ctx.fill();
    drawn.push(point.t);
    if (px - lastLabel > 34) {
      ctx.fillText(String(Math.round(point.total)), px + 6, chartArea.top + 2 * LABEL_HEIGHT + 10);
      lastLabel = px;
    }
  }
  ctx.restore();
  return drawn;
}

/** The series with at least one value above zero inside the time axis. */
function visibleSeries(chart: AnyChart): string[] {
  const x = chart.scales.x!;
  return chart.data.datasets
    .filter((d) => d.data.some((p) => p.x >= x.min && p.x <= x.max && (p.y ?? 0) > 0))
    .map((d) => d.label ?? '');
}

function report(chart: AnyChart, marks: Record<string, string>): void {
  const data = chart.canvas.dataset;
  for (const [key, value] of Object.entries(marks)) if (data[key] !== value) data[key] = value;
}

export const markerPlugin: Plugin<'line', MarkerOptions> = {
  id: 'eventMarkers',
  beforeDatasetsDraw(chart, _args, options) {
    if (!chart.scales.x) return;
    if (options.bands?.length) drawBands(chart as AnyChart, options);
    const incidents = options.incidents?.length ? drawIncidents(chart as AnyChart, options) : 0;
    report(chart as AnyChart, { incidents: String(incidents) });
  },
  afterDatasetsDraw(chart, _args, options) {
    const c = chart as AnyChart;
    if (!c.scales.x) return;
    const labels = options.labels && options.bands?.length ? drawBandLabels(c, options) : [];
    const lines = options.events?.length ? drawEventLines(c, options) : { run: 0, detail: 0 };
    const clipTimes = options.clipped?.length ? drawClipMarks(c, options) : [];
    const { x, y } = c.scales;
    const area = c.chartArea;
    report(c, {
      bands: labels.join(' | '),
      clipTimes: clipTimes.join(' '),
      runLines: String(lines.run),
      detailLines: String(lines.detail),
      yMax: y ? String(y.max) : '',
      yType: y ? y.type : '',
      series: visibleSeries(c).join(' | '),
      xMin: String(x.min),
      xMax: String(x.max),
      area: [area.left, area.top, area.right, area.bottom].map(Math.round).join(' '),
    });
  },
  afterTooltipDraw(chart) {
    report(chart as AnyChart, { tooltipFooter: (chart.tooltip?.footer ?? []).join('\n') });
  },
};
