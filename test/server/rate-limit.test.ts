/** RATE_LIMIT: requests per second past the limit get 429, probes and metrics never do. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectJsonError, makeApp } from './fixture.js';

afterEach(closeApps);

describe('RATE_LIMIT', () => {
  it('answers 429 past the limit per second, sparing probes', async () => {
    const { app } = makeApp({ RATE_LIMIT: '5' });
    // Align to the start of a second so all requests fall in one window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await app.inject('/api/info')).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await app.inject('/api/info');
    expectJsonError(limited, 429, /over the rate limit of 5 requests per second/);
    expect(limited.headers['retry-after']).toBe('1');
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).statusCode).toBe(200);
  });
});
