import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { once } from 'node:events';
import { ServiceProxy } from '../../demo/service-proxy.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { app, closedPort, expectInvariant, runLoad, startTarget, type Target } from '../helpers/targets.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await killAllCli();
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function target(handler: Parameters<typeof startTarget>[0]): Promise<Target> {
  const t = await startTarget(handler);
  cleanups.push(() => t.close());
  return t;
}

describe('bluegreen load against real app processes', () => {
  async function servePod(color: string, pod: string): Promise<number> {
    const cli = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1', '--color', color], {
      POD_NAME: pod,
      LOG_LEVEL: 'info',
    });
    const match = await cli.waitFor(/"port":(\d+)/);
    await cli.waitFor(/"msg":"ready"/);
    return Number(match[1]);
  }

  it('tallies by colour and pod behind an L4 proxy; --recycle spreads few connections over both pods', async () => {
    const [blue, green] = await Promise.all([servePod('blue', 'blue-pod'), servePod('green', 'green-pod')]);
    const proxy = new ServiceProxy();
    cleanups.push(() => proxy.close());
    const port = await proxy.listen(0, '127.0.0.1');
    proxy.setBackends([
      { pod: 'blue-pod', host: '127.0.0.1', port: blue },
      { pod: 'green-pod', host: '127.0.0.1', port: green },
    ]);
    const url = `http://127.0.0.1:${port}/`;

    const sticky = await runLoad(url, ['--rate', '100', '-c', '1', '-d', '2s', '-q']);
    expect(sticky.code).toBe(0);
    expectInvariant(sticky.report!);
    expect(Object.keys(sticky.report!.byPod)).toHaveLength(1);

    const recycled = await runLoad(url, ['--rate', '100', '-c', '1', '-d', '2s', '-q', '--recycle', '10']);
    expect(recycled.code).toBe(0);
    const r = recycled.report!;
    expectInvariant(r);
    expect(r.dropped).toBe(0);
    expect(r.byPod['blue-pod']).toMatchObject({ color: 'blue' });
    expect(r.byPod['green-pod']).toMatchObject({ color: 'green' });
    expect(r.byColor.blue! / r.sent).toBeGreaterThan(0.35);
    expect(r.byColor.green! / r.sent).toBeGreaterThan(0.35);
    expect(r.byColor.blue! + r.byColor.green!).toBe(r.responses['2xx']);
  });
});

describe('connection use', () => {
  it('rotates paced requests over every connection, least recently used first', async () => {
    const perSocket = new Map<object, number>();
    const t = await target((req, res) => {
      perSocket.set(req.socket, (perSocket.get(req.socket) ?? 0) + 1);
      app('blue', 'p')(req, res);
    });
    const { code, report } = await runLoad(t.url, ['--rate', '100', '-c', '4', '--requests', '200', '-q']);
    expect(code).toBe(0);
    expectInvariant(report!);
    const counts = [...perSocket.values()];
    expect(counts).toHaveLength(4);
    // Behind an L4 Service each connection is a pod: each should carry about a quarter of the traffic.
    for (const count of counts) expect(count).toBeGreaterThan(200 * 0.15);
  });
});

