/** The app's routes through app.inject(): every endpoint, its headers, bad inputs, faults and metrics. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.js';
import { resolveServeConfig, type ServeConfig } from '../../server/config.js';
import { Lifecycle } from '../../server/lifecycle.js';

const apps: FastifyInstance[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const POD_ENV = {
  POD_NAME: 'app-7d9f-abcde',
  POD_NAMESPACE: 'bluegreen',
  NODE_NAME: 'node-1',
  POD_IP: '10.1.2.3',
};

function make(
  env: Record<string, string> = {},
  options: BuildOptions = {},
): { app: FastifyInstance; config: ServeConfig; lifecycle: Lifecycle } {
  const config = resolveServeConfig({}, { COLOR: 'green', APP_VERSION: 'v2', ...env });
  const lifecycle = options.lifecycle ?? new Lifecycle();
  lifecycle.state = 'ready';
  const app = buildApp(config, { logger: false, webDir: null, env: POD_ENV, ...options, lifecycle });
  apps.push(app);
  return { app, config, lifecycle };
}

function expectIdentityHeaders(res: LightMyRequestResponse): void {
  expect(res.headers['color']).toBe('green');
  expect(res.headers['x-pod-name']).toBe('app-7d9f-abcde');
  expect(res.headers['x-app-version']).toBe('v2');
  expect(res.headers['access-control-allow-origin']).toBe('*');
  expect(res.headers['access-control-expose-headers']).toBe('color, x-pod-name, x-app-version');
}

function expectJsonError(res: LightMyRequestResponse, status: number, message: RegExp): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: string; message: string; statusCode: number }>();
  expect(body.error).toEqual(expect.any(String));
  expect(body.statusCode).toBe(status);
  expect(body.message).toMatch(message);
  expectIdentityHeaders(res);
}

describe('identity', () => {
  it('GET /api/info returns the pod identity from the downward API', async () => {
    const { app } = make();
    await app.inject('/api/info');
    const res = await app.inject('/api/info');
    expect(res.statusCode).toBe(200);
    expectIdentityHeaders(res);
    const body = res.json();
    expect(body).toMatchObject({
      color: 'green',
      version: 'v2',
      pod: 'app-7d9f-abcde',
      namespace: 'bluegreen',
      node: 'node-1',
      podIP: '10.1.2.3',
      hostname: expect.any(String),
      requestsServed: 1,
    });
    expect(Date.parse(body.startedAt)).not.toBeNaN();
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('HEAD requests carry the identity headers too', async () => {
    const { app } = make();
    const res = await app.inject({ method: 'HEAD', url: '/api/info' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expectIdentityHeaders(res);
  });

  it('falls back to the hostname without downward API variables', async () => {
    const { app } = make({}, { env: {} });
    const body = (await app.inject('/api/info')).json();
    expect(body.pod).toBe(body.hostname);
    expect(body.namespace).toBeNull();
  });

  it('GET / answers the identity JSON when no dashboard is built, even to browsers', async () => {
    const { app } = make();
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ color: 'green', pod: 'app-7d9f-abcde' });
  });

  it('GET / serves the dashboard and its assets to browsers when built, JSON to everyone else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bluegreen-web-'));
    tempDirs.push(root);
    const webDir = join(root, 'web');
    mkdirSync(join(webDir, 'assets'), { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'outside.txt'), 'secret');
    const { app } = make({}, { webDir });

    const page = await app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['vary']).toBe('Accept');
    expect(page.body).toContain('<title>dash</title>');
    expectIdentityHeaders(page);

    const json = await app.inject({ url: '/', headers: { accept: '*/*' } });
    expect(json.json()).toMatchObject({ color: 'green' });

    const asset = await app.inject('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.body).toBe('console.log(1)');

    expectJsonError(await app.inject('/assets/missing.js'), 404, /no route for GET \/assets\/missing\.js/);
    expectJsonError(await app.inject('/../outside.txt'), 404, /no route/);
    expectJsonError(await app.inject('/assets/..%2f..%2foutside.txt'), 404, /no route/);
    // The API keeps priority over files.
    expect((await app.inject('/api/info')).json()).toMatchObject({ color: 'green' });
  });
});

