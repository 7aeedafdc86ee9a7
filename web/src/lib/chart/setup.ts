/**
 * Chart.js with only what the dashboard draws registered (line charts on linear axes, area fill, legend,
 * tooltip), so the bundle carries none of the rest. Plus one small plugin: lifecycle events as vertical
 * markers on the time axis.
 */
import {
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartOptions,
  type ChartType,
  type Plugin,
} from 'chart.js';
import type { EventKind, EventMessage } from '../../../../protocol/stream.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Legend, Tooltip);

export { Chart };

export interface MarkerOptions {
  events: readonly EventMessage[];
}

/** The symbol drawn at the top of each marker, per event kind (also shown as a key under the event list). */
export const MARKER_SYMBOLS: Record<EventKind, string> = {
  'pod-added': '+',
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
};

const STRONG_KINDS = new Set<EventKind>([
  'rollout-started',
  'rollout-finished',
  'run-started',
  'run-stopped',
]);

export const markerPlugin: Plugin<'line', MarkerOptions> = {
  id: 'eventMarkers',
  afterDatasetsDraw(chart, _args, options) {
    const x = chart.scales.x;
    if (!x || !options.events?.length) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    let lastPx = -Infinity;
    for (const event of options.events) {
      if (event.t < x.min || event.t > x.max) continue;
      const px = x.getPixelForValue(event.t);
      // Starts and ends of runs and rollouts: solid; steps and pod events: dashed and lighter.
      const major = STRONG_KINDS.has(event.kind);
      ctx.strokeStyle = major ? 'rgba(40, 40, 40, 0.7)' : 'rgba(90, 90, 90, 0.35)';
      ctx.setLineDash(major ? [] : [3, 3]);
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      // Labels only where they do not overlap the previous one.
      if (px - lastPx > 12) {
        ctx.fillStyle = '#333';
        ctx.fillText(MARKER_SYMBOLS[event.kind] ?? '•', px, chartArea.top + 10);
        lastPx = px;
      }
    }
    ctx.restore();
  },
};

/** Tick spacing on the time axis: round clock seconds for the span shown. */
export function timeStep(spanMs: number): number {
  if (spanMs <= 70_000) return 10_000;
  if (spanMs <= 200_000) return 30_000;
  return 60_000;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/** Shared options: no animation (it costs frames at a few updates a second), time on a linear x axis. */
export function baseOptions(yTitle: string, stacked: boolean): ChartOptions<'line'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'index', intersect: false },
    elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.5, tension: 0 } },
    scales: {
      x: {
        type: 'linear',
        ticks: { maxTicksLimit: 11, callback: (v) => clock(Number(v)) },
        grid: { color: 'rgba(0,0,0,0.06)' },
      },
      y: {
        type: 'linear',
        stacked,
        beginAtZero: true,
        title: { display: true, text: yTitle },
        grid: { color: 'rgba(0,0,0,0.06)' },
      },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 14, usePointStyle: false } },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? clock(items[0].parsed.x ?? 0) : ''),
        },
      },
    },
  };
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    eventMarkers?: MarkerOptions;
  }
}
