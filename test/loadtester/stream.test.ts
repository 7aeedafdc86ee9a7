import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { Report } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import { PROTOCOL_VERSION } from '../../protocol/stream.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { SKIP_BYTES } from '../../loadtester/dashboard/hub.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import type { SessionOptions } from '../../loadtester/session.js';
import { startUiServer } from '../../loadtester/dashboard/ui-server.js';
import { closeSessions, connect, idleHub, openSession } from './sessions.js';
import { app, startTarget } from '../helpers/targets.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCli();
  await closeSessions();
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('the stream of bluegreen load --ui', () => {
  it('sends hello, ticks and a summary equal to the JSON report; a late joiner gets the history', async () => {
    const target = await startTarget(app('blue', 'blue-1'));
    cleanups.push(() => target.close());
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-stream-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'report.json');
    const cli = spawnCli([
      'load',
      target.url,
      '--rate',
      '50',
      '-d',
      '3s',
      '--ui',
      '0',
      '--serve',
      '-q',
      '--json',
      file,
    ]);
    const [, base] = await cli.waitFor(/dashboard: (http:\S+)/);
    const streamUrl = `${base!.replace('http', 'ws')}dashboard/api/stream`;

    const early = await connect(streamUrl);
    const hello = await early.next('hello');
    expect(hello).toMatchObject({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      settings: { target: target.url, rate: 50, mode: 'load' },
    });
    const tick = (await early.next('tick')) as TickMessage;
    expect(tick.total.sent).toBe(
      Object.values(tick.total.responses).reduce((a, b) => a + b) +
        tick.total.timeouts +
        tick.total.dropped +
        tick.inFlight,
    );
    const summary = await early.next('summary');
    await cli.waitFor(/serving the dashboard/);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    // The file also keeps the run's story (timeline, events); the stream's summary stays small.
    const { timeline, events, ...summed } = report;
    expect(summary).toEqual({ type: 'summary', report: summed });
    expect(timeline!.ticks.map((t) => t.seq)).toEqual(
      early.messages.filter((m): m is TickMessage => m.type === 'tick').map((t) => t.seq),
    );
    expect(events!.map((e) => e.kind)).toEqual(['run-started', 'run-stopped']);
    const ticks = early.messages.filter((m): m is TickMessage => m.type === 'tick');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.at(-1)!.total.sent).toBe(report.sent);
    expect(ticks.reduce((n, t) => n + t.bucket.sent, 0)).toBe(report.sent);
    expect(early.messages.some((m) => m.type === 'sample')).toBe(true);

    const late = await connect(streamUrl.replace('/dashboard', ''));
    const lateHello = await late.next('hello');
    if (lateHello.type !== 'hello') throw new Error('expected hello');
    expect(lateHello.history.ticks.map((t) => t.seq)).toEqual(ticks.map((t) => t.seq));
    expect(lateHello.settings.running).toBe(false);
    expect(lateHello.history.events.map((e) => e.kind)).toEqual(['run-started', 'run-stopped']);

    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--serve: a run restarted from the page prints its report and ends on SIGTERM', async () => {
    const target = await startTarget(app('blue', 'blue-1'));
    cleanups.push(() => target.close());
    const cli = spawnCli([
      'load',
      target.url,
      '--rate',
      '20',
      '-n',
      '10',
      '--ui',
      '0',
      '--serve',
      '--allow-control',
      '-q',
    ]);
    const [, base] = await cli.waitFor(/dashboard: (http:\S+)/);
    const client = await connect(`${base!.replace('http', 'ws')}api/stream`);
    await cli.waitFor(/serving the dashboard/);
    client.send({ type: 'control', action: 'set-rate', rate: 50 });
    expect(await client.next('control-result')).toMatchObject({ ok: true });
    client.send({ type: 'control', action: 'start' });
    expect(await client.next('control-result')).toMatchObject({ ok: true });
    const second = await client.next('summary');
    if (second.type !== 'summary') throw new Error('expected summary');
    expect(second.report).toMatchObject({ sent: 10, rate: { asked: 50 } });
    await cli.waitFor(/Result {5}pass[\s\S]*Result {5}pass/);
    // A third run that would take 10 s on its own: SIGTERM must stop it, not wait for it.
    client.send({ type: 'control', action: 'set-rate', rate: 1 });
    client.send({ type: 'control', action: 'start' });
    await client.next('tick');
    const killedAt = performance.now();
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(performance.now() - killedAt).toBeLessThan(5000);
  });

  it('serves the dashboard files under any prefix, never outside its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-web-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<html>dash</html>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const options = resolveLoadOptions('http://127.0.0.1:1/', {});
    const ui = await startUiServer({ port: 0, hub: await idleHub(options), webDir: dir });
    cleanups.push(() => ui.close());
    const get = (path: string): Promise<Response> => fetch(new URL(path, ui.url), { redirect: 'manual' });
    expect(await (await get('/')).text()).toBe('<html>dash</html>');
    expect(await (await get('/dashboard/')).text()).toBe('<html>dash</html>');
    const js = await get('/dashboard/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    const redirect = await get('/dashboard');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('dashboard/');
    for (const raw of [
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/../../../../etc/passwd',
      '/x/..%2f..%2f..%2fetc%2fhosts',
    ]) {
      const res = await rawGet(ui.port, raw);
      expect(res.status).not.toBe(200);
      expect(res.body).not.toMatch(/root:|localhost/);
    }
    expect((await get('/missing.js')).status).toBe(404);
  });
});

