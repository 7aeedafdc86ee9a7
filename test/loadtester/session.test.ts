/**
 * The load session that `bluegreen load` and `bluegreen demo` share: the rate it owns, runs restarted from
 * the page, and its signals, in this process (with a real dashboard server and ws client) and through both
 * real commands.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TickMessage } from '../../protocol/run.js';
import type { ServerMessage } from '../../protocol/stream.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { leftovers, parseDemoOutput } from '../helpers/demo.js';
import { closeSessions, connect, openSession, type Client } from './sessions.js';
import { app, startTarget, type Target } from '../helpers/targets.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await killAllCli();
  await closeSessions();
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function target(handler: Parameters<typeof startTarget>[0]): Promise<Target> {
  const t = await startTarget(handler);
  cleanups.push(() => t.close());
  return t;
}

async function nextTick(client: Client, accept: (tick: TickMessage) => boolean): Promise<TickMessage> {
  for (;;) {
    const tick = (await client.next('tick')) as TickMessage;
    if (accept(tick)) return tick;
  }
}

describe('a load session', () => {
  it('takes the rate from a page control: the run paces at it, hello, settings, ticks and report show it', async () => {
    const t = await target(app('blue', 'b'));
    const options = resolveLoadOptions(t.url, {
      rate: '20',
      serve: true,
      allowControl: true,
      maxRate: '100',
      quiet: true,
    });
    const { session, streamUrl } = await openSession(options);
    session.start();
    const client = await connect(streamUrl);
    expect(await client.next('hello')).toMatchObject({ settings: { rate: 20, running: true } });

    client.send({ type: 'control', id: 'r', action: 'set-rate', rate: 80 });
    expect(await client.next('settings')).toMatchObject({ settings: { rate: 80, running: true } });
    expect(await client.next('control-result')).toEqual({ type: 'control-result', id: 'r', ok: true });
    await nextTick(client, (tick) => tick.askedRate === 80);
    const from = t.arrivals.length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(t.arrivals.length - from).toBeGreaterThan(60);
    expect(t.arrivals.length - from).toBeLessThan(100);

    const late = await connect(streamUrl);
    expect(await late.next('hello')).toMatchObject({ settings: { rate: 80 } });
    expect(session.settings().rate).toBe(80);

    session.requestStop();
    expect(await session.finish()).toBe(0);
    expect(session.lastReport!.rate.asked).toBe(80);
  });

  it('routes rollout controls to the demo only once a run has started, and says why it refuses one', async () => {
    const t = await target(app('blue', 'b'));
    const options = resolveLoadOptions(t.url, { rate: '20', allowControl: true, quiet: true });
    // The session's side of the contract only: what it hands on, and when (the demo's driver is tested in test/demo/).
    const handed: string[] = [];
    const { session, streamUrl } = await openSession(options, {
      mode: 'demo',
      rollout: { strategies: ['rolling'], control: (m) => void handed.push(m.action) },
    });
    const client = await connect(streamUrl);
    await client.next('hello');
    client.send({ type: 'control', id: 'early', action: 'rollout', strategy: 'rolling', color: 'green' });
    expect(await client.next('control-result')).toMatchObject({
      id: 'early',
      ok: false,
      error: 'no run yet: start the run before a rollout',
    });
    expect(handed).toEqual([]);
    session.start();
    client.send({ type: 'control', id: 'now', action: 'rollout', strategy: 'rolling', color: 'green' });
    expect(await client.next('control-result')).toMatchObject({ id: 'now', ok: true });
    expect(handed).toEqual(['rollout']);

    const plain = await openSession(options);
    plain.session.start();
    const other = await connect(plain.streamUrl);
    await other.next('hello');
    other.send({ type: 'control', id: 'w', action: 'set-weights', weights: { green: 50 } });
    expect(await other.next('control-result')).toMatchObject({
      ok: false,
      error: 'set-weights is not available here: only the demo drives rollouts and weights',
    });
  });

  it('restarted from the page: each run is reported as it ends, the history is the new run, the exit code the last run', async () => {
    let failing = false;
    const t = await target((req, res) => (failing ? res.writeHead(503).end() : app('blue', 'b')(req, res)));
    const options = resolveLoadOptions(t.url, {
      rate: '50',
      serve: true,
      allowControl: true,
      maxErrors: '0',
      quiet: true,
    });
    const { session, streamUrl, output } = await openSession(options);
    session.start();
    const client = await connect(streamUrl);
    await client.next('hello');
    await client.next('tick');
    client.send({ type: 'control', action: 'stop' });
    expect(await client.next('control-result')).toMatchObject({ ok: true });
    expect(output()).toMatch(/Result {5}pass/);

    failing = true;
    client.send({ type: 'control', action: 'start' });
    expect(await client.next('control-result')).toMatchObject({ ok: true });
    await nextTick(client, (tick) => tick.total.failed > 0);
    const late = await connect(streamUrl);
    const hello = (await late.next('hello')) as Extract<ServerMessage, { type: 'hello' }>;
    expect(hello.history.ticks.map((tick) => tick.seq)).toEqual(hello.history.ticks.map((_, i) => i));
    expect(hello.history.events.map((e) => e.kind)).toEqual(['run-started', 'run-stopped', 'run-started']);

    session.requestStop();
    expect(await session.finish()).toBe(1);
    expect(output()).toMatch(/Result {5}pass[\s\S]*Result {5}FAIL/);
    expect(output()).toMatch(/threshold broken: max-errors/);
    expect(session.settings().running).toBe(false);
  });
});

describe('Ctrl-C', () => {
  it('bluegreen load: the first ends the run with its report, a second exits 130 at once', async () => {
    // A server that never answers: stopping waits for the requests in flight (up to a grace period).
    const t = await target(() => undefined);
    const args = ['load', t.url, '--rate', '20', '-c', '4', '-d', '5m', '--timeout', '30s'];
    const once = spawnCli(args);
    await once.waitFor(/req\/s/);
    once.kill('SIGINT');
    expect(await once.exited).toBe(0);
    expect(once.stdout()).toMatch(/Result {5}pass/);

    const twice = spawnCli(args);
    await twice.waitFor(/req\/s/);
    twice.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    twice.kill('SIGINT');
    const signalledAt = performance.now();
    expect(await twice.exited).toBe(130);
    expect(performance.now() - signalledAt).toBeLessThan(1000);
    expect(twice.stdout()).not.toMatch(/Result/);
  });

  it('bluegreen demo: the first reports and winds the pods down, a second exits 130 and leaves nothing', async () => {
    const demo: CliProcess = spawnCli([
      'demo',
      '--headless',
      '--duration',
      '5m',
      '--rate',
      '50',
      '--port',
      '0',
      '--start-delay-seconds',
      '1',
      '--min-ready-seconds',
      '1',
      '--drain-seconds',
      '10',
    ]);
    await demo.waitFor(/req\/s/, 30_000);
    demo.kill('SIGINT');
    // The report is out; the pods now drain for 10 s.
    await demo.waitFor(/Result {5}pass/, 10_000);
    demo.kill('SIGINT');
    const signalledAt = performance.now();
    expect(await demo.exited).toBe(130);
    expect(performance.now() - signalledAt).toBeLessThan(2000);
    expect(await leftovers(parseDemoOutput(demo.stdout()))).toEqual({ processes: [], ports: [] });
  }, 60_000);
});
