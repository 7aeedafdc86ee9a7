import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../web/src/lib/sources/backoff.js';
import { looksLikeApp } from '../../web/src/lib/sources/detect.js';
import { streamUrl, targetUrl } from '../../web/src/lib/sources/urls.js';

describe('backoffDelay', () => {
  it('doubles from the base to the cap, with bounded jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, { baseMs: 500, maxMs: 10_000 }, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffDelay(1, { baseMs: 1000, maxMs: 10_000 }, () => 0)).toBe(800);
    expect(backoffDelay(1, { baseMs: 1000, maxMs: 10_000 }, () => 1)).toBe(1200);
    expect(backoffDelay(20, { baseMs: 1000, maxMs: 10_000 }, () => 1)).toBe(10_000);
  });
});

describe('urls relative to the page', () => {
  it('finds the stream under the page path, with the ws scheme', () => {
    expect(streamUrl('http://h:8090/')).toBe('ws://h:8090/api/stream');
    expect(streamUrl('https://h/dashboard/?mode=live#x')).toBe('wss://h/dashboard/api/stream');
    expect(streamUrl('http://h/dashboard/index.html')).toBe('ws://h/dashboard/api/stream');
  });

  it('resolves the browser target path against the page', () => {
    expect(targetUrl('api/info', 'http://h/app/')).toBe('http://h/app/api/info');
    expect(targetUrl('', 'http://h/app/')).toBe('http://h/app/api/info');
    expect(targetUrl('/delay/100', 'http://h/app/')).toBe('http://h/delay/100');
    expect(targetUrl('http://other:1/x', 'http://h/')).toBe('http://other:1/x');
  });
});

describe('looksLikeApp', () => {
  it("knows the app by its colour header or its JSON, even on an injected fault's 500", async () => {
    const server = createServer((req, res) => {
      if (req.url === '/fault/api/info') {
        res.writeHead(500, { color: 'teal', 'content-type': 'application/json' });
        res.end('{"error":"injected fault (ERROR_RATE)"}');
      } else if (req.url === '/body/api/info') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"color":"blue"}');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await looksLikeApp(`${base}/fault/`)).toBe(true);
      expect(await looksLikeApp(`${base}/body/`)).toBe(true);
      expect(await looksLikeApp(`${base}/other/`)).toBe(false);
    } finally {
      server.close();
    }
  });
});
