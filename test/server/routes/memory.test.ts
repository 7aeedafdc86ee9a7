/** GET /memory/:mb and DELETE /memory: memory held up to MAX_MEMORY_MB, released on demand. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectJsonError, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('GET /memory/:mb', () => {
  it('GET /memory/:mb holds memory up to MAX_MEMORY_MB; DELETE /memory releases it', async () => {
    const { app } = makeApp({ MAX_MEMORY_MB: '8' });
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

  it.each([
    ['/memory/-5', 400, /memory mb "-5"/],
    ['/memory/257', 400, /memory mb 257 is out of range: must be from 0 to 256 \(MAX_MEMORY_MB\)/],
  ])('GET %s → %i JSON naming the problem', async (url, status, message) => {
    const { app } = makeApp();
    expectJsonError(await app.inject(url), status, message);
  });
});