/** A GET whose path is sent exactly as given (fetch would normalise the dots away). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('controls', () => {
  async function setup(allowControl: boolean, rollout?: SessionOptions['rollout']) {
    const target = await startTarget(app('blue', 'b'));
    cleanups.push(() => target.close());
    const options = {
      ...resolveLoadOptions(target.url, { rate: '20', serve: true }),
      allowControl,
      maxRate: 50,
    };
    const { session, streamUrl } = await openSession(options, rollout ? { rollout } : {});
    session.start();
    const client = await connect(streamUrl);
    await client.next('hello');
    const control = async (m: object) => {
      client.send({ type: 'control', id: 'x', ...m });
      return client.next('control-result');
    };
    return { session, client, control, target };
  }

  it('refuses start, stop and set-rate without --allow-control', async () => {
    const { control, session } = await setup(false);
    expect(await control({ action: 'set-rate', rate: 10 })).toEqual({
      type: 'control-result',
      id: 'x',
      ok: false,
      error: expect.stringMatching(/--allow-control/),
    });
    expect(await control({ action: 'stop' })).toMatchObject({ ok: false });
    expect(session.running).toBe(true);
  });

  it('caps the rate, stops and starts again on the same target, and rejects the unknown', async () => {
    const { control, session, target } = await setup(true);
    expect(await control({ action: 'set-rate', rate: 5000 })).toMatchObject({ ok: true, id: 'x' });
    expect(session.settings().rate).toBe(50);
    expect(await control({ action: 'start' })).toMatchObject({
      ok: false,
      error: 'a run is already running',
    });
    expect(await control({ action: 'stop' })).toMatchObject({ ok: true });
    // The stop was acknowledged once the run had ended, with its report.
    const report = session.lastReport!;
    expect(report.sent).toBe(Object.values(report.responses).reduce((a, b) => a + b));
    expect(session.settings().running).toBe(false);
    const before = target.arrivals.length;
    expect(await control({ action: 'start' })).toMatchObject({ ok: true });
    expect(session.settings()).toMatchObject({ running: true, rate: 50, target: target.url });
    await expect.poll(() => target.arrivals.length, { timeout: 5000 }).toBeGreaterThan(before);
    expect(await control({ action: 'retarget', url: 'http://example.com/' })).toMatchObject({
      ok: false,
      error: 'unknown action "retarget"',
    });
    expect(await control({ action: 'set-rate', rate: 'fast' })).toMatchObject({ ok: false });
    expect(await control({ action: 'rollback' })).toMatchObject({ ok: false, error: /not available/ });
    expect(await control({ action: 'stop' })).toMatchObject({ ok: true });
  });

  it('passes rollout and rollback to registered handlers, rejecting what they throw', async () => {
    const seen: string[] = [];
    const { control } = await setup(true, {
      strategies: ['rolling'],
      control: (m) => {
        if (m.action === 'rollback') throw new Error('nothing to roll back');
        if (m.action === 'rollout') seen.push(`${m.strategy}:${m.color}`);
      },
    });
    expect(await control({ action: 'rollout', strategy: 'rolling', color: 'green' })).toMatchObject({
      ok: true,
    });
    expect(seen).toEqual(['rolling:green']);
    expect(await control({ action: 'rollback' })).toMatchObject({ ok: false, error: 'nothing to roll back' });
  });
});

describe('samples', () => {
  it('include every failure when there are few, however many responses surround them', async () => {
    let failures = 0;
    const target = await startTarget((req, res, n) => {
      if (n % 100 === 50) {
        failures++;
        res.writeHead(503).end();
      } else app('blue', 'b')(req, res);
    });
    cleanups.push(() => target.close());
    const options = resolveLoadOptions(target.url, { rate: '300', duration: '2s', connections: '4' });
    const { session, streamUrl } = await openSession(options);
    const client = await connect(streamUrl);
    await client.next('hello');
    session.start();
    await session.finish();
    const report = session.lastReport!;
    await client.next('summary');
    const samples = client.messages.flatMap((m) => (m.type === 'sample' ? m.samples : []));
    expect(report.responses['5xx']).toBe(failures);
    expect(failures).toBeGreaterThanOrEqual(5);
    expect(samples.filter((x) => x.status === 503)).toHaveLength(failures);
    expect(samples.length).toBeLessThanOrEqual(48 * 4);
  });
});

describe('a stalled client', () => {
  it('is skipped, so the server does not buffer for it without bound', async () => {
    const options = resolveLoadOptions('http://127.0.0.1:1/', {});
    const hub = await idleHub(options);
    const ui = await startUiServer({ port: 0, hub });
    cleanups.push(() => ui.close());
    const client = await connect(`${ui.url.replace('http', 'ws')}api/stream`);
    await client.next('hello');
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = { note: 'x'.repeat(16 * 1024) };
    const rssBefore = process.memoryUsage().rss;
    let maxBuffered = 0;
    for (let i = 0; i < 4000; i++) {
      hub.publish({ type: 'sample', samples: [{ ...big } as never] });
      maxBuffered = Math.max(maxBuffered, hub.bufferedBytes);
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    // 64 MB were published; the server kept at most the skip threshold plus one message queued.
    expect(hub.skippedMessages).toBeGreaterThan(3000);
    expect(maxBuffered).toBeLessThan(SKIP_BYTES + 64 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(40 * 1024 * 1024);
  });
});
