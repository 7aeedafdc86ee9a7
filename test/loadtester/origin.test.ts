/** Which origins may open the dashboard's stream, and how `--ui-origin` is read. */
import { describe, expect, it } from 'vitest';
import { originAllowed, parseOrigins } from '../../loadtester/dashboard/origin.js';

describe('originAllowed', () => {
  it("accepts the dashboard's own origin, whatever the default port or case", () => {
    expect(originAllowed('http://127.0.0.1:8090', '127.0.0.1:8090')).toBe(true);
    const dash = { origins: ['https://dash.example.com'] };
    expect(originAllowed('https://Dash.Example.com:8443', 'dash.example.com:8443', dash)).toBe(true);
    expect(originAllowed('https://dash.example.com:8443', 'dash.example.com:8443', dash)).toBe(true);
    expect(originAllowed('http://dash.example.com', 'dash.example.com:80', dash)).toBe(true);
    expect(originAllowed('http://[::1]:8090', '[::1]:8090')).toBe(true);
    // The scheme is not compared: behind a TLS-terminating Ingress the page is https, the hop to us http.
    expect(originAllowed('https://192.168.49.2', '192.168.49.2')).toBe(true);
  });

  it('refuses other origins, null, and what does not parse', () => {
    expect(originAllowed('http://localhost:8090', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('http://127.0.0.1:9999', '127.0.0.1:8090')).toBe(false);
    expect(
      originAllowed('http://evil.example', 'dash.example.com', { origins: ['https://dash.example.com'] }),
    ).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('not an origin', '127.0.0.1:8090')).toBe(false);
    expect(originAllowed('http://127.0.0.1:8090', undefined)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8090', 'a b')).toBe(false);
  });

  it('accepts the origins named with --ui-origin, and handshakes without Origin (not from a page)', () => {
    const extra = parseOrigins('https://dash.example.com, http://localhost:5173/', '--ui-origin');
    expect(extra).toEqual(['https://dash.example.com', 'http://localhost:5173']);
    expect(originAllowed('https://dash.example.com', 'dashboard:8090', { origins: extra })).toBe(true);
    expect(originAllowed('http://localhost:5173', '127.0.0.1:8090', { origins: extra })).toBe(true);
    expect(originAllowed('http://localhost:5174', '127.0.0.1:8090', { origins: extra })).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:8090')).toBe(true);
  });

  it('takes a page for its own only when its Host is a name of the dashboard (no DNS rebinding)', () => {
    const anywhere = { listenHost: '0.0.0.0' };
    // A name the attacker's DNS points at us: Origin and Host agree, and are still not ours.
    expect(originAllowed('http://rebind.example:8090', 'rebind.example:8090', anywhere)).toBe(false);
    expect(originAllowed('http://rebind.example:8090', 'rebind.example:8090')).toBe(false);
    // Loopback names (any port: ssh -L and kubectl port-forward choose their own) and addresses cannot be rebound.
    expect(originAllowed('http://localhost:9000', 'localhost:9000', anywhere)).toBe(true);
    expect(originAllowed('http://app.localhost:8090', 'app.localhost:8090', anywhere)).toBe(true);
    expect(originAllowed('http://127.0.0.2:8090', '127.0.0.2:8090', anywhere)).toBe(true);
    expect(originAllowed('http://192.168.49.2', '192.168.49.2', anywhere)).toBe(true);
    expect(originAllowed('http://[fd00::5]:8090', '[fd00::5]:8090', anywhere)).toBe(true);
    // The name the dashboard listens on, and the hosts of the --ui-origin origins.
    expect(originAllowed('http://dash.lan:8090', 'dash.lan:8090', { listenHost: 'dash.lan' })).toBe(true);
    expect(originAllowed('http://other.lan:8090', 'other.lan:8090', { listenHost: 'dash.lan' })).toBe(false);
    const named = { listenHost: '0.0.0.0', origins: ['https://dash.example.com'] };
    expect(originAllowed('http://dash.example.com:8090', 'dash.example.com:8090', named)).toBe(true);
    expect(originAllowed('http://dash.example.org:8090', 'dash.example.org:8090', named)).toBe(false);
  });

  it('names the setting when --ui-origin is not an origin', () => {
    for (const bad of ['dash.example.com', 'https://dash.example.com/path', 'ftp://x', 'https://u:p@x']) {
      expect(() => parseOrigins(bad, 'LOAD_UI_ORIGIN')).toThrow(/LOAD_UI_ORIGIN: .* is not an origin/);
    }
  });
});
