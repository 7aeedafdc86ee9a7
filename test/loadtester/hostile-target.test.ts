/**
 * A target we do not control: what it names itself must not reach the terminal as control codes, and
 * naming a new pod in every response must not grow the run, its ticks or a late joiner's hello without bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { MAX_RUN_PODS } from '../../protocol/outcomes.js';
import type { Report } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import { HISTORY_EVENT_BYTES, HISTORY_TICK_BYTES } from '../../loadtester/dashboard/hub.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import { startUiServer } from '../../loadtester/dashboard/ui-server.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { closeSessions, idleHub } from './sessions.js';
import { expectInvariant, startTarget } from '../helpers/targets.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCli();
  await closeSessions();
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-hostile-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The size in bytes of the first frame (the hello) a new client of the stream receives. */
async function helloBytes(streamUrl: string): Promise<number> {
  const ws = new WebSocket(streamUrl, { maxPayload: 256 * 1024 * 1024 });
  cleanups.push(() => ws.terminate());
  const [data] = (await once(ws, 'message')) as [Buffer];
  ws.terminate();
  expect(JSON.parse(String(data))).toMatchObject({ type: 'hello' });
  return data.length;
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Number(kb) * 1024;
}

describe('a target that names itself with terminal control codes', () => {
  it('cannot reach the terminal; the JSON report keeps the exact names', async () => {
    const pod = 'pod-\u001b]0;pwned\u0007-\u001b[2J\r\nFAKE Result pass';
    const color = '\u001b[2J\u001b]0;pwned\u0007';
    // No identity headers: the loadtester falls back to the JSON body.
    const target = await startTarget((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ color, pod }));
    });
    cleanups.push(() => target.close());
    const file = join(tempDir(), 'report.json');
    const cli = spawnCli(['load', target.url, '--rate', '20', '-d', '2s', '--json', file]);
    expect(await cli.exited).toBe(0);
    const stdout = cli.stdout();
    expect(stdout).toContain('Result     pass');
    expect(stdout).toContain('\\x1b]0;pwned\\x07');
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/[\u001b\u0007\u009b\r]/);
    expect(stdout).not.toMatch(/^FAKE/m);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expect(Object.keys(report.byPod)).toEqual([pod]);
    expect(Object.keys(report.byColor)).toEqual([color]);
    expect(report.byPod[pod]!.color).toBe(color);
  });
});

describe('a target that names a new pod in every response', () => {
  it('keeps the history a late joiner gets under its byte budget', async () => {
    const hub = await idleHub(resolveLoadOptions('http://127.0.0.1:1/', {}));
    const ui = await startUiServer({ port: 0, hub });
    cleanups.push(() => ui.close());
    const tick: TickMessage = {
      type: 'tick',
      seq: 0,
      t: 0,
      elapsedMs: 0,
      intervalMs: 1000,
      bucket: { ...JSON.parse('{}'), note: 'x'.repeat(40 * 1024) } as never,
      total: {} as never,
      totalAttribution: {} as never,
      inFlight: 0,
      askedRate: null,
    };
    for (let i = 0; i < 300; i++) hub.publish({ ...tick, seq: i, t: i });
    for (let i = 0; i < 200; i++) hub.event({ kind: 'pod-added', pod: 'p'.repeat(4096), t: i });
    const size = await helloBytes(`${ui.url.replace('http', 'ws')}api/stream`);
    expect(size).toBeLessThan(HISTORY_TICK_BYTES + HISTORY_EVENT_BYTES + 8 * 1024);
    expect(size).toBeGreaterThan(HISTORY_TICK_BYTES);
  });

  it(
    'is folded into "other" past the pod limit, with a bounded hello and memory',
    { timeout: 60_000 },
    async () => {
      const filler = 'x'.repeat(12 * 1024);
      const target = await startTarget((_req, res, n) => {
        res.setHeader('color', n % 2 === 0 ? 'blue' : 'green');
        res.setHeader('x-pod-name', `${n}-${randomBytes(6).toString('hex')}-${filler}`);
        res.end('ok');
      });
      cleanups.push(() => target.close());
      const file = join(tempDir(), 'report.json');
      const cli = spawnCli([
        'load',
        target.url,
        '--rate',
        '300',
        '-d',
        '6s',
        '--ui',
        '0',
        '-q',
        '--json',
        file,
      ]);
      const [, base] = await cli.waitFor(/dashboard: (http:\S+)/);
      await new Promise((r) => setTimeout(r, 1500));
      const rssEarly = rssBytes(cli.child.pid!);
      await new Promise((r) => setTimeout(r, 3500));
      const rssLate = rssBytes(cli.child.pid!);
      const hello = await helloBytes(`${base!.replace('http', 'ws')}api/stream`);
      expect(await cli.exited).toBe(0);

      const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
      expectInvariant(report);
      expect(report.sent).toBeGreaterThan(1000);
      expect(hello).toBeLessThan(HISTORY_TICK_BYTES + HISTORY_EVENT_BYTES + 8 * 1024);
      expect(Object.keys(report.byPod)).toHaveLength(MAX_RUN_PODS + 1);
      for (const name of Object.keys(report.byPod)) expect(name.length).toBeLessThanOrEqual(128);
      const responses = Object.values(report.responses).reduce((a, b) => a + b, 0);
      expect(report.byPod.other!.count).toBe(responses - MAX_RUN_PODS);
      expect(report.folded).toEqual({ colors: 0, pods: responses - MAX_RUN_PODS });
      expect(report.byColor).toEqual({ blue: expect.any(Number), green: expect.any(Number) });
      // Before the limits, this grew by tens of MB in a few seconds; now only by what a run always costs.
      expect(rssLate - rssEarly).toBeLessThan(25 * 1024 * 1024);
    },
  );
});
