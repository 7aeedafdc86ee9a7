/** Which origins may open the dashboard's stream, and how `--ui-origin` is read. */
import { describe, expect, it } from 'vitest';
import { originAllowed, parseOrigins } from '../../loadtester/dashboard/origin.js';

describe('originAllowed', () => {
  it("accepts the dashboard's own origin, whatever the default port or case", () => {
    expect(originAllowed('http://127.0.0.1:8090', '127.0.0.1:8090')).toBe(true);
    expect(originAllowed('https://Dash.Example.com', 'dash.example.com')).toBe(true);
    expect(originAllowed('https://dash.example.com', 'dash.example.com:443')).toBe(true);
    expect(originAllowed('http://[::1]:8090', '[::1]:8090')).toBe(true);
    // The scheme is not compared: behind a TLS-terminating Ingress the page is https, the hop to us http.
    expect(originAllowed('https://dash.example.com', 'dash.example.com')).toBe(true);
  });

  it('refuses other origins, null, and what does not parse', () => {
    expect(originAllowed('http://localhost:8090', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('http://127.0.0.1:9999', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('http://evil.example', 'dash.example.com')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('not an origin', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('http://127.0.0.1:8090', undefined)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8090', 'a b')).toBe(false);
  });

  it('accepts the origins named with --ui-origin, and handshakes without Origin (not from a page)', () => {
    const extra = parseOrigins('https://dash.example.com, http://localhost:5173/', '--ui-origin');
    expect(extra).toEqual(['https://dash.example.com', 'http://localhost:5173']);
    expect(originAllowed('https://dash.example.com', 'dashboard:8090', extra)).toBe(true);
    expect(originAllowed('http://localhost:5173', '127.0.0.1:8090', extra)).toBe(true);
    expect(originAllowed('http://localhost:5174', '127.0.0.1:8090', extra)).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:8090')).toBe(true);
  });

  it('names the setting when --ui-origin is not an origin', () => {
    for (const bad of ['dash.example.com', 'https://dash.example.com/path', 'ftp://x', 'https://u:p@x']) {
      expect(() => parseOrigins(bad, 'LOAD_UI_ORIGIN')).toThrow(/LOAD_UI_ORIGIN: .* is not an origin/);
    }
  });
});
