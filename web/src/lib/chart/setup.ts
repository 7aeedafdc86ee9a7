/**
 * Chart.js with only what the dashboard draws registered (line charts on linear axes, a logarithmic axis
 * for latency, area fill, legend, tooltip), so the bundle carries none of the rest; and the options every
 * time chart shares. The time-axis marks are in markers.ts, chart creation in timechart.ts.
 */
import {
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartOptions,
  type ChartType,
} from 'chart.js';
import type { MarkerOptions } from './markers.js';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Filler,
  Legend,
  Tooltip,
);

export { Chart };

/** Tick spacing on the time axis: round clock seconds for the span shown. */
export function timeStep(spanMs: number): number {
  if (spanMs <= 70_000) return 10_000;
  if (spanMs <= 200_000) return 30_000;
  return 60_000;
}

export function clock(ms: number): string {
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
    // includeInvisible: a second clipped above the axis still has its tooltip (its real value).
    interaction: { mode: 'index', intersect: false, includeInvisible: true },
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
