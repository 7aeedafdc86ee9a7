/** Requests no route answers: a 404 JSON body that names the method and path. */
import { afterEach, describe, it } from 'vitest';
import { closeApps, expectJsonError, makeApp } from './fixture.js';

afterEach(closeApps);

describe('not found', () => {
  it.each([
    ['/no/such/route', 404, /no route for GET \/no\/such\/route/],
    ['/delay', 404, /no route/],
  ])('GET %s → %i JSON naming the problem', async (url, status, message) => {
    const { app } = makeApp();
    expectJsonError(await app.inject(url), status, message);
  });

  it('unknown methods on known paths are 404 JSON', async () => {
    const { app } = makeApp();
    expectJsonError(
      await app.inject({ method: 'POST', url: '/api/info' }),
      404,
      /no route for POST \/api\/info/,
    );
  });
});
