/** GET /status/:code: answers with that status, from 200 to 599. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectIdentityHeaders, expectJsonError, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('GET /status/:code', () => {
  it('GET /status/:code answers with that status', async () => {
    const { app } = makeApp();
    for (const code of [200, 201, 404, 418, 500, 503, 599]) {
      const res = await app.inject(`/status/${code}`);
      expect(res.statusCode).toBe(code);
      expectIdentityHeaders(res);
    }
    expect((await app.inject('/status/204')).body).toBe('');
    expect((await app.inject('/status/503')).json()).toMatchObject({ status: 503, color: 'green' });
  });

  it.each([
    ['/status/99', 400, /status code 99 is out of range: must be from 200 to 599/],
    ['/status/100', 400, /out of range/],
    ['/status/600', 400, /out of range/],
    ['/status/abc', 400, /status code "abc" must be a whole number/],
  ])('GET %s → %i JSON naming the problem', async (url, status, message) => {
    const { app } = makeApp();
    expectJsonError(await app.inject(url), status, message);
  });
});
