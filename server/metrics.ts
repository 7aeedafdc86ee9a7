/**
 * Prometheus metrics: prom-client's default process metrics plus request counts and durations labelled
 * by route template, method, status code, colour and version. Each app gets its own registry, so
 * several apps in one process (tests) do not collide.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Identity } from './identity.js';

const LABELS = ['route', 'method', 'status_code', 'color', 'version'] as const;

type Child = { counter: { inc: () => void }; histogram: { observe: (v: number) => void } };

export interface Metrics {
  registry: Registry;
  /** Counts one response. `route` is the route template (`/delay/:ms`), never the raw URL. */
  record: (route: string, method: string, statusCode: number, seconds: number) => void;
}

export function createMetrics(identity: Identity): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = new Counter({
    name: 'http_requests_total',
    help: 'HTTP responses sent, by route template, method, status code, colour and version',
    labelNames: LABELS,
    registers: [registry],
  });
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response sent',
    labelNames: LABELS,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  // prom-client hashes the labels on every call; the label sets are few, so keep their children.
  const children = new Map<string, Child>();
  function child(route: string, method: string, statusCode: number): Child {
    const key = `${method} ${statusCode} ${route}`;
    let found = children.get(key);
    if (!found) {
      const labels = {
        route,
        method,
        status_code: String(statusCode),
        color: identity.color,
        version: identity.version,
      };
      found = { counter: counter.labels(labels), histogram: histogram.labels(labels) };
      children.set(key, found);
    }
    return found;
  }

  return {
    registry,
    record(route, method, statusCode, seconds) {
      const c = child(route, method, statusCode);
      c.counter.inc();
      c.histogram.observe(seconds);
    },
  };
}
