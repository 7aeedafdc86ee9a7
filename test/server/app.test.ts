/**
 * What buildApp adds around the routes: identity headers on every answer, Connection: close once closing,
 * CORS preflights, framework and parser errors as JSON, and keep-alive on a real socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { once } from 'node:events';
import { closeApps, expectIdentityHeaders, expectJsonError, makeApp } from './fixture.js';

afterEach(closeApps);

describe('every answer', () => {
  it('HEAD requests carry the identity headers too', async () => {
    const { app } = makeApp();
    const res = await app.inject({ method: 'HEAD', url: '/api/info' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expectIdentityHeaders(res);
  });

  it('tells keep-alive clients to hang up once closing', async () => {
    const { app, lifecycle } = makeApp();
    expect((await app.inject('/api/info')).headers['connection']).not.toBe('close');
    lifecycle.state = 'closing';
    const res = await app.inject('/api/info');
    expect(res.statusCode).toBe(200);
    expect(res.headers['connection']).toBe('close');
  });

  it('GET /delay/%zz → 400 JSON naming the problem', async () => {
    const { app } = makeApp();
    expectJsonError(await app.inject('/delay/%zz'), 400, /malformed URL/);
  });
});

describe('CORS', () => {
  it('answers preflights for reads only: another origin may never PUT faults', async () => {
    const { app } = makeApp();
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/api/faults',
      headers: {
        origin: 'http://dashboard.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
    expectIdentityHeaders(res);
  });
});

describe('buildApp', () => {
  it('registers the probe routes without listening, so manifests can be checked against it', () => {
    const { app } = makeApp();
    expect(app.hasRoute({ method: 'GET', url: '/readyz' })).toBe(true);
    expect(app.hasRoute({ method: 'GET', url: '/healthz' })).toBe(true);
    expect(app.server.listening).toBe(false);
  });
});

describe('on a real socket', () => {
  it('keeps idle keep-alive connections longer than common proxies (≥ 65 s)', async () => {
    const { app } = makeApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect(app.server.keepAliveTimeout).toBeGreaterThanOrEqual(65_000);
    const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/info`);
    expect(res.headers.get('keep-alive')).toMatch(/timeout=(\d+)/);
    expect(Number(/timeout=(\d+)/.exec(res.headers.get('keep-alive')!)![1])).toBeGreaterThanOrEqual(65);
  });

  it('answers malformed HTTP with 400 JSON and the identity headers', async () => {
    const { app } = makeApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const socket = connect((app.server.address() as { port: number }).port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /api/info HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n');
    let raw = '';
    socket.setEncoding('utf8').on('data', (d: string) => (raw += d));
    await once(socket, 'close');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('\r\ncolor: green\r\n');
    expect(raw).toContain('\r\nx-pod-name: app-7d9f-abcde\r\n');
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: string; message: string };
    expect(body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/malformed request/) });
  });
});
