/** Real app processes and a round-robin TCP proxy in front of them, for the dashboard's e2e tests and bench. */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { spawnCli, type CliProcess } from '../helpers/cli.js';

export interface App {
  cli: CliProcess;
  port: number;
  url: string;
}

/** `bluegreen serve` on a free port on 127.0.0.1; resolves once it logged that it is ready. */
export async function startApp(color: string, env: NodeJS.ProcessEnv = {}): Promise<App> {
  const cli = spawnCli(['serve'], {
    COLOR: color,
    PORT: '0',
    HOST: '127.0.0.1',
    POD_NAME: `${color}-pod`,
    LOG_LEVEL: 'info',
    DRAIN_SECONDS: '0',
    ...env,
  });
  const [, port] = await cli.waitFor(/"port":(\d+)[^\n]*"msg":"ready"/, 30_000);
  return { cli, port: Number(port), url: `http://127.0.0.1:${port}/` };
}

export interface Proxy {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Picks the next backend per TCP connection, like kube-proxy in front of a Service. */
export async function roundRobinProxy(backends: number[]): Promise<Proxy> {
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const port = backends[next++ % backends.length]!;
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
