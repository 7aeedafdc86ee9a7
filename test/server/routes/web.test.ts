/** The built dashboard at / for browsers, its assets, and nothing outside its folder. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeApps, expectIdentityHeaders, expectJsonError, makeApp } from '../fixture.js';

afterEach(closeApps);

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard files', () => {
  it('GET / serves the dashboard and its assets to browsers when built, JSON to everyone else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bluegreen-web-'));
    tempDirs.push(root);
    const webDir = join(root, 'web');
    mkdirSync(join(webDir, 'assets'), { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'outside.txt'), 'secret');
    const { app } = makeApp({}, { webDir });

    const page = await app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['vary']).toBe('Accept');
    expect(page.body).toContain('<title>dash</title>');
    expectIdentityHeaders(page);

    const json = await app.inject({ url: '/', headers: { accept: '*/*' } });
    expect(json.json()).toMatchObject({ color: 'green' });

    const asset = await app.inject('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.body).toBe('console.log(1)');

    expectJsonError(await app.inject('/assets/missing.js'), 404, /no route for GET \/assets\/missing\.js/);
    expectJsonError(await app.inject('/../outside.txt'), 404, /no route/);
    expectJsonError(await app.inject('/assets/..%2f..%2foutside.txt'), 404, /no route/);
    // The API keeps priority over files.
    expect((await app.inject('/api/info')).json()).toMatchObject({ color: 'green' });
  });

  it('sends the Content-Security-Policy with the page and its files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bluegreen-web-'));
    tempDirs.push(root);
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    const { app } = makeApp({}, { webDir: root });
    for (const response of [
      await app.inject({ url: '/', headers: { accept: 'text/html' } }),
      await app.inject('/index.html'),
      await app.inject('/assets/index-abc123.js'),
    ]) {
      expect(response.statusCode).toBe(200);
      const csp = String(response.headers['content-security-policy']);
      for (const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
      ]) {
        expect(csp).toContain(directive);
      }
      // Browser mode may target an absolute URL on another origin (the app's CORS is made for it).
      expect(csp).toContain("connect-src 'self' http: https:");
    }
  });
});
