/** GET /delay/:ms: waits, echoes the request with the identity, and rejects bad durations. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectIdentityHeaders, expectJsonError, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('GET /delay/:ms', () => {
  it('GET /delay/:ms waits and echoes the request with the identity', async () => {
    const { app } = makeApp();
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

  it.each([
    ['/delay/abc', 400, /delay ms "abc" must be a whole number from 0 to 30000/],
    ['/delay/-1', 400, /delay ms "-1" must be a whole number/],
    ['/delay/1.5', 400, /delay ms "1.5" must be a whole number/],
    ['/delay/30001', 400, /delay ms 30001 is out of range: must be from 0 to 30000 \(MAX_DELAY_MS\)/],
    ['/delay/99999999999999999999', 400, /must be a whole number/],
  ])('GET %s → %i JSON naming the problem', async (url, status, message) => {
    const { app } = makeApp();
    expectJsonError(await app.inject(url), status, message);
  });
});
