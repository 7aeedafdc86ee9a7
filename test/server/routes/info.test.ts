/** GET /api/info and GET / without a dashboard: the pod identity as JSON. */
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeApps, expectIdentityHeaders, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('identity JSON', () => {
  it('GET /api/info returns the pod identity from the downward API', async () => {
    const { app } = makeApp();
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

  it('uptimeSeconds counts from the startedAt it names, and grows between calls', async () => {
    const { app } = makeApp();
    type Info = { startedAt: string; uptimeSeconds: number };
    const first = (await app.inject('/api/info')).json<Info>();
    await sleep(300);
    const second = (await app.inject('/api/info')).json<Info>();
    // Rounded to a tenth of a second.
    expect(second.uptimeSeconds - first.uptimeSeconds).toBeGreaterThanOrEqual(0.2);
    const sinceStart = (Date.now() - Date.parse(second.startedAt)) / 1000;
    expect(Math.abs(second.uptimeSeconds - sinceStart)).toBeLessThanOrEqual(0.1);
  });

  it('GET / answers the identity JSON when no dashboard is built, even to browsers', async () => {
    const { app } = makeApp();
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ color: 'green', pod: 'app-7d9f-abcde' });
  });
});
