/**
 * The undici engine on its own against a real server on 127.0.0.1: each connection reuses one response
 * handler for all its requests, so nothing of one response may leak into the next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { UndiciEngine } from '../../loadtester/run/engine/undici-engine.js';
import type { EngineOptions, Recorder } from '../../loadtester/run/engine/engine.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('UndiciEngine', () => {
  it('reads each response’s identity afresh on a connection that alternates header- and body-named answers', async () => {
    let n = 0;
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      if (++n % 2 === 1) {
        res.setHeader('color', 'blue');
        res.setHeader('x-pod-name', 'b-1');
        res.end('not json');
      } else res.end(JSON.stringify({ color: 'green', pod: 'g-1' }));
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const seen: string[] = [];
    const recorder: Recorder = {
      sent: () => undefined,
      unsent: () => undefined,
      response: (status, color, pod) => seen.push(`${status} ${color} ${pod}`),
      failure: (kind) => seen.push(kind),
      closed: () => undefined,
    };
    const options: EngineOptions = {
      url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
      rate: null,
      connections: 1,
      timeoutMs: 5000,
      keepAlive: true,
      recycle: null,
      headers: {},
      requests: 20,
      durationMs: null,
      insecure: false,
      ca: null,
    };
    const engine = new UndiciEngine(options, recorder);
    const sendingEnded = new Promise<void>((resolve) => (engine.onSendingEnded = resolve));
    engine.start();
    await sendingEnded;
    await engine.finish();

    expect(connections).toBe(1);
    expect(seen).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? '200 blue b-1' : '200 green g-1')),
    );
  });

  it('sends no paced request due past the run’s duration, however late the run’s end comes', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    let sent = 0;
    const recorder: Recorder = {
      sent: () => void sent++,
      unsent: () => undefined,
      response: () => undefined,
      failure: () => undefined,
      closed: () => undefined,
    };
    const engine = new UndiciEngine(
      {
        url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
        rate: 100,
        connections: 2,
        timeoutMs: 5000,
        keepAlive: true,
        recycle: null,
        headers: {},
        requests: null,
        durationMs: 300,
        insecure: false,
        ca: null,
      },
      recorder,
    );
    engine.start();
    // The run's end, late: a busy machine had let a paced run send past its duration until the timer fired.
    await new Promise((resolve) => setTimeout(resolve, 900));
    await engine.finish();
    // Due at 0, 10, …, 290 ms: 30 requests, none of the 60 due from 300 to 890 ms.
    expect(sent).toBe(30);
    expect(engine.skipped).toEqual({ backoff: 0, busy: 0 });
  });
});
