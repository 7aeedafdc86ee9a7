/** Injected errors and latency (ERROR_RATE, LATENCY_MS): every route but probes, metrics and /api/faults. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectJsonError, makeApp } from './fixture.js';

afterEach(closeApps);

describe('faults', () => {
  it('ERROR_RATE=1 fails every request except probes, metrics and the fault endpoint', async () => {
    const { app } = makeApp({ ERROR_RATE: '1' });
    for (const url of ['/api/info', '/', '/delay/0', '/status/200']) {
      expectJsonError(await app.inject(url), 500, /injected fault/);
    }
    for (const url of ['/healthz', '/readyz', '/metrics', '/api/faults']) {
      expect((await app.inject(url)).statusCode).toBe(200);
    }
  });

  it('spares the dashboard page and its files, not what / answers a loadtester', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'bluegreen-faults-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>boxes</title>');
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'assets', 'index-abc.js'), 'console.log(1)');
    const { app } = makeApp({ ERROR_RATE: '1', RATE_LIMIT: '1' }, { webDir });
    const html = { accept: 'text/html,application/xhtml+xml' };
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ url: '/', headers: html })).statusCode).toBe(200);
      expect((await app.inject('/assets/index-abc.js')).statusCode).toBe(200);
    }
    const json = await app.inject({ url: '/', headers: { accept: 'application/json' } });
    expect([429, 500]).toContain(json.statusCode);
  });

  it('injects latency, but not into probes', async () => {
    const { app } = makeApp({ LATENCY_MS: '300' });
    let started = Date.now();
    expect((await app.inject('/api/info')).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await app.inject('/readyz');
    await app.inject('/healthz');
    expect(Date.now() - started).toBeLessThan(290);
  });
});
