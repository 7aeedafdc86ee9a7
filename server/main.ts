/** `bluegreen serve`: wiring only. Build the app, listen, become ready, and drain on SIGTERM/SIGINT. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { UsageError } from '../common/usage-error.js';
import { buildApp } from './app.js';
import type { ServeOptions } from './options.js';
import { handOverSignals } from './early-signals.js';
import { Lifecycle, createShutdown } from './lifecycle.js';

function countConnections(server: Server): () => number {
  let open = 0;
  server.on('connection', (socket) => {
    open += 1;
    socket.once('close', () => (open -= 1));
  });
  return () => open;
}

export async function runServe(config: ServeOptions): Promise<void> {
  const lifecycle = new Lifecycle();
  const app = buildApp(config, { lifecycle });
  const openConnections = countConnections(app.server);

  const onSignal = createShutdown({
    app,
    lifecycle,
    drainMs: config.drainSeconds * 1000,
    timeoutMs: config.shutdownTimeoutSeconds * 1000,
    openConnections,
    exit: (code) => process.exit(code),
  });
  handOverSignals(onSignal);

  try {
    await app.listen({
      port: config.port,
      host: config.host,
      listenTextResolver: (address) => `reachable at ${address}`,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot listen on ${config.host}:${config.port}: ${code}`);
  }
  const { port } = app.server.address() as AddressInfo;
  app.log.info({ port, host: config.host, startDelaySeconds: config.startDelaySeconds }, 'listening');

  const becomeReady = (): void => {
    if (lifecycle.state !== 'starting') return;
    lifecycle.state = 'ready';
    app.log.info({ port, startupMs: Math.round(performance.now()) }, 'ready');
  };
  if (config.startDelaySeconds > 0) setTimeout(becomeReady, config.startDelaySeconds * 1000);
  else becomeReady();
}