describe('bluegreen load against misbehaving servers', () => {
  it('counts requests cut off by the server as dropped, without inflating latency', async () => {
    let destroyed = 0;
    const t = await target((req, res, n) => {
      if (n % 4 === 0) {
        destroyed++;
        req.socket.destroy();
      } else app('blue', 'p')(req, res);
    });
    const { code, report } = await runLoad(t.url, ['--rate', '100', '-c', '4', '-d', '2s', '-q']);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.dropped).toBe(destroyed);
    expect(report!.sent).toBe(t.arrivals.length);
    expect(report!.responses['2xx']).toBe(t.arrivals.length - destroyed);
    expect(report!.latency.max).toBeLessThan(250);
  });

  it('classifies a reset connection as reset', async () => {
    let resets = 0;
    const t = await target((req, res, n) => {
      if (n % 5 === 0) {
        resets++;
        req.socket.resetAndDestroy();
      } else app('blue', 'p')(req, res);
    });
    const { report } = await runLoad(t.url, ['--rate', '50', '-c', '2', '-n', '50', '-q']);
    expectInvariant(report!);
    expect(report!.sent).toBe(50);
    expect(report!.errors.reset + report!.dropped).toBe(resets);
    expect(report!.errors.reset).toBeGreaterThan(0);
  });

  it('honours Connection: close on every response without losing requests', async () => {
    const t = await target((req, res) => {
      res.setHeader('connection', 'close');
      app('green', 'g')(req, res);
    });
    const { report } = await runLoad(t.url, ['--rate', '100', '-c', '2', '-n', '100', '-q']);
    expectInvariant(report!);
    expect(report!.responses['2xx']).toBe(100);
    expect(report!.failed).toBe(0);
    expect(t.connections).toBeGreaterThanOrEqual(100);
  });

  it('times out a stalling server and settles everything', async () => {
    const t = await target(() => undefined);
    const { code, report } = await runLoad(t.url, [
      '--rate',
      '20',
      '-c',
      '5',
      '-d',
      '2s',
      '--timeout',
      '500ms',
      '-q',
    ]);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.timeouts).toBe(report!.sent);
    expect(report!.sent).toBe(t.arrivals.length);
    expect(report!.sent).toBeGreaterThanOrEqual(5);
    expect(report!.rate.skipped).toBeGreaterThan(0);
    expect(report!.latency.count).toBe(0);
  });

  it('backs off from a closed port and counts each refused attempt once', async () => {
    const port = await closedPort();
    const { code, report } = await runLoad(`http://127.0.0.1:${port}/`, [
      '--rate',
      '200',
      '-c',
      '2',
      '-d',
      '2s',
      '-q',
    ]);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.errors.refused).toBe(report!.sent);
    expect(report!.errors.refused).toBeGreaterThan(2);
    // Without backoff this is thousands; with it, a handful per connection per second.
    expect(report!.errors.refused).toBeLessThan(40);
    expect(report!.latency.count).toBe(0);
  });
});

