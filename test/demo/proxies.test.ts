import { afterEach, describe, expect, it } from 'vitest';
import { Agent, createServer, request, type Server } from 'node:http';
import { once } from 'node:events';
import { createConnection, type AddressInfo } from 'node:net';
import { ServiceProxy } from '../../demo/service-proxy.js';
import { IngressProxy } from '../../demo/ingress-proxy.js';
import type { Backend } from '../../demo/backends.js';

const host = '127.0.0.1';
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** A small app: answers with its name in the `x-pod-name` header and the body. */
async function backend(pod: string, handler?: Parameters<typeof createServer>[1]): Promise<Backend> {
  const server: Server = createServer(
    handler ??
      ((req, res) => {
        req.resume();
        res.setHeader('x-pod-name', pod);
        res.end(pod);
      }),
  );
  server.listen(0, host);
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { pod, host, port: (server.address() as AddressInfo).port };
}

interface Reply {
  status: number;
  pod: string | undefined;
  body: string;
}

function get(port: number, agent: Agent | false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode!, pod: res.headers['x-pod-name'] as string, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function service(backends: Backend[]): Promise<number> {
  const proxy = new ServiceProxy();
  proxy.setBackends(backends);
  closers.push(() => proxy.close());
  return proxy.listen(0, host);
}

async function ingress(backends: Backend[]): Promise<[number, IngressProxy]> {
  const proxy = new IngressProxy();
  proxy.setBackends(backends);
  closers.push(() => proxy.close());
  return [await proxy.listen(0, host), proxy];
}

describe('ServiceProxy (L4, per connection)', () => {
  it('keeps a keep-alive connection on one pod, and spreads new connections', async () => {
    const port = await service([await backend('a'), await backend('b')]);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const sticky = new Set<string | undefined>();
    for (let i = 0; i < 10; i++) sticky.add((await get(port, keepAlive)).pod);
    keepAlive.destroy();
    expect(sticky.size).toBe(1);

    const fresh = new Set<string | undefined>();
    for (let i = 0; i < 4; i++) fresh.add((await get(port, false)).pod);
    expect([...fresh].sort()).toEqual(['a', 'b']);
  });

  it('leaves open connections where they are when endpoints change', async () => {
    const a = await backend('a');
    const b = await backend('b');
    const proxy = new ServiceProxy();
    closers.push(() => proxy.close());
    proxy.setBackends([a]);
    const port = await proxy.listen(0, host);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, keepAlive)).pod).toBe('a');
    proxy.setBackends([b]);
    expect((await get(port, keepAlive)).pod).toBe('a');
    expect((await get(port, false)).pod).toBe('b');
    keepAlive.destroy();
  });

  it('resets connections when there is no endpoint or the endpoint refuses', async () => {
    const none = await service([]);
    await expect(get(none, false)).rejects.toMatchObject({ code: 'ECONNRESET' });

    const gone = await backend('gone');
    await closers.pop()!(); // closed now: its port refuses from here on
    const stale = await service([gone]);
    await expect(get(stale, false)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('passes a pod closing the connection on to the client', async () => {
    const port = await service([await backend('a', (_req, res) => res.socket!.end())]);
    const socket = createConnection({ host, port });
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    socket.resume();
    await once(socket, 'close');
  });
});

describe('IngressProxy (L7, per request)', () => {
  it('balances each request on one client connection, keeping identity headers', async () => {
    const [port] = await ingress([await backend('a'), await backend('b')]);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const pods: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) pods.push((await get(port, keepAlive)).pod);
    keepAlive.destroy();
    expect(pods).toEqual(['a', 'b', 'a', 'b']);
  });

  it('refuses a body over 1 MiB with 413 (as nginx does) and never passes it to a pod', async () => {
    let reached = 0;
    const [port] = await ingress([await backend('a', (_req, res) => (reached++, res.end('ok')))]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host, port, path: '/', method: 'POST', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent < 4 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(reached).toBe(0);
  });

  it('answers 503 JSON without endpoints and 502 JSON when the endpoint refuses', async () => {
    const [port, proxy] = await ingress([]);
    const none = await get(port, false);
    expect(none.status).toBe(503);
    expect(JSON.parse(none.body)).toMatchObject({ status: 503, error: expect.stringMatching(/no ready/) });

    const gone = await backend('gone');
    await closers.pop()!();
    proxy.setBackends([gone]);
    const refused = await get(port, false);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toMatchObject({ error: expect.stringMatching(/gone: ECONNREFUSED/) });
  });

  it('retries on another pod when a reused upstream connection was closed under it', async () => {
    let served = 0;
    // Answers the first request on each connection, then drops the connection on the next one.
    const flaky = await backend('flaky', (req, res) => {
      req.resume();
      const socket = req.socket as typeof req.socket & { used?: boolean };
      if (socket.used) return socket.destroy();
      socket.used = true;
      served++;
      res.setHeader('x-pod-name', 'flaky');
      res.end('flaky');
    });
    const [port, proxy] = await ingress([flaky]);
    expect((await get(port, false)).pod).toBe('flaky');
    proxy.setBackends([flaky, await backend('steady')]);
    // Round-robin lands on the flaky pod again, over the pooled connection: retried on the steady one.
    const replies = [await get(port, false), await get(port, false)];
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect(replies.map((r) => r.pod)).toContain('steady');
    expect(served).toBe(1);
  });
});