describe('CORS', () => {
  it('answers preflights for reads only: another origin may never PUT faults', async () => {
    const { app } = make();
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

describe('probes', () => {
  it('/readyz follows the lifecycle; /healthz stays 200 while the process can serve', async () => {
    const { app, lifecycle } = make();
    for (const [state, ready] of [
      ['starting', 503],
      ['ready', 200],
      ['draining', 503],
      ['closing', 503],
    ] as const) {
      lifecycle.state = state;
      const readyz = await app.inject('/readyz');
      expect(readyz.statusCode).toBe(ready);
      expect(readyz.json()).toEqual({ ready: ready === 200, state });
      expectIdentityHeaders(readyz);
      const healthz = await app.inject('/healthz');
      expect(healthz.statusCode).toBe(200);
      expect(healthz.json()).toEqual({ status: 'ok', state });
    }
  });

  it('tells keep-alive clients to hang up once closing', async () => {
    const { app, lifecycle } = make();
    expect((await app.inject('/api/info')).headers['connection']).not.toBe('close');
    lifecycle.state = 'closing';
    const res = await app.inject('/api/info');
    expect(res.statusCode).toBe(200);
    expect(res.headers['connection']).toBe('close');
  });
});

describe('seed endpoints', () => {
  it('GET /delay/:ms waits and echoes the request with the identity', async () => {
    const { app } = make();
    const started = Date.now();
    const res = await app.inject({ url: '/delay/150?x=1', headers: { 'x-test': 'yes' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.statusCode).toBe(200);
    expectIdentityHeaders(res);
    expect(res.json()).toMatchObject({
      color: 'green',
      pod: 'app-7d9f-abcde',
      hostname: expect.any(String),
      host: 'localhost:80',
      method: 'GET',
      url: '/delay/150?x=1',
      headers: { 'x-test': 'yes' },
      remote_addr: expect.stringContaining('127.0.0.1'),
      delayMs: 150,
    });
  });

  it('GET /cpu/:n does the work and reports it', async () => {
    const { app } = make();
    const res = await app.inject('/cpu/2000000');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      iterations: 2000000,
      ms: expect.any(Number),
      result: expect.any(Number),
    });
  });

  it('GET /cpu/:n leaves the event loop free between slices, so probes answer meanwhile', async () => {
    const { app } = make();
    let cpuDone = false;
    const cpu = app.inject('/cpu/50000000').then((res) => {
      cpuDone = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect(cpuDone).toBe(false);
    expect((await cpu).json()).toMatchObject({ iterations: 50000000 });
  });

  it('GET /memory/:mb holds memory up to MAX_MEMORY_MB; DELETE /memory releases it', async () => {
    const { app } = make({ MAX_MEMORY_MB: '8' });
    const first = await app.inject('/memory/5');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ allocatedMb: 5, heldMb: 5, maxMb: 8 });
    expectJsonError(
      await app.inject('/memory/4'),
      409,
      /holding 5 MiB already; 4 more would pass MAX_MEMORY_MB \(8\)/,
    );
    expect((await app.inject({ method: 'DELETE', url: '/memory' })).json()).toEqual({
      releasedMb: 5,
      heldMb: 0,
    });
    expect((await app.inject('/memory/8')).json()).toMatchObject({ heldMb: 8 });
  });

  it('GET /status/:code answers with that status', async () => {
    const { app } = make();
    for (const code of [200, 201, 404, 418, 500, 503, 599]) {
      const res = await app.inject(`/status/${code}`);
      expect(res.statusCode).toBe(code);
      expectIdentityHeaders(res);
    }
    expect((await app.inject('/status/204')).body).toBe('');
    expect((await app.inject('/status/503')).json()).toMatchObject({ status: 503, color: 'green' });
  });

  it.each([
    ['/delay/abc', 400, /delay ms "abc" must be a whole number from 0 to 30000/],
    ['/delay/-1', 400, /delay ms "-1" must be a whole number/],
    ['/delay/1.5', 400, /delay ms "1.5" must be a whole number/],
    ['/delay/30001', 400, /delay ms 30001 is out of range: must be from 0 to 30000 \(MAX_DELAY_MS\)/],
    ['/delay/99999999999999999999', 400, /must be a whole number/],
    ['/cpu/abc', 400, /cpu iterations "abc"/],
    ['/cpu/50000001', 400, /out of range.*MAX_CPU_ITERATIONS/],
    ['/memory/-5', 400, /memory mb "-5"/],
    ['/memory/257', 400, /memory mb 257 is out of range: must be from 0 to 256 \(MAX_MEMORY_MB\)/],
    ['/status/99', 400, /status code 99 is out of range: must be from 200 to 599/],
    ['/status/100', 400, /out of range/],
    ['/status/600', 400, /out of range/],
    ['/status/abc', 400, /status code "abc" must be a whole number/],
    ['/delay/%zz', 400, /malformed URL/],
    ['/no/such/route', 404, /no route for GET \/no\/such\/route/],
    ['/delay', 404, /no route/],
  ])('GET %s → %i JSON naming the problem', async (url, status, message) => {
    const { app } = make();
    expectJsonError(await app.inject(url), status, message);
  });

  it('unknown methods on known paths are 404 JSON', async () => {
    const { app } = make();
    expectJsonError(
      await app.inject({ method: 'POST', url: '/api/info' }),
      404,
      /no route for POST \/api\/info/,
    );
  });
});

describe('faults', () => {
  it('GET /api/faults shows the settings from ERROR_RATE and LATENCY_MS', async () => {
    const { app } = make({ ERROR_RATE: '0.25', LATENCY_MS: '5-10' });
    expect((await app.inject('/api/faults')).json()).toEqual({
      errorRate: 0.25,
      latencyMs: { min: 5, max: 10 },
    });
  });

  it('ERROR_RATE=1 fails every request except probes, metrics and the fault endpoint', async () => {
    const { app } = make({ ERROR_RATE: '1' });
    for (const url of ['/api/info', '/', '/delay/0', '/status/200']) {
      expectJsonError(await app.inject(url), 500, /injected fault/);
    }
    for (const url of ['/healthz', '/readyz', '/metrics', '/api/faults']) {
      expect((await app.inject(url)).statusCode).toBe(200);
    }
  });

  it('injects latency, but not into probes', async () => {
    const { app } = make({ LATENCY_MS: '300' });
    let started = Date.now();
    expect((await app.inject('/api/info')).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await app.inject('/readyz');
    await app.inject('/healthz');
    expect(Date.now() - started).toBeLessThan(290);
  });

  it('PUT /api/faults changes them at runtime, one field at a time', async () => {
    const { app } = make();
    expect((await app.inject('/api/info')).statusCode).toBe(200);
    const put = await app.inject({ method: 'PUT', url: '/api/faults', payload: { errorRate: 1 } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ errorRate: 1, latencyMs: { min: 0, max: 0 } });
    expect((await app.inject('/api/info')).statusCode).toBe(500);
    const both = await app.inject({
      method: 'PUT',
      url: '/api/faults',
      payload: { latencyMs: { min: 1, max: 2 } },
    });
    expect(both.json()).toEqual({ errorRate: 1, latencyMs: { min: 1, max: 2 } });
    await app.inject({
      method: 'PUT',
      url: '/api/faults',
      payload: { errorRate: 0, latencyMs: { min: 0, max: 0 } },
    });
    expect((await app.inject('/api/info')).statusCode).toBe(200);
  });

  it.each([
    [{ errorRate: 2 }, /body\/errorRate must be <= 1/],
    [{ errorRate: '0.5' }, /body\/errorRate must be number/],
    [{ errorrate: 0.5 }, /body has unknown property "errorrate"/],
    [{}, /body must NOT have fewer than 1 properties/],
    [{ latencyMs: { min: 1 } }, /body\/latencyMs must have required property 'max'/],
    [{ latencyMs: { min: 50, max: 10 } }, /body\/latencyMs max \(50\)|max \(10\) is below min \(50\)/],
    [{ latencyMs: 50 }, /body\/latencyMs must be object/],
    [[1], /body must be object/],
  ])('PUT /api/faults %j → 400 naming the problem', async (payload, message) => {
    const { app } = make();
    expectJsonError(await app.inject({ method: 'PUT', url: '/api/faults', payload }), 400, message);
    expect((await app.inject('/api/faults')).json()).toEqual({ errorRate: 0, latencyMs: { min: 0, max: 0 } });
  });

  it('rejects malformed, mistyped and oversized bodies with JSON', async () => {
    const { app } = make();
    const put = (payload: string, type = 'application/json') =>
      app.inject({ method: 'PUT', url: '/api/faults', payload, headers: { 'content-type': type } });
    expectJsonError(await put('{"errorRate":'), 400, /JSON/);
    expectJsonError(
      await put('errorRate=1', 'application/x-www-form-urlencoded'),
      415,
      /Unsupported Media Type/i,
    );
    expectJsonError(await put(JSON.stringify({ errorRate: 0, pad: 'x'.repeat(100_000) })), 413, /too large/);
  });
});

describe('RATE_LIMIT', () => {
  it('answers 429 past the limit per second, sparing probes', async () => {
    const { app } = make({ RATE_LIMIT: '5' });
    // Align to the start of a second so all requests fall in one window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await app.inject('/api/info')).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await app.inject('/api/info');
    expectJsonError(limited, 429, /over the rate limit of 5 requests per second/);
    expect(limited.headers['retry-after']).toBe('1');
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).statusCode).toBe(200);
  });
});

describe('metrics', () => {
  it('exposes process metrics and requests by route template, method, status, colour and version', async () => {
    const { app } = make();
    await app.inject('/delay/1');
    await app.inject('/delay/2');
    await app.inject('/status/503');
    await app.inject('/nowhere/123');
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expectIdentityHeaders(res);
    const text = res.body;
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain(
      'http_requests_total{route="/delay/:ms",method="GET",status_code="200",color="green",version="v2"} 2',
    );
    expect(text).toContain(
      'http_requests_total{route="/status/:code",method="GET",status_code="503",color="green",version="v2"} 1',
    );
    expect(text).toContain('http_requests_total{route="unmatched",method="GET",status_code="404"');
    expect(text).not.toContain('/nowhere/123');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/delay\/:ms",method="GET",status_code="200",color="green",version="v2"\} 2/,
    );
    const labels = 'route="/delay/:ms",method="GET",status_code="200",color="green",version="v2"';
    expect(text).toContain(`http_request_duration_seconds_bucket{le="+Inf",${labels}} 2`);
    expect(text).toContain(`http_request_duration_seconds_bucket{le="30",${labels}} 2`);
    const sum = text.split('\n').find((l) => l.startsWith(`http_request_duration_seconds_sum{${labels}} `));
    expect(Number(sum?.split(' ')[1])).toBeGreaterThan(0.002);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });
});

describe('buildApp', () => {
  it('registers the probe routes without listening, so manifests can be checked against it', () => {
    const { app } = make();
    expect(app.hasRoute({ method: 'GET', url: '/readyz' })).toBe(true);
    expect(app.hasRoute({ method: 'GET', url: '/healthz' })).toBe(true);
    expect(app.server.listening).toBe(false);
  });
});

describe('on a real socket', () => {
  it('keeps idle keep-alive connections longer than common proxies (≥ 65 s)', async () => {
    const { app } = make();
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect(app.server.keepAliveTimeout).toBeGreaterThanOrEqual(65_000);
    const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/info`);
    expect(res.headers.get('keep-alive')).toMatch(/timeout=(\d+)/);
    expect(Number(/timeout=(\d+)/.exec(res.headers.get('keep-alive')!)![1])).toBeGreaterThanOrEqual(65);
  });

  it('answers malformed HTTP with 400 JSON and the identity headers', async () => {
    const { app } = make();
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