describe('a target that goes down for 3 s and comes back on the same port', () => {
  it('counts every due request, skipped ones as failed with their reason, and --max-errors fails', async () => {
    const server = createServer(app('blue', 'b'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    let answered = 0;
    server.on('request', () => answered++);
    const run = runLoad(`http://127.0.0.1:${port}/`, [
      ...['--rate', '50', '--max-errors', '10', '-c', '1', '--timeout', '1s', '-d', '6s'],
    ]);
    // Down once the run is well under way (a second and a half of its 50/s), however long the CLI took to start.
    await expect.poll(() => answered, { timeout: 30_000 }).toBeGreaterThanOrEqual(75);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const { code, report, stdout } = await run;

    const r = report!;
    expectInvariant(r); // due = sent + skipped (by reason), failed counts the skipped
    // Paced at 50/s for 6 s: 300 due at most (none past the duration), whatever happened to them.
    expect(r.due).toBeGreaterThanOrEqual(290);
    expect(r.due).toBeLessThanOrEqual(300);
    expect(r.errors.refused).toBeGreaterThan(0);
    expect(r.skipped!.backoff).toBeGreaterThan(50);
    expect(r.rate.skipped).toBe(r.skipped!.backoff + r.skipped!.busy);
    expect(r.failed).toBeGreaterThanOrEqual(r.errors.refused + r.rate.skipped);
    expect(r.responses['2xx']).toBeGreaterThan(50);
    expect(r.thresholds).toEqual([{ name: 'max-errors', limit: 10, value: r.failed, pass: false }]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/skipped \(\d+ backing off after failures/);
  });
});

describe('a server that accepts and resets at once (an L4 proxy without endpoints)', () => {
  it('does not crash or spin at maximum rate, and counts every attempt', async () => {
    let accepted = 0;
    const server = createTcpServer((socket) => {
      accepted++;
      socket.resetAndDestroy();
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const { code, report } = await runLoad(`http://127.0.0.1:${port}/`, [
      '--rate',
      'max',
      '-c',
      '2',
      '-d',
      '2s',
      '-q',
    ]);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.responses['2xx']).toBe(0);
    expect(report!.errors.reset + report!.dropped + report!.errors.other).toBe(report!.sent);
    expect(report!.sent).toBeGreaterThan(2);
    expect(report!.sent).toBeLessThan(60);
    expect(accepted).toBeGreaterThanOrEqual(report!.sent - 2);
  });
});

describe('request and connection options', () => {
  it('sends --header, opens a connection per request with --no-keepalive, recycles by age', async () => {
    const seen: (string | string[] | undefined)[] = [];
    const t = await target((req, res) => {
      seen.push(req.headers['x-probe']);
      app('blue', 'p')(req, res);
    });
    const fresh = await runLoad(t.url, [
      '--rate',
      '50',
      '-c',
      '1',
      '-n',
      '20',
      '-q',
      '--no-keepalive',
      '-H',
      'X-Probe: yes',
    ]);
    expectInvariant(fresh.report!);
    expect(fresh.report!.failed).toBe(0);
    expect(seen).toEqual(Array(20).fill('yes'));
    expect(t.connections).toBe(20);

    const before = t.connections;
    const aged = await runLoad(t.url, ['--rate', '50', '-c', '1', '-d', '2s', '-q', '--recycle', '400ms']);
    expect(aged.report!.failed).toBe(0);
    expect(t.connections - before).toBeGreaterThanOrEqual(3);
    expect(t.connections - before).toBeLessThanOrEqual(8);
  });

  it('falls back to the JSON body for colour and pod when the headers are missing', async () => {
    const t = await target((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ color: 'green', pod: 'green-9', version: 'v2' }));
    });
    const { report } = await runLoad(t.url, ['--rate', '50', '-n', '10', '-q']);
    expect(report!.byPod).toEqual({ 'green-9': { color: 'green', count: 10 } });
  });

  it('tallies pods named only by a body hostname, the colour coming from a header (the lab server)', async () => {
    const t = await target((_req, res) => {
      res.setHeader('color', 'blue');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ hostname: 'lab-7b9d-q4x', message: 'Hello from blue' }));
    });
    const { report, stdout } = await runLoad(t.url, ['--rate', '50', '-n', '10', '-q']);
    expect(report!.byColor).toEqual({ blue: 10 });
    expect(report!.byPod).toEqual({ 'lab-7b9d-q4x': { color: 'blue', count: 10 } });
    expect(stdout).toMatch(/^Pods\n {2}lab-7b9d-q4x +blue +10 {2}failed 0 /m);
  });

  it('says once that responses carry no pod identity when none did', async () => {
    const t = await target((_req, res) => {
      res.setHeader('color', 'blue');
      res.end('ok');
    });
    const { report, stdout } = await runLoad(t.url, ['--rate', '50', '-n', '5', '-q']);
    expect(report!.byPod).toEqual({});
    expect(stdout.match(/responses carry no pod identity/g)).toHaveLength(1);
  });
});

describe('pacing', () => {
  it('holds --rate 200 for 5 s within 2 %, with no 100 ms window over twice its share', async () => {
    const t = await target(app('blue', 'p'));
    const { report } = await runLoad(t.url, ['--rate', '200', '-c', '10', '-d', '5s', '-q']);
    expectInvariant(report!);
    const arrivals = t.arrivals;
    expect(arrivals.length).toBeGreaterThanOrEqual(980);
    expect(arrivals.length).toBeLessThanOrEqual(1020);
    expect(Math.abs(report!.rate.achieved - 200)).toBeLessThanOrEqual(4);
    const start = arrivals[0]!;
    const windows = new Map<number, number>();
    for (const a of arrivals) {
      const w = Math.floor((a - start) / 100);
      windows.set(w, (windows.get(w) ?? 0) + 1);
    }
    expect(Math.max(...windows.values())).toBeLessThanOrEqual(40);
  });
});

