/**
 * `bluegreen load --ui` as a process facing hostile or unlucky requests: a malformed upgrade gets a 400 and
 * the run goes on to its report; a busy port is a usage error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer, connect, type Server } from 'node:net';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { app, startTarget } from '../helpers/targets.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCli();
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/** Sends `head` on a raw socket and resolves with what the server answered before closing. */
export function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(head);
  });
}

const UPGRADE_HEADERS =
  'Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

describe('bluegreen load --ui facing malformed upgrades', () => {
  it('answers 400 to request-targets it cannot parse and still ends with its report', async () => {
    const target = await startTarget(app('blue', 'b'));
    cleanups.push(() => target.close());
    const cli = spawnCli(['load', target.url, '--rate', '20', '-d', '3s', '--ui', '0']);
    const [, port] = await cli.waitFor(/dashboard: http:\/\/127\.0\.0\.1:(\d+)\//);
    for (const path of ['//a:99999/api/stream', '//[::1/api/stream', 'http://a:99999/api/stream']) {
      const answer = await rawRequest(Number(port), `GET ${path} HTTP/1.1\r\n${UPGRADE_HEADERS}`);
      expect(answer, path).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect(cli.stdout()).toMatch(/Result\s+pass/);
  });
});

describe('bluegreen load --ui <busy port>', () => {
  it('says the port is in use and exits 2, without a stack', async () => {
    const busy: Server = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as { port: number }).port;
    const cli = spawnCli(['load', 'http://127.0.0.1:9/', '-d', '1s', '--ui', String(port)]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      `bluegreen: port ${port} is in use: choose another with --ui (0 = any free port)\n`,
    );
  });
});
