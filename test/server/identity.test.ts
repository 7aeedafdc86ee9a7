/** Where the identity comes from when the downward API variables are missing. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, makeApp } from './fixture.js';

afterEach(closeApps);

describe('identity', () => {
  it('falls back to the hostname without downward API variables', async () => {
    const { app } = makeApp({}, { env: {} });
    const body = (await app.inject('/api/info')).json();
    expect(body.pod).toBe(body.hostname);
    expect(body.namespace).toBeNull();
  });
});
