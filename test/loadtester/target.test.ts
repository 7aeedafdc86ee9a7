import { describe, expect, it } from 'vitest';
import { requestTarget, shownTarget } from '../../loadtester/run/target.js';

describe('credentials in the target URL', () => {
  it('are never shown', () => {
    expect(shownTarget('http://ops:s%40cret@app.example.com:8080/x?y=1')).toBe(
      'http://app.example.com:8080/x?y=1',
    );
    expect(shownTarget('https://ops@app.example.com/')).toBe('https://app.example.com/');
    expect(shownTarget('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
  });

  it('are sent as basic auth, decoded, unless an authorization header is given', () => {
    const { url, headers } = requestTarget('http://ops:s%40c%3Aret@app.example.com/x', { 'x-a': '1' });
    expect(url.href).toBe('http://app.example.com/x');
    expect(headers).toEqual({ 'x-a': '1', authorization: `Basic ${btoa('ops:s@c:ret')}` });
    const given = requestTarget('http://ops:pw@app.example.com/', { authorization: 'Bearer t' });
    expect(given.headers).toEqual({ authorization: 'Bearer t' });
    expect(given.url.username).toBe('');
    const none = requestTarget('http://app.example.com/', {});
    expect(none.headers).toEqual({});
  });
});
