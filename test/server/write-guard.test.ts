/**
 * The endpoints that change the app: FAULTS_API, FAULTS_TOKEN and LOAD_ENDPOINTS, and the refusal of
 * requests that a browser marks as coming from another site (app.inject: no socket needed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { resolveServeOptions } from '../../server/options.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function make(env: Record<string, string> = {}): FastifyInstance {
  const app = buildApp(resolveServeOptions({}, { COLOR: 'green', ...env }), { logger: false, webDir: null });
  apps.push(app);
  return app;
}

const put = (app: FastifyInstance, headers: Record<string, string> = {}, errorRate = 0.5) =>
  app.inject({ method: 'PUT', url: '/api/faults', payload: { errorRate }, headers });

describe('write guard', () => {
  it('FAULTS_API=off makes faults read-only (403 naming the setting); reads still work', async () => {
    const app = make({ FAULTS_API: 'off' });
    const res = await put(app);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      error: 'forbidden',
      message: expect.stringContaining('FAULTS_API=off'),
    });
    expect((await app.inject('/api/faults')).json()).toMatchObject({ errorRate: 0 });
  });

  it('FAULTS_TOKEN: PUT needs the bearer token (401 without or with a wrong one)', async () => {
    const app = make({ FAULTS_TOKEN: 's3cret-token' });
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token!' },
      { authorization: 's3cret-token' },
    ] as Record<string, string>[]) {
      const res = await put(app, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({
        error: 'unauthorized',
        message: expect.stringContaining('FAULTS_TOKEN'),
      });
    }
    expect((await app.inject('/api/faults')).json()).toMatchObject({ errorRate: 0 });
    const ok = await put(app, { authorization: 'Bearer s3cret-token' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ errorRate: 0.5 });
  });

  it('LOAD_ENDPOINTS=off: /cpu and /memory answer 403 naming the setting', async () => {
    const app = make({ LOAD_ENDPOINTS: 'off' });
    for (const [method, url] of [
      ['GET', '/cpu/10'],
      ['GET', '/memory/1'],
      ['DELETE', '/memory'],
    ] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().message).toContain('LOAD_ENDPOINTS=off');
    }
  });

  it.each([
    [{ origin: 'http://elsewhere.example' }, 403],
    [{ origin: 'null' }, 403],
    [{ 'sec-fetch-site': 'cross-site', origin: 'http://elsewhere.example' }, 403],
    [{ 'sec-fetch-site': 'same-site' }, 403],
    [{ origin: 'http://app.local:8080', host: 'app.local:8080' }, 200],
    [{ 'sec-fetch-site': 'same-origin', origin: 'http://app.local:8080', host: 'app.local:8080' }, 200],
    [{}, 200],
  ])('requests with %j get %i on PUT /api/faults, /cpu and /memory', async (headers, status) => {
    const app = make();
    expect((await put(app, headers, 0)).statusCode).toBe(status);
    for (const url of ['/cpu/10', '/memory/0']) {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, url).toBe(status);
      if (status === 403) expect(res.json()).toMatchObject({ error: 'cross_site' });
    }
  });

  it.each([
    ['FAULTS_API', 'maybe', /must be on or off/],
    ['FAULTS_TOKEN', 'short', /8 to 256/],
    ['LOAD_ENDPOINTS', '1', /must be on or off/],
  ])('%s=%s is refused naming the setting', (name, value, message) => {
    expect(() => resolveServeOptions({}, { [name]: value })).toThrow(
      new RegExp(`${name}: .*${message.source}`),
    );
  });
});
