/**
 * Controls from a hostile page or script: every control needs --allow-control (the demo's rollouts too),
 * the control token when one is set, a rate within bounds, and no more than a few per second.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControlResultMessage } from '../../protocol/stream.js';
import { CONTROL_BURST } from '../../loadtester/dashboard/control-limit.js';
import { GUESS_BURST } from '../../loadtester/dashboard/token-guesses.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import type { SessionOptions } from '../../loadtester/session.js';
import { closeSessions, connect, openSession } from './sessions.js';
import { app, startTarget, type Target } from '../helpers/targets.js';

const targets: Target[] = [];
afterEach(async () => {
  await closeSessions();
  for (const t of targets.splice(0)) await t.close();
});

async function setup(flags: Record<string, unknown>, rollout?: SessionOptions['rollout']) {
  const target = await startTarget(app('blue', 'b'));
  targets.push(target);
  const options = resolveLoadOptions(target.url, { rate: '20', serve: true, quiet: true, ...flags });
  const { session, streamUrl } = await openSession(options, rollout ? { rollout } : {});
  session.start();
  const client = await connect(streamUrl);
  const hello = await client.next('hello');
  const control = async (m: object) => {
    client.send({ type: 'control', id: 'x', ...m });
    return (await client.next('control-result')) as ControlResultMessage;
  };
  return { session, client, control, hello, streamUrl };
}

describe('controls from the page', () => {
  it("the demo's rollouts need --allow-control like every other control", async () => {
    const seen: string[] = [];
    const { control } = await setup({}, { strategies: ['rolling'], control: () => void seen.push('x') });
    expect(await control({ action: 'rollout', strategy: 'rolling', color: 'green' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/--allow-control/),
    });
    expect(await control({ action: 'rollback' })).toMatchObject({ ok: false });
    expect(seen).toEqual([]);
  });

  it('with --control-token, each control needs the token; the token is never sent to the page', async () => {
    const token = 's3cret-token-42';
    const seen: string[] = [];
    const { control, hello, client } = await setup(
      { allowControl: true, controlToken: token },
      { strategies: ['rolling'], control: (m) => void seen.push(m.action) },
    );
    expect(hello).toMatchObject({ settings: { controls: { allowed: true, tokenRequired: true } } });
    expect(JSON.stringify(hello)).not.toContain(token);

    expect(await control({ action: 'set-rate', rate: 30 })).toEqual({
      type: 'control-result',
      id: 'x',
      ok: false,
      error: 'this loadtester needs its control token for controls',
      reason: 'token',
    });
    expect(await control({ action: 'stop', token: 'wrong-token-00' })).toMatchObject({
      ok: false,
      error: 'wrong control token',
      reason: 'token',
    });
    expect(
      await control({ action: 'rollout', strategy: 'rolling', color: 'green', token: token + 'x' }),
    ).toMatchObject({ ok: false, reason: 'token' });
    expect(await control({ action: 'set-rate', rate: 30, token: 42 })).toMatchObject({
      ok: false,
      error: 'token must be a string',
    });
    expect(seen).toEqual([]);

    expect(await control({ action: 'set-rate', rate: 30, token })).toMatchObject({ ok: true });
    const settings = client.messages.filter((m) => m.type === 'settings');
    expect(settings.at(-1)).toMatchObject({ settings: { rate: 30 } });
    expect(JSON.stringify(client.messages)).not.toContain(token);
    expect(await control({ action: 'rollout', strategy: 'rolling', color: 'green', token })).toMatchObject({
      ok: true,
    });
    expect(seen).toEqual(['rollout']);
  });

  it('refuses a rate below the minimum; Start never runs above --max-rate, whatever the command line said', async () => {
    const { control, session } = await setup({ allowControl: true, rate: '400', maxRate: '50' });
    expect(session.settings().rate).toBe(400);
    expect(await control({ action: 'set-rate', rate: 1e-300 })).toMatchObject({
      ok: false,
      error: 'set-rate needs a rate: a number of requests per second, at least 0.1',
    });
    expect(await control({ action: 'set-rate', rate: 0.05 })).toMatchObject({ ok: false });
    expect(session.settings().rate).toBe(400);
    expect(await control({ action: 'stop' })).toMatchObject({ ok: true });
    expect(await control({ action: 'start' })).toMatchObject({ ok: true });
    expect(session.settings()).toMatchObject({ running: true, rate: 50 });
    expect(await control({ action: 'set-rate', rate: 0.1 })).toMatchObject({ ok: true });
    expect(session.settings().rate).toBe(0.1);
  });

  it('Start after a `--rate max` run runs at --max-rate', async () => {
    const { control, session } = await setup({ allowControl: true, rate: 'max', maxRate: '30' });
    expect(session.settings().rate).toBeNull();
    expect(await control({ action: 'stop' })).toMatchObject({ ok: true });
    expect(await control({ action: 'start' })).toMatchObject({ ok: true });
    expect(session.settings().rate).toBe(30);
  });

  it('refuses controls beyond a few per second on one connection, without acting on them', async () => {
    const { client, session, streamUrl } = await setup({ allowControl: true, maxRate: '1000' });
    for (let i = 1; i <= 40; i++) client.send({ type: 'control', action: 'set-rate', rate: i });
    const results: ControlResultMessage[] = [];
    for (let i = 0; i < 40; i++) results.push((await client.next('control-result')) as ControlResultMessage);
    const accepted = results.filter((r) => r.ok).length;
    expect(accepted).toBeGreaterThanOrEqual(CONTROL_BURST - 1);
    expect(accepted).toBeLessThanOrEqual(CONTROL_BURST + 1);
    expect(results.filter((r) => !r.ok)).toEqual(
      Array(40 - accepted).fill({
        type: 'control-result',
        ok: false,
        error: 'too many controls: at most 10 per second; this one was not acted on',
        reason: 'rate-limit',
      }),
    );
    expect(session.settings().rate).toBe(accepted);
    // Another connection has its own allowance, and this one recovers within a second.
    const other = await connect(streamUrl);
    await other.next('hello');
    other.send({ type: 'control', action: 'set-rate', rate: 77 });
    expect(await other.next('control-result')).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 1000));
    client.send({ type: 'control', action: 'set-rate', rate: 88 });
    expect(await client.next('control-result')).toMatchObject({ ok: true });
    expect(session.settings().rate).toBe(88);
  });

  it('limits wrong control tokens per client address, however often it reconnects, and says them on stderr', async () => {
    const token = 'the-real-token-7';
    const target = await startTarget(app('blue', 'b'));
    targets.push(target);
    let err = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        err += chunk.toString();
        done();
      },
    });
    const options = resolveLoadOptions(target.url, {
      rate: '20',
      serve: true,
      quiet: true,
      allowControl: true,
      controlToken: token,
    });
    const { session, streamUrl } = await openSession(options, { err: sink });
    session.start();
    // A fresh connection for every guess: each has its own 10 controls a second, the address does not.
    const once = async (m: object): Promise<ControlResultMessage> => {
      const client = await connect(streamUrl);
      await client.next('hello');
      client.send({ type: 'control', id: 'g', ...m });
      const result = (await client.next('control-result')) as ControlResultMessage;
      client.ws.terminate();
      return result;
    };
    const results: ControlResultMessage[] = [];
    for (let i = 0; i < GUESS_BURST + 5; i++)
      results.push(await once({ action: 'set-rate', rate: 5, token: `guess-${i}` }));
    expect(results.slice(0, GUESS_BURST).map((r) => r.error)).toEqual(
      Array(GUESS_BURST).fill('wrong control token'),
    );
    for (const r of results.slice(GUESS_BURST)) {
      expect(r).toMatchObject({
        ok: false,
        reason: 'token',
        error: expect.stringMatching(/^too many wrong control tokens from this address: try again in \d+ s$/),
      });
    }
    // Locked out, the right token is refused too (a guess then tells nothing), and nothing was acted on.
    expect(await once({ action: 'set-rate', rate: 5, token })).toMatchObject({ ok: false, reason: 'token' });
    expect(session.settings().rate).toBe(20);
    // Said at once, then at most once a minute per address.
    const lines = err.split('\n').filter((l) => l.includes('wrong control token'));
    expect(lines).toEqual(['bluegreen: 1 wrong control token from 127.0.0.1']);
  });
});
