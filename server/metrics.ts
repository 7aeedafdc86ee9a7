/**
 * Prometheus metrics: prom-client's default process metrics, plus `http_requests_total` and
 * `http_request_duration_seconds` labelled by route template, method, status code, colour and version.
 *
 * The two request metrics are counted here and rendered in the exposition format at scrape time:
 * prom-client hashes the label set on every observation, which cost 1–3 µs per request (several
 * per cent of a request's whole budget at tens of thousands per second). prom-client itself (30+ ms
 * to load here) is loaded after the app is ready, or at the first scrape, whichever comes first.
 * Each app gets its own registry, so several apps in one process (tests) do not collide.
 */
import type { Registry } from 'prom-client';
import type { Identity } from './identity.js';

export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Series {
  labels: string;
  count: number;
  sum: number;
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  buckets: number[];
}

export interface Metrics {
  /** Loads prom-client and starts collecting process metrics (idempotent). */
  startProcessMetrics: () => Promise<Registry>;
  /** Counts one response. `route` is the route template (`/delay/:ms`), never the raw URL. */
  record: (route: string, method: string, statusCode: number, seconds: number) => void;
  /** The whole exposition: process metrics and request metrics. */
  render: () => Promise<string>;
  contentType: string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function createMetrics(identity: Pick<Identity, 'color' | 'version'>): Metrics {
  let processMetrics: Promise<Registry> | undefined;
  const startProcessMetrics = (): Promise<Registry> =>
    (processMetrics ??= import('prom-client').then(({ Registry, collectDefaultMetrics }) => {
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      return registry;
    }));
  // route → method → status code, so the hot path looks up without building a key string.
  const index = new Map<string, Map<string, Map<number, Series>>>();
  const series: Series[] = [];
  const fixedLabels = `color="${escapeLabel(identity.color)}",version="${escapeLabel(identity.version)}"`;

  function record(route: string, method: string, statusCode: number, seconds: number): void {
    let byMethod = index.get(route);
    if (!byMethod) index.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(statusCode);
    if (!s) {
      s = {
        labels: `route="${escapeLabel(route)}",method="${escapeLabel(method)}",status_code="${statusCode}",${fixedLabels}`,
        count: 0,
        sum: 0,
        buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0),
      };
      byStatus.set(statusCode, s);
      series.push(s);
    }
    s.count += 1;
    s.sum += seconds;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    s.buckets[i]! += 1;
  }

  function renderRequests(): string {
    const lines = [
      '# HELP http_requests_total HTTP responses sent, by route template, method, status code, colour and version',
      '# TYPE http_requests_total counter',
    ];
    for (const s of series) lines.push(`http_requests_total{${s.labels}} ${s.count}`);
    lines.push(
      '# HELP http_request_duration_seconds Time from request received to response sent',
      '# TYPE http_request_duration_seconds histogram',
    );
    for (const s of series) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        lines.push(`http_request_duration_seconds_bucket{le="${le}",${s.labels}} ${cumulative}`);
      });
      lines.push(`http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      lines.push(`http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      lines.push(`http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return lines.join('\n') + '\n';
  }

  return {
    startProcessMetrics,
    record,
    render: async () => `${await (await startProcessMetrics()).metrics()}\n${renderRequests()}`,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  };
}
