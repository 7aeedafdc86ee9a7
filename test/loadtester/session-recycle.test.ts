/**
 * Connection recycling changed from the page while a run goes on (`set-recycle`), and the session's goodbye
 * on its stream (the last report again, marked final) before it closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SummaryMessage } from '../../protocol/stream.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import { closeSessions, connect, openSession } from './sessions.js';
import { app, startTarget, type Target } from '../helpers/targets.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await closeSessions();
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function target(): Promise<Target> {
  const t = await startTarget(app('blue', 'b'));
  cleanups.push(() => t.close());
  return t;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('set-recycle from the page', () => {
  it('recycles the running run’s connections from the next request, and stops again on null', async () => {
    const t = await target();
    const options = resolveLoadOptions(t.url, {
      rate: '100',
      connections: '2',
      serve: true,
      allowControl: true,
      quiet: true,
    });
    const { session, streamUrl } = await openSession(options, { frontDoor: 'service' });
    session.start();
    const client = await connect(streamUrl);
    expect(await client.next('hello')).toMatchObject({ settings: { recycle: null, frontDoor: 'service' } });
    // Both connections opened (the run has sent at least as many requests as it has connections).
    await expect.poll(() => t.connections, { timeout: 5000 }).toBe(2);

    client.send({ type: 'control', id: 'on', action: 'set-recycle', afterRequests: 5 });
    expect(await client.next('settings')).toMatchObject({
      settings: { recycle: { afterRequests: 5, afterMs: null } },
    });
    expect(await client.next('control-result')).toEqual({ type: 'control-result', id: 'on', ok: true });
    const before = t.connections;
    // About 100 requests a second, a new connection every 5: far more than the two kept alive, within a second.
    await expect.poll(() => t.connections - before, { timeout: 1000 }).toBeGreaterThan(8);

    client.send({ type: 'control', id: 'off', action: 'set-recycle', afterRequests: null });
    expect(await client.next('settings')).toMatchObject({ settings: { recycle: null } });
    await sleep(300);
    const settled = t.connections;
    await sleep(1000);
    expect(t.connections).toBe(settled);

    session.requestStop();
    expect(await session.finish()).toBe(0);
  });

  it('is refused without --allow-control, and with keep-alive off', async () => {
    const t = await target();
    for (const [flags, reason] of [
      [{}, /controls are disabled/],
      [{ allowControl: true, keepalive: false }, /keep-alive is off/],
    ] as const) {
      const options = resolveLoadOptions(t.url, { rate: '10', serve: true, quiet: true, ...flags });
      const { session, streamUrl } = await openSession(options);
      session.start();
      const client = await connect(streamUrl);
      await client.next('hello');
      client.send({ type: 'control', action: 'set-recycle', afterRequests: 5 });
      expect(await client.next('control-result')).toMatchObject({
        ok: false,
        error: expect.stringMatching(reason),
      });
      expect(session.settings().recycle).toBeNull();
      session.requestStop();
      await session.finish();
    }
  });
});

describe('the session’s goodbye', () => {
  it('sends the last report again, marked final, before closing the stream', async () => {
    const t = await target();
    const options = resolveLoadOptions(t.url, { rate: '50', requests: '20', quiet: true });
    const { session, streamUrl } = await openSession(options);
    session.start();
    const client = await connect(streamUrl);
    await client.next('hello');
    const first = (await client.next('summary')) as SummaryMessage;
    expect(first.final).toBeUndefined();
    expect(await session.finish()).toBe(0);
    const closed = new Promise((resolve) => client.ws.once('close', resolve));
    await session.close();
    const goodbye = (await client.next('summary')) as SummaryMessage;
    expect(goodbye).toEqual({ type: 'summary', report: first.report, final: true });
    await closed;
  });
});
