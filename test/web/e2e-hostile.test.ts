/**
 * A hostile target under `bluegreen load --ui`, and real headless Chromium on the dashboard: a colour that
 * is CSS (`red;background-image:url(…);position:fixed;…`) is shown as text and drawn grey, and the page
 * never fetches what it names; `__proto__` and `constructor` are ordinary pod and colour names with exact
 * shares. Both servers of the page send its Content-Security-Policy.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { startTarget, type Target } from '../helpers/targets.js';
import { startApp } from '../helpers/apps.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-e2e-hostile-'));
const closers: (() => Promise<void>)[] = [];

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
  for (const close of closers) await close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A server that only counts the requests it gets: the page must never reach it. */
async function countingServer(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, hits: () => hits };
}

/** Computed styles and text of what the page shows for one colour name (a DOM-free shape for the types). */
interface Shown {
  label: string;
  invalid: boolean;
  swatch: string;
  swatchImage: string;
  position: string;
}

describe('dashboard, hostile target', () => {
  it(
    'shows a CSS colour as text, draws it grey and fetches nothing; __proto__ and constructor are names',
    { timeout: 120_000 },
    async () => {
      const elsewhere = await countingServer();
      const css = `red;background-image:url(${elsewhere.url}css.png);position:fixed;inset:0;z-index:9999`;
      // Odd requests: the CSS colour in a header. Even ones: no headers, the JSON body names the pod.
      const target: Target = await startTarget((_req, res, n) => {
        if (n % 2 === 1) {
          res.setHeader('color', css);
          res.setHeader('x-pod-name', 'toString');
          res.end('ok');
        } else {
          res.setHeader('content-type', 'application/json');
          res.end('{"pod":"__proto__","color":"constructor"}');
        }
      });
      closers.push(() => target.close());
      const jsonFile = join(dir, 'report.json');
      const load = spawnCli([
        'load',
        target.url,
        '--ui',
        '0',
        '--rate',
        '40',
        '--connections',
        '1',
        '--duration',
        '6s',
        '--json',
        jsonFile,
      ]);
      const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);

      const browser = await launchBrowser();
      const { page, errors, console } = await newPage(browser);
      const response = await page.goto(pageUrl!);
      expect(response!.headers()['content-security-policy']).toMatch(/img-src 'self' data:/);
      await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 20_000 });
      await page.waitForSelector('[data-testid="pods"] [data-pod="__proto__"]', { timeout: 20_000 });
      await page.waitForSelector('[data-testid="pods"] [data-pod="toString"]', { timeout: 20_000 });
      expect(await load.exited).toBe(0);
      const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
      await page.waitForSelector('[data-testid="summary"]', { timeout: 20_000 });
      await page.waitForTimeout(500);
      await screenshot(page, 'hostile-target');

      expect(Object.keys(report.colors).sort()).toEqual([css, 'constructor'].sort());
      expect(Object.keys(report.byPod).sort()).toEqual(['__proto__', 'toString']);
      const rows = await page.$$eval('[data-testid="share-run"] .share', (elements) =>
        (elements as unknown as { dataset: Record<string, string>; textContent: string }[]).map((e) => ({
          color: e.dataset.color!,
          share: Number(e.dataset.share),
          count: Number(e.dataset.count),
          text: e.textContent,
        })),
      );
      expect(rows.map((r) => r.color).sort()).toEqual([css, 'constructor'].sort());
      for (const row of rows) {
        // "This run" is the Outcomes table's: the colour's due requests, as the report's attribution has them.
        const group = report.attribution!.colors[row.color]!;
        expect(row.count).toBe(group.sent + group.skipped);
        expect(Math.abs(row.share - group.share)).toBeLessThan(0.001);
      }

      const shown = await page.$$eval(
        '[data-testid="share-run"] .share .label, [data-testid="share-now"] .share .label',
        (labels) =>
          labels.map((label) => {
            const l = label as unknown as {
              textContent: string;
              classList: { contains(c: string): boolean };
              querySelector(s: string): unknown;
            };
            const style = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> })
              .getComputedStyle;
            const swatch = style(l.querySelector('.swatch'));
            return {
              label: l.textContent,
              invalid: l.classList.contains('invalid'),
              swatch: swatch.backgroundColor!,
              swatchImage: swatch.backgroundImage!,
              position: swatch.position!,
            } satisfies Shown;
          }),
      );
      const hostile = shown.filter((s) => s.label.includes(css));
      expect(hostile.length).toBeGreaterThanOrEqual(1);
      for (const s of hostile) {
        expect(s).toMatchObject({ invalid: true, swatch: 'rgb(158, 158, 158)', swatchImage: 'none' });
        expect(s.position).not.toBe('fixed');
      }
      expect(shown.some((s) => s.label.includes('constructor') && !s.invalid)).toBe(true);

      const tiles = await page.$$eval('[data-testid="pods"] li.pod', (elements) =>
        (elements as unknown as { dataset: Record<string, string>; textContent: string }[]).map((e) => ({
          pod: e.dataset.pod!,
          text: e.textContent,
        })),
      );
      expect(tiles.map((t) => t.pod).sort()).toEqual(['__proto__', 'toString']);
      expect(tiles.find((t) => t.pod === 'toString')!.text).toContain(css);
      expect(tiles.find((t) => t.pod === '__proto__')!.text).toContain('constructor');

      const body = await page.locator('body').innerText();
      expect(body).not.toMatch(/NaN|native code|function /);
      const boxes = await page.$$eval(
        '[data-testid="boxes"] .box[data-state="ok"]',
        (elements, css) =>
          (elements as unknown as { dataset: Record<string, string>; style: { backgroundColor: string } }[])
            .filter((e) => e.dataset.color === css)
            .map((e) => e.style.backgroundColor),
        css,
      );
      expect(boxes.length).toBeGreaterThan(0);
      expect(new Set(boxes)).toEqual(new Set(['rgb(158, 158, 158)']));

      expect(elsewhere.hits()).toBe(0);
      expect(errors).toEqual([]);
      expect(console.filter((line) => /Content.Security.Policy/i.test(line))).toEqual([]);
    },
  );

  it(
    'is served with its Content-Security-Policy by the app too, and browser mode works under it',
    {
      timeout: 120_000,
    },
    async () => {
      const app = await startApp('blue');
      const browser = await launchBrowser();
      const { page, errors, console } = await newPage(browser);
      const response = await page.goto(app.url);
      const csp = response!.headers()['content-security-policy'];
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).toMatch(/style-src 'self'/);
      await page.waitForSelector('[data-testid="mode"]:has-text("browser")', { timeout: 20_000 });
      await page.waitForSelector('[data-testid="boxes"] .box[data-state="ok"][data-color="blue"]', {
        timeout: 20_000,
      });
      expect(errors).toEqual([]);
      expect(console.filter((line) => /Content.Security.Policy/i.test(line))).toEqual([]);
    },
  );
});
