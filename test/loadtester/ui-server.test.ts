/**
 * The UI server's path handling (the stream under any prefix, files tried without leading segments) and
 * who may open the stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveLoadOptions } from '../../loadtester/options.js';
import {
  candidateFiles,
  isStreamPath,
  startUiServer,
  type UiServer,
} from '../../loadtester/dashboard/ui-server.js';
import { closeSessions, idleHub } from './sessions.js';

describe('UI paths', () => {
  it('accepts the stream under any prefix', () => {
    expect(isStreamPath('/api/stream')).toBe(true);
    expect(isStreamPath('/dashboard/api/stream')).toBe(true);
    expect(isStreamPath('/api/streams')).toBe(false);
  });
  it('tries the path, then without each leading segment', () => {
    expect(candidateFiles('/dashboard/assets/a.js')).toEqual([
      'dashboard/assets/a.js',
      'assets/a.js',
      'a.js',
    ]);
    expect(candidateFiles('/dashboard/')).toEqual(['dashboard/index.html', 'index.html']);
    // A hostile path of thousands of segments: three lookups, not thousands.
    expect(candidateFiles(`${'/p'.repeat(3000)}/assets/a.js`)).toEqual([
      'p/assets/a.js',
      'assets/a.js',
      'a.js',
    ]);
    expect(candidateFiles('/')).toEqual(['index.html']);
  });
});

describe('who may open the stream', () => {
  const servers: UiServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    await closeSessions();
  });

  /** The handshake's HTTP status (101 when the stream opened) and the body of a refusal. */
  function answer(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.terminate();
        resolve({ status: 101, body: '' });
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          ws.terminate();
        });
      });
      ws.on('error', reject);
    });
  }

  async function handshake(url: string, headers: Record<string, string>): Promise<number> {
    return (await answer(url, headers)).status;
  }

  it("the dashboard's own origin, the --ui-origin ones and programs without Origin; no other page", async () => {
    const hub = await idleHub(resolveLoadOptions('http://127.0.0.1:9/', {}));
    const server = await startUiServer({ port: 0, hub, origins: ['https://dash.example.com'] });
    servers.push(server);
    const stream = `ws://127.0.0.1:${server.port}/dashboard/api/stream`;
    const own = `http://127.0.0.1:${server.port}`;
    expect(await handshake(stream, { origin: own })).toBe(101);
    expect(await handshake(stream, {})).toBe(101);
    expect(await handshake(stream, { origin: 'https://dash.example.com' })).toBe(101);
    for (const origin of [
      'http://evil.example',
      `http://localhost:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`,
      'null',
    ]) {
      expect(await handshake(stream, { origin }), origin).toBe(403);
    }
  });

  it.each(['127.0.0.1', '0.0.0.0'])(
    'refuses a page whose Host is a name that is not the dashboard’s (DNS rebinding), listening on %s',
    async (host) => {
      const hub = await idleHub(resolveLoadOptions('http://127.0.0.1:9/', {}));
      const server = await startUiServer({ port: 0, host, hub, origins: ['https://dash.example.com'] });
      servers.push(server);
      const { port } = server;
      const stream = `ws://127.0.0.1:${port}/api/stream`;
      // rebind.example resolved to 127.0.0.1: the browser sends the page's own name as Origin and Host.
      const rebound = await answer(stream, {
        origin: `http://rebind.example:${port}`,
        host: `rebind.example:${port}`,
      });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toMatch(/Host "rebind\.example:\d+" is not a name of this dashboard/);
      expect(rebound.body).toMatch(/--ui-origin/);
      // Its loopback names, an address, and the host of an --ui-origin still open it.
      for (const name of [
        `localhost:${port}`,
        `127.0.0.1:${port}`,
        'localhost:9000',
        `dash.example.com:${port}`,
      ]) {
        expect(await handshake(stream, { origin: `http://${name}`, host: name }), name).toBe(101);
      }
      expect(await handshake(stream, { origin: 'https://dash.example.com', host: 'dashboard:8090' })).toBe(
        101,
      );
    },
  );
});
