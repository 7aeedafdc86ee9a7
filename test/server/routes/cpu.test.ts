/** GET /cpu/:n: does the work in slices, so probes answer meanwhile, and rejects bad counts. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectJsonError, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('GET /cpu/:n', () => {
  it('GET /cpu/:n does the work and reports it', async () => {
    const { app } = makeApp();
    const res = await app.inject('/cpu/2000000');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      iterations: 2000000,
      ms: expect.any(Number),
      result: expect.any(Number),
    });
  });

  it('GET /cpu/:n leaves the event loop free between slices, so probes answer meanwhile', async () => {
    const { app } = makeApp();
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

  it.each([
    ['/cpu/abc', 400, /cpu iterations "abc"/],
    ['/cpu/50000001', 400, /out of range.*MAX_CPU_ITERATIONS/],
  ])('GET %s → %i JSON naming the problem', async (url, status, message) => {
    const { app } = makeApp();
    expectJsonError(await app.inject(url), status, message);
  });
});
