/** Real app processes, and the demo's Service proxy in front of them, for the dashboard's e2e tests. */
import { ServiceProxy } from '../../demo/service-proxy.js';
import { spawnCli, type CliProcess } from './cli.js';

export interface App {
  cli: CliProcess;
  pod: string;
  port: number;
  url: string;
}

/** `bluegreen serve` on a free port on 127.0.0.1; resolves once it logged that it is ready. */
export async function startApp(color: string, env: NodeJS.ProcessEnv = {}): Promise<App> {
  const pod = `${color}-pod`;
  const cli = spawnCli(['serve'], {
    COLOR: color,
    PORT: '0',
    HOST: '127.0.0.1',
    POD_NAME: pod,
    LOG_LEVEL: 'info',
    DRAIN_SECONDS: '0',
    ...env,
  });
  const [, port] = await cli.waitFor(/"port":(\d+)[^\n]*"msg":"ready"/, 30_000);
  return { cli, pod, port: Number(port), url: `http://127.0.0.1:${port}/` };
}

export interface Service {
  url: string;
  close(): Promise<void>;
}

/** The apps behind the demo's Service proxy, which picks one per TCP connection, as kube-proxy does. */
export async function behindService(apps: readonly App[]): Promise<Service> {
  const proxy = new ServiceProxy();
  const port = await proxy.listen(0, '127.0.0.1');
  proxy.setBackends(apps.map((app) => ({ pod: app.pod, host: '127.0.0.1', port: app.port })));
  return { url: `http://127.0.0.1:${port}/`, close: () => proxy.close() };
}
