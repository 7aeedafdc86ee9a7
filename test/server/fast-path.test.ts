/**
 * server/fast-path.ts answers the hot routes before fastify sees them. Over a real socket (app.inject()
 * goes around it), its answers must be fastify's: same status, headers and body, counted the same way;
 * and whatever would change an answer (faults, a rate limit, closing, an unusual URL) goes to fastify.
 * A fastify onSend hook counts what fastify answered, so each case shows which path answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Lifecycle } from '../../server/lifecycle.js';
import { closeApps, makeApp } from './fixture.js';

afterEach(closeApps);

/** Headers that differ between any two responses (time, connection handling) or between inject and a socket. */
const VARYING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function comparable(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !VARYING.has(name))
      .map(([name, value]) => [name, String(value)]),
  );
}

type Get = ((path: string, init?: RequestInit) => Promise<Served>) & { base: string };

interface Served {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function start(
  env: Record<string, string> = {},
  webDir: string | null = null,
): Promise<{ app: FastifyInstance; get: Get; handled: () => number; lifecycle: Lifecycle }> {
  const { app, lifecycle } = makeApp(env, { webDir });
  let handled = 0;
  // onSend runs for every answer fastify sends, also those sent from its own hooks (a 429).
  app.addHook('onSend', (_request, _reply, payload, done) => {
    handled += 1;
    done(null, payload);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const get = async (path: string, init?: RequestInit): Promise<Served> => {
    const res = await fetch(base + path, init);
    return {
      status: res.status,
      headers: comparable(Object.fromEntries(res.headers)),
      body: await res.text(),
    };
  };
  return { app, get: Object.assign(get, { base }), handled: () => handled, lifecycle };
}

const asServed = (res: LightMyRequestResponse): Served => ({
  status: res.statusCode,
  headers: comparable(res.headers),
  body: res.body,
});

/** The body without what changes between requests, or between inject and a socket (host). */
function stable(body: string): Record<string, unknown> {
  const {
    uptimeSeconds: _u,
    requestsServed: _r,
    remote_addr: _a,
    headers: _h,
    host: _o,
    ...rest
  } = JSON.parse(body) as Record<string, unknown>;
  return rest;
}

describe('the fast path', () => {
  it.each(['/api/info', '/', '/delay/0', '/delay/30'])(
    'answers GET %s as fastify does, without running fastify',
    async (path) => {
      const { app, get, handled } = await start();
      const fast = await get(path);
      expect(handled()).toBe(0);
      const viaFastify = asServed(await app.inject(path));
      expect(handled()).toBe(1);
      expect(fast.status).toBe(200);
      expect(fast.status).toBe(viaFastify.status);
      // The lengths differ with the live fields (uptime, and the request headers /delay echoes).
      const { 'content-length': fastLength, ...fastHeaders } = fast.headers;
      const { 'content-length': _length, ...fastifyHeaders } = viaFastify.headers;
      expect(fastHeaders).toEqual(fastifyHeaders);
      expect(Number(fastLength)).toBe(Buffer.byteLength(fast.body));
      expect(Object.keys(JSON.parse(fast.body) as object)).toEqual(
        Object.keys(JSON.parse(viaFastify.body) as object),
      );
      expect(stable(fast.body)).toEqual(stable(viaFastify.body));
    },
  );

  it('echoes the request on /delay/:ms as fastify does: headers, url, remote address', async () => {
    const { get } = await start();
    const body = JSON.parse((await get('/delay/0', { headers: { 'x-probe': 'yes' } })).body) as {
      headers: Record<string, string>;
      url: string;
      remote_addr: string;
      method: string;
    };
    expect(body.headers['x-probe']).toBe('yes');
    expect(body).toMatchObject({ url: '/delay/0', method: 'GET' });
    expect(body.remote_addr).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('counts what it answers: requestsServed and the request metrics by route template', async () => {
    const { app, get } = await start();
    await get('/api/info');
    await get('/delay/0');
    await get('/');
    const info = JSON.parse((await get('/api/info')).body) as { requestsServed: number };
    expect(info.requestsServed).toBe(3);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /^http_requests_total\{route="\/api\/info",method="GET",status_code="200",[^}]*\} 2$/m,
    );
    expect(metrics).toMatch(
      /^http_requests_total\{route="\/delay\/:ms",method="GET",status_code="200",[^}]*\} 1$/m,
    );
    expect(metrics).toMatch(/^http_request_duration_seconds_count\{route="\/",method="GET",[^}]*\} 1$/m);
  });

  it.each([
    ['a query string', '/api/info?x=1', 200],
    ['a delay that is not a whole number', '/delay/abc', 400],
    ['a delay above MAX_DELAY_MS', '/delay/99999999', 400],
    ['a route it does not know', '/healthz', 200],
  ])('leaves %s to fastify', async (_what, path, status) => {
    const { get, handled } = await start();
    expect((await get(path)).status).toBe(status);
    expect(handled()).toBe(1);
  });

  it('leaves HEAD to fastify', async () => {
    const { get, handled } = await start();
    expect((await get('/api/info', { method: 'HEAD' })).status).toBe(200);
    expect(handled()).toBe(1);
  });

  it('steps aside while faults are injected, and takes over again when they are off', async () => {
    const { app, get, handled } = await start();
    await app.inject({ method: 'PUT', url: '/api/faults', payload: { latencyMs: { min: 1, max: 1 } } });
    const before = handled();
    await get('/api/info');
    expect(handled()).toBe(before + 1);
    await app.inject({ method: 'PUT', url: '/api/faults', payload: { latencyMs: { min: 0, max: 0 } } });
    const after = handled();
    await get('/api/info');
    expect(handled()).toBe(after);
  });

  it('steps aside under a rate limit (fastify answers 429 past it)', async () => {
    const { get, handled } = await start({ RATE_LIMIT: '1' });
    const statuses = [(await get('/api/info')).status, (await get('/api/info')).status];
    expect(handled()).toBe(2);
    // A fixed one-second window: both may fall in one second (200, 429) or straddle two (200, 200).
    expect(statuses[0]).toBe(200);
  });

  it('steps aside while closing, so the answer says Connection: close', async () => {
    const { get, handled, lifecycle } = await start();
    lifecycle.state = 'closing';
    const res = await fetch(`${get.base}/api/info`);
    expect(res.headers.get('connection')).toBe('close');
    expect(handled()).toBe(1);
  });

  it('sends the page to browsers asking for HTML on / (through fastify), JSON to everyone else', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'bluegreen-fast-path-'));
    try {
      writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>x</title>');
      const { get, handled } = await start({}, webDir);
      const page = await get('/', { headers: { accept: 'text/html' } });
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(handled()).toBe(1);
      const json = await get('/', { headers: { accept: 'application/json' } });
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.headers['vary']).toBe('Accept');
      expect(handled()).toBe(1);
    } finally {
      rmSync(webDir, { recursive: true, force: true });
    }
  });
});
