/**
 * The app's lifecycle: starting → ready → draining → closing → closed.
 *
 * starting: listening, /readyz 503 for START_DELAY_SECONDS. ready: /readyz 200.
 * draining (first SIGTERM/SIGINT): /readyz 503 at once, everything else serves normally for DRAIN_SECONDS,
 * so endpoints and ingresses stop sending here before the listener goes away.
 * closing: every response carries `Connection: close`; after a short last call (so clients that keep
 * sending on a keep-alive connection are told to hang up instead of having an idle socket shut under
 * them) the listener closes, idle sockets are closed and in-flight requests finish. closed: exit 0.
 * A hard timer exits 1 if all that outlasts SHUTDOWN_TIMEOUT_SECONDS; a second signal exits at once.
 */
import type { FastifyInstance } from 'fastify';
import { constants } from 'node:os';

export type LifecycleState = 'starting' | 'ready' | 'draining' | 'closing' | 'closed';

export class Lifecycle {
  state: LifecycleState = 'starting';

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** True once responses should tell keep-alive clients to hang up. */
  get closing(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }
}

/** Longest wait, in closing, for open connections to hang up after `Connection: close` before closing the listener. */
export const LAST_CALL_MS = 1000;

export interface ShutdownOptions {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  drainMs: number;
  timeoutMs: number;
  /** Open TCP connections right now (the last call ends early when it reaches 0). */
  openConnections: () => number;
  exit: (code: number) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the signal handler: the first call drains and closes, a second exits at once. */
export function createShutdown(options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  const { app, lifecycle, drainMs, timeoutMs, openConnections, exit } = options;
  let begunAt: number | null = null;

  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    begunAt = Date.now();
    lifecycle.state = 'draining';
    app.log.info({ signal, drainSeconds: drainMs / 1000 }, 'draining');
    setTimeout(() => {
      app.log.error({ timeoutSeconds: timeoutMs / 1000 }, 'shutdown timed out');
      exit(1);
    }, timeoutMs);

    await sleep(drainMs);
    lifecycle.state = 'closing';
    app.log.info({ openConnections: openConnections() }, 'closing');
    // Whatever budget is left is shared between the last call and the close itself.
    const lastCallEnd = Date.now() + Math.min(LAST_CALL_MS, (timeoutMs - drainMs) / 2);
    while (openConnections() > 0 && Date.now() < lastCallEnd) await sleep(20);

    await app.close();
    lifecycle.state = 'closed';
    app.log.info({ shutdownMs: Date.now() - begunAt }, 'closed');
    exit(0);
  }

  return (signal) => {
    if (begunAt !== null) {
      app.log.warn({ signal }, 'second signal: exiting now');
      exit(128 + (constants.signals[signal] ?? 0));
      return;
    }
    shutdown(signal).catch((error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      exit(1);
    });
  };
}
