/**
 * `/metrics` with --serve: a real session sends to a real server on 127.0.0.1 (two colours, three pods, some
 * 500s, some answers without identity as a proxy's 502 would be), then promtool (Debian's `prometheus`
 * package) checks the exposition, and its counters must equal the run's report.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLoadOptions } from '../../loadtester/options.js';
import type { Report } from '../../protocol/report.js';
import { closeSessions, openSession } from './sessions.js';
import { startTarget, type Target } from '../helpers/targets.js';

const targets: Target[] = [];
afterEach(async () => {
  await closeSessions();
  for (const t of targets.splice(0)) await t.close();
});

/** `name{labels} value` lines of one metric, labels parsed. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const [, labels, value] = /^[^{]+\{(.*)\} (\S+)$/.exec(line)!;
      return {
        labels: Object.fromEntries([...labels!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
        value: Number(value),
      };
    });
}

const total = (
  list: { labels: Record<string, string>; value: number }[],
  where: Record<string, string>,
): number =>
  list
    .filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

describe('/metrics', () => {
  it('passes promtool, and its counters equal the report', { timeout: 60_000 }, async () => {
    const pods = [
      ['blue', 'blue-a'],
      ['blue', 'blue-b'],
      ['green', 'green-a'],
    ] as const;
    const target = await startTarget((_req, res, n) => {
      if (n % 11 === 0) return void res.writeHead(502).end('bad gateway');
      const [color, pod] = pods[n % pods.length]!;
      res.setHeader('color', color);
      res.setHeader('x-pod-name', pod);
      res.writeHead(n % 7 === 0 ? 500 : 200).end('{}');
    });
    targets.push(target);
    const options = resolveLoadOptions(target.url, { rate: '100', duration: '2s', serve: true, quiet: true });
    const { session } = await openSession(options);
    session.start();
    await expect.poll(() => session.lastReport, { timeout: 20_000 }).not.toBeNull();
    const report = session.lastReport as Report;

    const response = await fetch(`${session.dashboardUrl!}metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(promtool.error).toBeUndefined();
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);

    const requests = samples(text, 'bluegreen_load_requests_total');
    for (const cls of ['2xx', '5xx'] as const)
      expect(total(requests, { outcome: cls })).toBe(report.responses[cls]);
    expect(total(requests, {})).toBe(report.sent + report.rate.skipped);
    expect(total(requests, { group: 'front-door' })).toBeGreaterThan(0);
    for (const color of ['blue', 'green']) {
      expect(total(requests, { group: 'color', color })).toBe(report.byColor[color]);
    }
    const podRequests = samples(text, 'bluegreen_load_pod_requests_total');
    for (const [color, pod] of pods) {
      expect(total(podRequests, { pod, color })).toBe(report.byPod[pod]!.count);
    }
    const latency = samples(text, 'bluegreen_load_latency_seconds_count');
    for (const color of ['blue', 'green']) expect(total(latency, { color })).toBe(report.byColor[color]);
    expect(total(latency, {})).toBe(report.latency.count);
  });

  it('is not served without --serve', { timeout: 30_000 }, async () => {
    const target = await startTarget((_req, res) => res.end('{}'));
    targets.push(target);
    const { session } = await openSession(
      resolveLoadOptions(target.url, { rate: '10', duration: '1s', quiet: true }),
    );
    // Any other path without a dot: the dashboard's redirect to a folder, as for `/dashboard`.
    const response = await fetch(`${session.dashboardUrl!}metrics`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const followed = await (await fetch(`${session.dashboardUrl!}metrics`)).text();
    expect(followed).not.toContain('bluegreen_load_requests_total');
  });
});
