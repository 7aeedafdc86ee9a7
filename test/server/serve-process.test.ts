/**
 * `bluegreen serve` as a real child process on real sockets: configuration errors, the start delay,
 * and the shutdown sequence a rolling update depends on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { SERVE_SETTINGS } from '../../server/options.js';

afterEach(killAllCli);

// vitest exports COLOR=0 to its workers; the children inherit the environment, so pin what serve reads.
const BASE_ENV = { PORT: '0', COLOR: 'blue', LOG_LEVEL: 'info' };

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

function get(port: number, path: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket! }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts serve on a free port and waits until it logs `ready` (or `listening` when asked). */
async function startServe(
  env: Record<string, string>,
  until: 'ready' | 'listening' = 'ready',
): Promise<{ cli: CliProcess; port: number }> {
  const cli = spawnCli(['serve'], { ...BASE_ENV, ...env });
  const listening = await cli.waitFor(/\{[^\n]*"msg":"listening"[^\n]*\}/);
  const port = (JSON.parse(listening[0]) as { port: number }).port;
  expect(port).toBeGreaterThan(0);
  if (until === 'ready') await cli.waitFor(/"msg":"ready"/);
  return { cli, port };
}

function logMessages(cli: CliProcess): string[] {
  return cli
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

describe('serve configuration', () => {
  it('lists every setting with its env variable and default in --help', async () => {
    const help = spawnCli(['serve', '--help']);
    expect(await help.exited).toBe(0);
    const text = help.stdout().replace(/\s+/g, ' ');
    for (const s of SERVE_SETTINGS) {
      expect(text).toContain(s.flag);
      expect(text).toContain(`env: ${s.env}, default: ${s.shownDefault ?? s.default}`);
    }
  });

  it.each([
    [['--port', 'abc'], {}, /--port: "abc" must be a whole number from 0 to 65535/],
    [[], { PORT: '70000' }, /PORT: "70000" must be a whole number/],
    [[], { COLOR: 'not a colour' }, /COLOR: "not a colour" is not a CSS colour name or hex colour/],
    [[], { ERROR_RATE: '1.5' }, /ERROR_RATE: "1.5" must be a number from 0 to 1/],
    [[], { LATENCY_MS: '200-20' }, /LATENCY_MS: "200-20" has its maximum below its minimum/],
    [[], { LOG_LEVEL: 'loud' }, /LOG_LEVEL: "loud" must be one of/],
    [[], { DRAIN_SECONDS: '30', SHUTDOWN_TIMEOUT_SECONDS: '10' }, /DRAIN_SECONDS \(30\) must be less than/],
    [['--colour', 'red'], {}, /unknown option '--colour'/],
  ])('serve %j with %j exits 2 naming the problem', async (args, env, message) => {
    const cli = spawnCli(['serve', ...args], { ...BASE_ENV, ...env });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(message);
  });

  it('a flag wins over its env variable', async () => {
    const cli = spawnCli(['serve', '--color', 'green'], { ...BASE_ENV, COLOR: 'red' });
    const listening = await cli.waitFor(/\{[^\n]*"msg":"listening"[^\n]*\}/);
    expect(JSON.parse(listening[0])).toMatchObject({ color: 'green' });
  });

  it('exits 2 naming the address when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const cli = spawnCli(['serve'], { ...BASE_ENV, PORT: String(port), HOST: '127.0.0.1' });
      expect(await cli.exited).toBe(2);
      expect(cli.stderr()).toMatch(new RegExp(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });
});

describe('serve lifecycle', () => {
  it('logs structured JSON with pod and colour, and listens but is unready during the start delay', async () => {
    const { cli, port } = await startServe(
      { START_DELAY_SECONDS: '1.5', COLOR: 'green', POD_NAME: 'app-green-1' },
      'listening',
    );
    const starting = await get(port, '/readyz');
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.body)).toEqual({ ready: false, state: 'starting' });
    expect((await get(port, '/healthz')).status).toBe(200);
    const info = await get(port, '/api/info');
    expect(info.status).toBe(200);
    expect(info.headers['color']).toBe('green');
    expect(info.headers['x-pod-name']).toBe('app-green-1');

    const ready = await cli.waitFor(/\{[^\n]*"msg":"ready"[^\n]*\}/);
    expect(JSON.parse(ready[0])).toMatchObject({ level: 'info', pod: 'app-green-1', color: 'green', port });
    expect((await get(port, '/readyz')).status).toBe(200);
    // No log line per request at the default level.
    expect(logMessages(cli)).not.toContain('request completed');
    expect(logMessages(cli).filter((m) => m === 'listening')).toHaveLength(1);
  });

  it('on SIGTERM: unready at once, keeps serving through the drain, closes keep-alive with Connection: close, exits 0', async () => {
    const drainMs = 1500;
    const { cli, port } = await startServe({
      DRAIN_SECONDS: String(drainMs / 1000),
      SHUTDOWN_TIMEOUT_SECONDS: '15',
    });

    // One keep-alive connection sending back to back, as a proxy's upstream connection would.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    const socketErrors: Error[] = [];
    const failures: unknown[] = [];
    const answers: { at: number; status: number; connection: string | undefined }[] = [];
    let signalledAt = 0;
    const client = (async () => {
      for (;;) {
        try {
          const answer = await get(port, '/api/info', agent);
          if (!sockets.has(answer.socket)) {
            sockets.add(answer.socket);
            answer.socket.on('error', (e) => socketErrors.push(e));
          }
          answers.push({ at: Date.now(), status: answer.status, connection: answer.headers['connection'] });
          if (answer.headers['connection'] === 'close') return;
        } catch (error) {
          failures.push(error);
          return;
        }
      }
    })();

    // The keep-alive connection is open and serving before the signal.
    await expect.poll(() => answers.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, '/readyz', probeAgent)).status).toBe(200);
    signalledAt = Date.now();
    cli.kill('SIGTERM');
    let unreadyAfterMs = Infinity;
    while (Date.now() - signalledAt < 2000) {
      if ((await get(port, '/readyz', probeAgent)).status === 503) {
        unreadyAfterMs = Date.now() - signalledAt;
        break;
      }
    }
    probeAgent.destroy();
    expect(unreadyAfterMs).toBeLessThanOrEqual(100);

    await client;
    const code = await cli.exited;
    const exitedAfterMs = Date.now() - signalledAt;
    agent.destroy();

    expect(failures).toEqual([]);
    expect(socketErrors).toEqual([]);
    expect(sockets.size).toBe(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const duringDrain = answers.filter((a) => a.at > signalledAt && a.connection !== 'close');
    expect(duringDrain.length).toBeGreaterThan(10);
    const last = answers.at(-1)!;
    expect(last.connection).toBe('close');
    expect(last.at - signalledAt).toBeGreaterThanOrEqual(drainMs - 50);
    expect(answers.filter((a) => a.connection === 'close')).toHaveLength(1);

    expect(code).toBe(0);
    expect(exitedAfterMs).toBeLessThan(drainMs + 5000);
    const messages = logMessages(cli);
    expect(messages.slice(messages.indexOf('draining'))).toEqual(['draining', 'closing', 'closed']);
  });

  it('lets in-flight requests finish, then exits 0', async () => {
    const { cli, port } = await startServe({ DRAIN_SECONDS: '0.2', SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const slow = get(port, '/delay/1500');
    await sleep(200);
    cli.kill('SIGTERM');
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ delayMs: 1500 });
    expect(await cli.exited).toBe(0);
    await expect(get(port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('exits 1 when closing outlasts SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const { cli, port } = await startServe({ DRAIN_SECONDS: '0.1', SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const stuck = get(port, '/delay/20000').catch((error: unknown) => error);
    await sleep(200);
    const signalledAt = Date.now();
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    expect(logMessages(cli)).toContain('shutdown timed out');
    await stuck;
  });

  it('a second signal exits at once', async () => {
    const { cli, port } = await startServe({ DRAIN_SECONDS: '20', SHUTDOWN_TIMEOUT_SECONDS: '30' });
    cli.kill('SIGTERM');
    await cli.waitFor(/"msg":"draining"/);
    expect((await get(port, '/readyz')).status).toBe(503);
    expect((await get(port, '/api/info')).status).toBe(200);
    const secondAt = Date.now();
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(2000);
    expect(logMessages(cli)).toContain('second signal: exiting now');
  });

  it('a signal during the start delay drains without ever turning ready', async () => {
    const { cli, port } = await startServe(
      { START_DELAY_SECONDS: '2', DRAIN_SECONDS: '0.5', SHUTDOWN_TIMEOUT_SECONDS: '10' },
      'listening',
    );
    cli.kill('SIGTERM');
    await cli.waitFor(/"msg":"draining"/);
    expect(await cli.exited).toBe(0);
    expect(logMessages(cli)).not.toContain('ready');
    await expect(get(port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps serving and shuts down cleanly when its log reader goes away (serve | head)', async () => {
    const { cli, port } = await startServe({ DRAIN_SECONDS: '0.2', SHUTDOWN_TIMEOUT_SECONDS: '10' });
    cli.child.stdout!.destroy();
    // Every log line from here on (draining, closing, closed) is written into a closed pipe.
    expect((await get(port, '/api/info')).status).toBe(200);
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).not.toMatch(/EPIPE/);
  });
});
