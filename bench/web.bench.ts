/**
 * The dashboard's budgets: initial JS ≤ 150 KB gzipped; at 1,000 req/s in live mode the page keeps
 * rendering at 60 fps (requestAnimationFrame deltas in headless Chromium) and its JS heap stays flat.
 * Two real apps behind a round-robin TCP proxy, a real `bluegreen load --ui` at 1,000 req/s, Debian's
 * chromium. Env: BENCH_WEB_FPS_SECONDS (20), BENCH_WEB_HEAP_MINUTES (2; the issue's figure is 10),
 * BENCH_WEB_RATE (1000), CHROMIUM_PATH.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { webDistDir } from '../common/package-info.js';
import { closeAllBrowsers, launchBrowser, newPage } from '../test/helpers/browser.js';
import { killAllCli, spawnCli } from '../test/helpers/cli.js';
import { roundRobinProxy, startApp } from '../test/web/apps.js';
import { INITIAL_JS_BUDGET_BYTES, initialJsGzipBytes } from '../test/web/bundle.js';

const FPS_SECONDS = Number(process.env.BENCH_WEB_FPS_SECONDS ?? 20);
const HEAP_MINUTES = Number(process.env.BENCH_WEB_HEAP_MINUTES ?? 2);
const RATE = Number(process.env.BENCH_WEB_RATE ?? 1000);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MB`;

export async function run(): Promise<void> {
  const js = initialJsGzipBytes();
  const allJs = readdirSync(join(webDistDir, 'assets')).filter((f) => f.endsWith('.js'));
  console.log(
    `initial JS: ${js.files.join(', ')} — ${kb(js.rawBytes)} raw, ${kb(js.bytes)} gzipped ` +
      `(budget ${kb(INITIAL_JS_BUDGET_BYTES)}: ${js.bytes <= INITIAL_JS_BUDGET_BYTES ? 'ok' : 'OVER'}); ${allJs.length} JS file(s) built`,
  );

  const totalSeconds = 10 + FPS_SECONDS + HEAP_MINUTES * 60 + 30;
  const proxy = await (async () => {
    const [blue, green] = await Promise.all([startApp('blue'), startApp('green')]);
    return roundRobinProxy([blue.port, green.port]);
  })();
  try {
    const load = spawnCli([
      'load',
      `${proxy.url}api/info`,
      '--ui',
      '0',
      '--rate',
      String(RATE),
      '--connections',
      '20',
      '--recycle',
      '200',
      '--duration',
      `${totalSeconds}s`,
      '--quiet',
    ]);
    const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(pageUrl!);
    await page.waitForSelector('[data-testid="connection"][data-status="open"]', { timeout: 30_000 });
    await page.waitForTimeout(10_000);

    // Frame times: every requestAnimationFrame delta over FPS_SECONDS while the stream runs at RATE.
    const sentNow = async (): Promise<number> =>
      Number(
        ((await page.textContent('[data-testid="errors"] caption')) ?? '')
          .match(/sent ([\d,]+)/)?.[1]
          ?.replace(/,/g, '') ?? 0,
      );
    const sentBefore = await sentNow();
    const fpsStarted = Date.now();
    // Passed as source text: tsx's transform would add helpers the page does not have.
    const deltas = (await page.evaluate(`new Promise((resolve) => {
      const out = [];
      let last = performance.now();
      const end = last + ${FPS_SECONDS * 1000};
      const frame = (now) => {
        out.push(now - last);
        last = now;
        if (now < end) requestAnimationFrame(frame);
        else resolve(out);
      };
      requestAnimationFrame(frame);
    })`)) as number[];
    const achieved = ((await sentNow()) - sentBefore) / ((Date.now() - fpsStarted) / 1000);
    const sorted = [...deltas].sort((a, b) => a - b);
    const fps = deltas.length / (deltas.reduce((a, b) => a + b, 0) / 1000);
    const long = deltas.filter((d) => d > 50).length;
    console.log(
      `frames at ${RATE} req/s (the page counted ${achieved.toFixed(0)} req/s) over ${FPS_SECONDS} s: ${fps.toFixed(1)} fps, frame time p50 ${quantile(sorted, 0.5).toFixed(1)} ms, ` +
        `p95 ${quantile(sorted, 0.95).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms, ` +
        `${long} frame(s) over 50 ms`,
    );

    // Heap: JSHeapUsedSize after a forced GC, every 15 s for HEAP_MINUTES.
    const heap: { s: number; bytes: number; nodes: number }[] = [];
    const started = Date.now();
    const measure = async (): Promise<void> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
      heap.push({ s: (Date.now() - started) / 1000, bytes: get('JSHeapUsedSize'), nodes: get('Nodes') });
    };
    await measure();
    while (Date.now() - started < HEAP_MINUTES * 60_000) {
      await page.waitForTimeout(15_000);
      await measure();
    }
    const first = heap[0]!;
    const last = heap.at(-1)!;
    const peak = Math.max(...heap.map((h) => h.bytes));
    console.log(
      `heap over ${HEAP_MINUTES} min (after GC): start ${mb(first.bytes)}, end ${mb(last.bytes)}, peak ${mb(peak)}, ` +
        `change ${(((last.bytes - first.bytes) / first.bytes) * 100).toFixed(1)}%; DOM nodes ${first.nodes} → ${last.nodes}`,
    );
    // The chart window (5 min of ticks) fills first; after that the heap should stay level.
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const filled = heap.filter((h) => h.s >= 300);
    if (filled.length >= 4) {
      const half = Math.floor(filled.length / 2);
      const a = median(filled.slice(0, half).map((h) => h.bytes));
      const b = median(filled.slice(half).map((h) => h.bytes));
      console.log(
        `after the 5-min window filled: median ${mb(a)} (first half) → ${mb(b)} (second half), ${(((b - a) / a) * 100).toFixed(1)}%`,
      );
    }
    console.log(`heap samples (s: MB): ${heap.map((h) => `${Math.round(h.s)}: ${mb(h.bytes)}`).join(', ')}`);
    const shown = await page.textContent('[data-testid="share-now"]');
    console.log(
      `page errors: ${errors.length === 0 ? 'none' : errors.join('; ')}; share now: ${shown?.replace(/\s+/g, ' ').trim()}`,
    );
  } finally {
    await closeAllBrowsers();
    await proxy.close();
    await killAllCli();
  }
}
