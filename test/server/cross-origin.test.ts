/**
 * A page on another site, in real Chromium, against a real `bluegreen serve`: it may read identity
 * (CORS exposes the headers) but can neither PUT faults nor make the app hold memory or burn CPU.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAllBrowsers, launchBrowser, newPage } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';

afterEach(killAllCli);
afterAll(closeAllBrowsers);

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('a page on another site', () => {
  it('reads identity, but its PUT /api/faults and GET /memory are refused', async () => {
    const cli = spawnCli(['serve'], { PORT: '0', HOST: '127.0.0.1', COLOR: 'blue', LOG_LEVEL: 'info' });
    const listening = await cli.waitFor(/\{[^\n]*"msg":"listening"[^\n]*\}/);
    const appUrl = `http://127.0.0.1:${(JSON.parse(listening[0]) as { port: number }).port}`;
    await cli.waitFor(/"msg":"ready"/);

    // The other site: a page on another port (another origin; Chromium calls it same-site, still not ours).
    const site = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    const sitePort = await listen(site);
    try {
      const browser = await launchBrowser();
      const { page } = await newPage(browser);
      await page.goto(`http://localhost:${sitePort}/`);
      const result = await page.evaluate(async (app) => {
        const info = await fetch(`${app}/api/info`);
        const color = info.headers.get('color');
        let put: string;
        try {
          const res = await fetch(`${app}/api/faults`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ errorRate: 1 }),
          });
          put = `status ${res.status}`;
        } catch (e) {
          put = `blocked: ${String(e)}`;
        }
        // No preflight for a no-cors GET: only the app's own check stands in the way.
        await fetch(`${app}/memory/64`, { mode: 'no-cors' });
        await fetch(`${app}/cpu/1000`, { mode: 'no-cors' });
        return { color, put };
      }, appUrl);
      expect(result.color).toBe('blue');
      expect(result.put).toMatch(/^blocked/);

      const faults = (await (await fetch(`${appUrl}/api/faults`)).json()) as { errorRate: number };
      expect(faults.errorRate).toBe(0);
      const memory = (await (await fetch(`${appUrl}/memory/0`)).json()) as { heldMb: number };
      expect(memory.heldMb).toBe(0);
    } finally {
      site.close();
    }
  }, 60_000);
});
