import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../web/src/lib/sources/backoff.js';
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
