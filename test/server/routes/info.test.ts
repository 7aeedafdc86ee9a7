/** GET /api/info and GET / without a dashboard: the pod identity as JSON. */
import { afterEach, describe, expect, it } from 'vitest';
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

  it('GET / answers the identity JSON when no dashboard is built, even to browsers', async () => {
    const { app } = makeApp();
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ color: 'green', pod: 'app-7d9f-abcde' });
  });
});
