/**
 * The one way the dashboard makes a chart over time: a line chart on the shared options with the
 * time-axis marks, a tooltip that names the pod events of the hovered second, and the window of the
 * x axis set from the points held.
 */
import type { TooltipItem } from 'chart.js';
import type { EventMessage } from '$protocol/events.js';
import type { SeriesPoint } from '../stores/series.js';
import { timeRange } from '../stores/series.js';
import { markerPlugin, MARKER_SYMBOLS, type MarkerOptions } from './markers.js';
import { eventsInInterval } from './rollouts.js';
import { Chart, baseOptions, timeStep } from './setup.js';
import { wordsFor, type Lang } from '../i18n/index.js';

export type XY = { x: number; y: number | null };
export type TimeChart = Chart<'line', XY[]>;

/** Detail events named in one tooltip; more are counted. */
const MAX_FOOTER_EVENTS = 6;

/** The pod events and rollout steps of the hovered interval (from the point before it to this one). */
function eventFooter(items: TooltipItem<'line'>[]): string[] {
  const item = items[0];
  if (!item) return [];
  // Chart.js types its options as deep-partial; these are the events showWindow set.
  const events = (item.chart.options.plugins?.eventMarkers?.events ?? []) as readonly EventMessage[];
  const data = item.dataset.data as XY[];
  const t = data[item.dataIndex]?.x;
  if (t === undefined) return [];
  const previous = data[item.dataIndex - 1]?.x ?? t - 1000;
  const found = eventsInInterval(events, t, t - previous);
  const lines = found
    .slice(0, MAX_FOOTER_EVENTS)
    .map((e) => `${MARKER_SYMBOLS[e.kind] ?? '•'} ${e.kind} ${e.pod ?? e.message ?? ''}`.trimEnd());
  const { t: say } = wordsFor((item.chart.options.plugins?.eventMarkers?.lang as Lang | undefined) ?? 'en');
  if (found.length > MAX_FOOTER_EVENTS)
    lines.push(say('chart.more', { n: found.length - MAX_FOOTER_EVENTS }));
  return lines;
}

export function createTimeChart(
  canvas: HTMLCanvasElement,
  yTitle: string,
  stacked: boolean,
  footer: (items: TooltipItem<'line'>[]) => string[] = () => [],
): TimeChart {
  const options = baseOptions(yTitle, stacked);
  options.plugins!.tooltip!.callbacks!.footer = (items) => [...footer(items), ...eventFooter(items)];
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options,
    plugins: [markerPlugin],
  });
}

/** The y axis title, set again when the page's language changes (drawn on the next update). */
export function setAxisTitle(chart: TimeChart, text: string): void {
  const y = chart.options.scales?.y;
  if (y && 'title' in y && y.title) y.title.text = text;
}

/** The x axis ends at the newest point and spans up to `windowMs`; the marks follow. Then redraws. */
export function showWindow(
  chart: TimeChart,
  points: readonly SeriesPoint[],
  windowMs: number,
  marks: MarkerOptions,
): void {
  const x = chart.options.scales?.x;
  if (x) {
    const range = timeRange(points, windowMs);
    Object.assign(x, range);
    if (x.ticks) (x.ticks as { stepSize?: number }).stepSize = timeStep(range.max - range.min);
  }
  chart.options.plugins!.eventMarkers = marks;
  chart.update('none');
}
