/**
 * The self-contained page: the built dashboard (dist/web, from `npm run build`) inlined, the report embedded,
 * nothing fetched. Chromium opens it in test/web/e2e-replay.test.ts; here its make-up and its size budget.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { LatencySummary } from '../../protocol/outcomes.js';
import { REPORT_ELEMENT_ID } from '../../protocol/replay-embed.js';
import type { Report } from '../../protocol/report.js';
import type { RunSettings } from '../../protocol/run.js';
import type { TimelineTick } from '../../protocol/timeline.js';
import { DashboardNotBuilt, renderHtmlReport } from '../../loadtester/report/html-report.js';
import { TimelineRecorder } from '../../loadtester/count/timeline.js';
import { syntheticRun } from '../helpers/run-ticks.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-html-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = { mode: 'load', target: 'http://127.0.0.1:1/', intervalMs: 1000 } as RunSettings;

function embedded(html: string): unknown {
  const data = new RegExp(`<script id="${REPORT_ELEMENT_ID}"[^>]*>([^<]*)</script>`).exec(html)![1]!;
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
}

/** Each latency figure scaled by its own factor, as another minute of the same run would measure them. */
function jitter(l: LatencySummary, random: () => number): LatencySummary {
  const f = (v: number): number => Math.round(v * (0.7 + 0.6 * random()) * 1000) / 1000;
  return { ...l, p50: f(l.p50), p90: f(l.p90), p99: f(l.p99), max: f(l.max), mean: f(l.mean) };
}

describe('renderHtmlReport', () => {
  it('inlines the dashboard, embeds the report, and lets the page load nothing', async () => {
    const report = { target: 'http://a/</script><b>', startedAt: 'now', sent: 1 } as unknown as Report;
    const html = await renderHtmlReport(report);
    expect(html).not.toMatch(/\ssrc=|<link[^>]*stylesheet/);
    expect(html).toContain("connect-src 'none'");
    expect(html).toMatch(/script-src 'sha256-[^']+'/);
    expect(html).toContain('<title>bluegreen report: http://a/&#60;/script&#62;&#60;b&#62; now</title>');
    expect(embedded(html)).toEqual(report);
    // The bundle's own `</script` and `<!--` would end or derail the inline script.
    const scripts = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).not.toMatch(/<!--|<\/script/i);
  });

  it('says the dashboard is not built when dist/web is missing', async () => {
    await expect(renderHtmlReport({} as Report, join(dir, 'nowhere'))).rejects.toThrow(DashboardNotBuilt);
    mkdirSync(join(dir, 'web'));
    writeFileSync(join(dir, 'web', 'index.html'), '<script type="module" src="../../etc/passwd"></script>');
    await expect(renderHtmlReport({} as Report, join(dir, 'web'))).rejects.toThrow(/outside/);
  });

  it('keeps a 10-minute run at 200 req/s over 8 pods under 1 MB', { timeout: 120_000 }, async () => {
    // A minute made by the real tally, and nine more like it with their latencies measured anew (making
    // all ten with the tally costs half a minute of CPU on a shared machine).
    const minute = syntheticRun({ seconds: 60, rate: 200, pods: 8 }).ticks;
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const recorder = new TimelineRecorder();
    for (let s = 0; s < 600; s++) {
      const tick = structuredClone(minute[s % 60]!);
      tick.seq = s;
      tick.t = minute[0]!.t + s * 1000;
      tick.elapsedMs = (s + 1) * 1000;
      tick.bucket.latency = jitter(tick.bucket.latency, random);
      const a = tick.bucket.attribution;
      for (const g of [...Object.values(a.colors), ...Object.values(a.pods), a.frontDoor, a.unknown])
        g.latency = jitter(g.latency, random);
      recorder.tick(tick);
    }
    const timeline = recorder.timeline(settings);
    expect(timeline.coarsened).toBeNull();
    expect(Object.keys(timeline.ticks[330]!.bucket.attribution.pods)).toHaveLength(8);
    const report = {
      target: 'http://127.0.0.1:1/',
      startedAt: 'now',
      timeline,
      events: [],
    } as unknown as Report;
    const html = await renderHtmlReport(report);
    expect(Buffer.byteLength(html)).toBeLessThan(1024 * 1024);
    expect((embedded(html) as { timeline: { ticks: TimelineTick[] } }).timeline.ticks).toHaveLength(600);
  });
});