describe('thresholds, exit codes and usage', () => {
  it('exits 1 and names the broken threshold', async () => {
    const t = await target((req, res, n) => {
      if (n % 10 === 0) res.writeHead(500).end();
      else app('blue', 'p')(req, res);
    });
    const broken = await runLoad(t.url, [
      '--rate',
      '100',
      '-n',
      '50',
      '-q',
      '--max-errors',
      '0',
      '--max-p99',
      '5000',
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/threshold broken: max-errors is 5 failed, limit 0 failed/);
    expect(broken.stderr).not.toMatch(/max-p99/);
    expect(broken.report!.thresholds).toEqual([
      { name: 'max-errors', limit: 0, value: 5, pass: false },
      { name: 'max-p99', limit: 5000, value: broken.report!.latency.p99, pass: true },
    ]);
    const kept = await runLoad(t.url, ['--rate', '100', '-n', '50', '-q', '--max-error-rate', '10%']);
    expect(kept.code).toBe(0);
    expect(kept.report!.pass).toBe(true);
  });

  it.each([
    [['load', 'not-a-url'], /not a URL/],
    [['load', 'http://127.0.0.1:1/', '--duration', 'soon'], /not a duration/],
    [['load', 'http://127.0.0.1:1/', '--rate', 'x'], /--rate/],
    [['load', 'http://127.0.0.1:1/', '--rate', '0'], /--rate: "0" .*--rate max/],
    [['load', 'http://127.0.0.1:1/', '--max-error-rate', '150%'], /--max-error-rate: "150%" .*at most 100%/],
    [['load', 'http://127.0.0.1:1/', '--max-error-rate', '1000'], /--max-error-rate: "1000" .*at most 100%/],
    [['load', 'http://127.0.0.1:1/', '--frobnicate'], /unknown option/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const cli = spawnCli(args);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(message);
  });

  it('writes the documented JSON report', async () => {
    const t = await target(app('blue', 'blue-1'));
    const { report, stdout } = await runLoad(t.url, ['--rate', '50', '-n', '20']);
    expect(Object.keys(report!).sort()).toEqual(
      [
        'target',
        'startedAt',
        'durationMs',
        'due',
        'sent',
        'skipped',
        'responses',
        'errors',
        'timeouts',
        'dropped',
        'failed',
        'byColor',
        'colors',
        'byPod',
        'folded',
        'switchOver',
        'latency',
        'rate',
        'thresholds',
        'pass',
        'firstErrors',
        'attribution',
        'timeline',
        'events',
        'incidents',
      ].sort(),
    );
    expect(report).toMatchObject({
      target: t.url,
      sent: 20,
      responses: { '1xx': 0, '2xx': 20, '3xx': 0, '4xx': 0, '5xx': 0 },
      errors: { refused: 0, reset: 0, other: 0 },
      timeouts: 0,
      dropped: 0,
      failed: 0,
      byColor: { blue: 20 },
      byPod: { 'blue-1': { color: 'blue', count: 20 } },
      folded: { colors: 0, pods: 0 },
      switchOver: null,
      rate: { asked: 50 },
      thresholds: [],
      pass: true,
      firstErrors: {},
    });
    expect(Object.keys(report!.latency).sort()).toEqual([
      'count',
      'histogram',
      'max',
      'mean',
      'note',
      'p50',
      'p90',
      'p99',
    ]);
    expect(new Date(report!.startedAt).getTime()).toBeGreaterThan(0);
    // Piped: live lines but no control codes.
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/\x1b|\r/);
    expect(stdout).toMatch(/req\/s/);
    expect(stdout).toMatch(/Result {5}pass/);
  });
});
