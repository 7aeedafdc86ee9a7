import type { ServeOptions } from './options.js';
import type { Faults } from './faults.js';
import type { Identity } from './identity.js';
import type { Lifecycle } from './lifecycle.js';
import type { Metrics } from './metrics.js';

/** What the routes share: settings, identity and the app's mutable state. */
export interface ServerContext {
  config: ServeOptions;
  identity: Identity;
  lifecycle: Lifecycle;
  faults: Faults;
  metrics: Metrics;
  stats: { requests: number; startedAtMs: number };
}

/** Route config flag: probes, metrics and the fault endpoint are spared fault injection and rate limiting. */
export const EXEMPT = { exempt: true } as const;

declare module 'fastify' {
  interface FastifyContextConfig {
    exempt?: boolean;
    /**
     * The route answers browsers with the dashboard's page: spared like the page's own files (a page that
     * fails to load shows nothing), while what it answers a loadtester still gets the faults.
     */
    pageForBrowsers?: boolean;
  }
}
