/** /readyz follows the lifecycle; /healthz stays 200 while the process can serve. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectIdentityHeaders, makeApp } from '../fixture.js';

afterEach(closeApps);

describe('probes', () => {
  it('/readyz follows the lifecycle; /healthz stays 200 while the process can serve', async () => {
    const { app, lifecycle } = makeApp();
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
});
