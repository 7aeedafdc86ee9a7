/** GET and PUT /api/faults: the fault settings shown and changed at runtime, bad bodies rejected as JSON. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectJsonError, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('/api/faults', () => {
  it('GET /api/faults shows the settings from ERROR_RATE and LATENCY_MS', async () => {
    const { app } = makeApp({ ERROR_RATE: '0.25', LATENCY_MS: '5-10' });
    expect((await app.inject('/api/faults')).json()).toEqual({
      errorRate: 0.25,
      latencyMs: { min: 5, max: 10 },
    });
  });

  it('PUT /api/faults changes them at runtime, one field at a time', async () => {
    const { app } = makeApp();
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
    const { app } = makeApp();
    expectJsonError(await app.inject({ method: 'PUT', url: '/api/faults', payload }), 400, message);
    expect((await app.inject('/api/faults')).json()).toEqual({ errorRate: 0, latencyMs: { min: 0, max: 0 } });
  });

  it('rejects malformed, mistyped and oversized bodies with JSON', async () => {
    const { app } = makeApp();
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
