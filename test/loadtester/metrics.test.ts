/**
 * `/metrics` with --serve: a real session sends to a real server on 127.0.0.1 (two colours, three pods, some
 * 500s, some answers without identity as a proxy's 502 would be), then promtool (Debian's `prometheus`
 * package) checks the exposition, and its counters must equal the run's report.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLoadOptions } from '../../loadtester/options.js';
import type { Report } from '../../protocol/report.js';
import { closeSessions, connect, openSession } from './sessions.js';
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

  it(
    "keeps its labels bounded across runs: the current run's 256 pods, the process's first 32 colours",
    { timeout: 90_000 },
    async () => {
      // A new pod and a new colour in every response, as a hostile or very busy target would name them.
      const target = await startTarget((_req, res, n) => {
        res.setHeader('color', `c-${n}`);
        res.setHeader('x-pod-name', `pod-${n}`);
        res.end('{}');
      });
      targets.push(target);
      const options = resolveLoadOptions(target.url, {
        rate: '400',
        maxRate: '400',
        requests: '350',
        serve: true,
        quiet: true,
        allowControl: true,
      });
      const { session, streamUrl } = await openSession(options);
      const client = await connect(streamUrl);
      await client.next('hello');
      session.start();
      const labels = async (): Promise<{ pods: Set<string>; colors: Set<string>; text: string }> => {
        const text = await (await fetch(`${session.dashboardUrl!}metrics`)).text();
        const pods = samples(text, 'bluegreen_load_pod_requests_total').map((s) => s.labels.pod!);
        const colors = samples(text, 'bluegreen_load_requests_total')
          .filter((s) => s.labels.group === 'color')
          .map((s) => s.labels.color!);
        return { pods: new Set(pods), colors: new Set(colors), text };
      };
      for (let run = 1; run <= 3; run++) {
        if (run > 1) {
          client.send({ type: 'control', id: `start-${run}`, action: 'start' });
          expect(await client.next('control-result')).toMatchObject({ ok: true });
        }
        await client.next('summary', 30_000);
        const report = session.lastReport!;
        expect(report.folded?.pods).toBeGreaterThan(0);
        const { pods, colors, text } = await labels();
        expect(pods.size).toBe(257);
        expect(pods.has('other')).toBe(true);
        expect(colors.size).toBeLessThanOrEqual(33);
        // The pod series are this run's, and add up to it.
        const podRequests = samples(text, 'bluegreen_load_pod_requests_total');
        expect(total(podRequests, {})).toBe(report.sent);
        const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(promtool.stdout + promtool.stderr).toBe('');
      }
    },
  );

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
