/**
 * Attribution end to end (see "Attribution" in docs/loadtester.md): `bluegreen load` against real app-like
 * servers on 127.0.0.1 behind the demo's own L4 Service and L7 Ingress proxies. Nothing is mocked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ServiceProxy } from '../../demo/service-proxy.js';
import { IngressProxy } from '../../demo/ingress-proxy.js';
import type { Backend } from '../../demo/backends.js';
import { addOutcomes, emptyGroup, type Attribution } from '../../protocol/outcomes.js';
import type { Report } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { connect } from './sessions.js';
import { closedPort, expectInvariant, runLoad } from '../helpers/targets.js';

const host = '127.0.0.1';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCli();
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

interface Pod extends Backend {
  /** TCP connections the server accepted, and requests it answered. */
  connections: number;
  requests: number;
}

/** An app-like pod: colour and pod headers on every response; a 500 for every `failEvery`-th request. */
async function pod(
  color: string,
  name: string,
  { failEvery = 0, delayMs = 0 }: { failEvery?: number; delayMs?: number } = {},
): Promise<Pod> {
  const server: Server = createServer((req, res) => {
    req.resume();
    const n = ++backend.requests;
    const reply = (): void => {
      res.setHeader('color', color);
      res.setHeader('x-pod-name', name);
      res.statusCode = failEvery > 0 && n % failEvery === 0 ? 500 : 200;
      res.end(JSON.stringify({ color, pod: name }));
    };
    if (delayMs > 0) setTimeout(reply, delayMs);
    else reply();
  });
  server.on('connection', () => backend.connections++);
  server.listen(0, host);
  await once(server, 'listening');
  const backend: Pod = {
    pod: name,
    host,
    port: (server.address() as AddressInfo).port,
    connections: 0,
    requests: 0,
  };
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return backend;
}

async function service(backends: Backend[]): Promise<string> {
  const proxy = new ServiceProxy();
  proxy.setBackends(backends);
  cleanups.push(() => proxy.close());
  return `http://${host}:${await proxy.listen(0, host)}/`;
}

async function ingress(backends: Backend[]): Promise<string> {
  const proxy = new IngressProxy();
  proxy.setBackends(backends);
  cleanups.push(() => proxy.close());
  return `http://${host}:${await proxy.listen(0, host)}/`;
}

function attributionOf(report: Report): NonNullable<Report['attribution']> {
  expect(report.attribution, 'the report carries attribution').toBeDefined();
  return report.attribution!;
}

/** Blue answers 200; green fails every 10th of its requests with a 500 (exactly 10 % of green's). */
async function blueAndFailingGreen(
  greenOptions: { failEvery?: number; delayMs?: number } = { failEvery: 10 },
): Promise<[Pod, Pod]> {
  return [await pod('blue', 'blue-1'), await pod('green', 'green-1', greenOptions)];
}

function expectBlueCleanGreenTenPercent(a: Attribution | NonNullable<Report['attribution']>): void {
  const blue = a.colors.blue!;
  const green = a.colors.green!;
  expect(blue.sent).toBeGreaterThan(100);
  expect(green.sent).toBeGreaterThan(100);
  expect(blue.failed).toBe(0);
  expect(blue.responses['5xx']).toBe(0);
  // Every 10th of green's requests: 10 % within one request either way (an interval may split the count).
  expect(green.responses['5xx'] / green.sent).toBeGreaterThan(0.09);
  expect(green.responses['5xx'] / green.sent).toBeLessThan(0.11);
  expect(green.failed).toBe(green.responses['5xx']);
  // Nothing apportioned: no front door, and no request without a response. (Requests a busy machine
  // could not send in time are skipped, and skipped ones belong to unknown: not asserted here.)
  expect(a.frontDoor.sent).toBe(0);
  expect(a.unknown.sent).toBe(0);
}

describe('attribution behind the demo proxies', () => {
  it(
    'L4 Service: blue 0 % and green 10 % in the stream and the report, and each pod’s connections as the pods saw them',
    { timeout: 30_000 },
    async () => {
      const [blue, green] = await blueAndFailingGreen();
      const url = await service([blue, green]);
      const dir = mkdtempSync(join(tmpdir(), 'bluegreen-attr-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'report.json');
      const cli = spawnCli(
        ['load', url, '--rate', '100', '-c', '10', '--recycle', '25', '-d', '3s'].concat([
          '--ui',
          '0',
          '--serve',
          '-q',
          '--json',
          file,
        ]),
      );
      const [, base] = await cli.waitFor(/dashboard: (http:\S+)/);
      const stream = await connect(`${base!.replace('http', 'ws')}api/stream`);
      await stream.next('summary');
      await cli.waitFor(/serving the dashboard/);
      const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
      cli.kill('SIGTERM');
      expectInvariant(report);
      const a = attributionOf(report);
      expectBlueCleanGreenTenPercent(a);
      expect(a.colors.green!.errorRate).toBeCloseTo(a.colors.green!.failed / a.colors.green!.sent, 5);
      expect(a.colors.blue!.errorRate).toBe(0);

      // The stream says the same: its buckets add up to the report, and its last total is the report's.
      const ticks = stream.messages.filter((m): m is TickMessage => m.type === 'tick');
      const summed = { blue: emptyGroup(), green: emptyGroup() };
      for (const t of ticks) {
        expect(t.bucket.attribution.frontDoor.sent).toBe(0);
        for (const color of ['blue', 'green'] as const) {
          const g = t.bucket.attribution.colors[color];
          if (g) addOutcomes(summed[color], g);
        }
      }
      const last = ticks.at(-1)!.totalAttribution;
      for (const color of ['blue', 'green'] as const) {
        expect(summed[color].sent).toBe(a.colors[color]!.sent);
        expect(summed[color].failed).toBe(a.colors[color]!.failed);
        expect(last.colors[color]!.sent).toBe(a.colors[color]!.sent);
        expect(last.colors[color]!.failed).toBe(a.colors[color]!.failed);
      }
      expectBlueCleanGreenTenPercent(last);

      // Behind an L4 Service each client connection is one connection to one pod.
      for (const p of [blue, green]) {
        const stats = a.pods[p.pod]!;
        expect(stats.color).toBe(p.pod.split('-')[0]);
        expect(stats.connections.opened).toBe(p.connections);
        expect(stats.connections.closed).toBe(p.connections);
        expect(stats.connections.open).toBe(0);
        expect(stats.connections.requests).toBe(p.requests);
        expect(stats.sent).toBe(p.requests);
        expect(stats.connections.requestsPerConnection).toBeCloseTo(p.requests / p.connections, 0);
      }
      expect(report.pass).toBe(true);
    },
  );

  it('L7 Ingress: the same split per request, nothing in the front door', { timeout: 30_000 }, async () => {
    const [blue, green] = await blueAndFailingGreen();
    const url = await ingress([blue, green]);
    const run = await runLoad(url, ['--rate', '100', '-c', '10', '-d', '3s', '-q']);
    expect(run.code).toBe(0);
    expectInvariant(run.report!);
    expectBlueCleanGreenTenPercent(attributionOf(run.report!));
    expect(run.stdout).toMatch(/^Outcomes /m);
    expect(run.stdout).toMatch(/^ {2}green +\d+ +\d+% +(9\.\d|10(\.\d)?|11)% .* {2}\d+ \(5xx \d+\)$/m);
    expect(run.stdout).not.toMatch(/\(front door\)|\(unknown\)/);
  });

  it(
    'a front door that answers 502 without identity: those land in the front-door row',
    { timeout: 30_000 },
    async () => {
      const blue = await pod('blue', 'blue-1');
      // The ingress routes every other request to an endpoint nothing listens on, and answers 502 itself.
      const url = await ingress([blue, { pod: 'gone', host, port: await closedPort() }]);
      const run = await runLoad(url, ['--rate', '100', '-c', '4', '-d', '2s', '-q']);
      const report = run.report!;
      expectInvariant(report);
      const a = attributionOf(report);
      expect(a.frontDoor.responses['5xx']).toBeGreaterThan(50);
      expect(a.frontDoor.responses['5xx']).toBe(report.responses['5xx']);
      expect(a.frontDoor.failed).toBe(a.frontDoor.sent);
      expect(a.colors.blue!.failed).toBe(0);
      expect(a.colors.blue!.sent + a.frontDoor.sent).toBe(report.sent);
      expect(a.pods.gone).toBeUndefined();
      expect(run.stdout).toMatch(/^ {2}\(front door\) +\d+ +\d+% +100% /m);
    },
  );

  it(
    'a pod SIGKILLed behind the L4 Service: its lost requests are inferred to it',
    { timeout: 30_000 },
    async () => {
      const blue = await pod('blue', 'blue-1');
      const doomed = await childPod('green', 'green-doomed', 200);
      const url = await service([blue, doomed.backend]);
      const cli = spawnCli([
        'load',
        url,
        '--rate',
        '50',
        '-c',
        '4',
        '-d',
        '4s',
        '-q',
        '--json',
        join(doomed.dir, 'r.json'),
      ]);
      // Killed once it has answered a few (so its connections have named it), with more in flight.
      await doomed.served(3);
      doomed.child.kill('SIGKILL');
      await cli.exited;
      const report = JSON.parse(readFileSync(join(doomed.dir, 'r.json'), 'utf8')) as Report;
      expectInvariant(report);
      const a = attributionOf(report);
      const killed = a.pods['green-doomed']!;
      // Requests in flight when it died (200 ms each at 50/s over 2 connections: several) went with it.
      expect(killed.inferred).toBeGreaterThan(0);
      expect(killed.errors.reset + killed.errors.other + killed.dropped).toBe(killed.inferred);
      expect(a.colors.green!.inferred).toBe(killed.inferred);
      expect(a.colors.blue!.failed).toBe(0);
      // Afterwards the Service still sends new connections to the dead endpoint: those fail fresh, as unknown.
      expect(a.unknown.inferred).toBe(0);
      expect(killed.connections.open).toBe(0);
    },
  );
});

/**
 * A pod in its own process (so it can be SIGKILLed): it answers after `delayMs`. `served(n)` resolves once
 * it has answered n requests.
 */
async function childPod(
  color: string,
  name: string,
  delayMs: number,
): Promise<{ child: ChildProcess; backend: Backend; dir: string; served: (n: number) => Promise<void> }> {
  const script = `
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      req.resume();
      setTimeout(() => {
        res.setHeader('color', ${JSON.stringify(color)});
        res.setHeader('x-pod-name', ${JSON.stringify(name)});
        res.end('ok', () => console.log('served'));
      }, ${delayMs});
    }).listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const l of listeners) l();
  });
  const count = (): number => out.split('\n').filter((l) => l === 'served').length;
  const until = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
    });
  await until(() => /port \d+/.test(out));
  const port = Number(/port (\d+)/.exec(out)![1]);
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-attr-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { child, backend: { pod: name, host, port }, dir, served: (n) => until(() => count() >= n) };
}

describe('canary gates', () => {
  it(
    '--max-error-rate green:1% exits 1 while green fails 10 %, and 0 when green is healthy',
    { timeout: 40_000 },
    async () => {
      const [blue, green] = await blueAndFailingGreen();
      const failing = await runLoad(await service([blue, green]), [
        '--rate',
        '150',
        '-c',
        '4',
        '-d',
        '2s',
        '-q',
        '--max-error-rate',
        'green:1%',
        '--max-error-rate',
        'blue:1%',
      ]);
      expect(failing.code).toBe(1);
      const limits = failing.report!.thresholds;
      const blueLimit = limits.find((t) => t.scope === 'blue');
      const greenLimit = limits.find((t) => t.scope === 'green');
      expect(limits).toHaveLength(2);
      expect(blueLimit).toMatchObject({ name: 'max-error-rate', value: 0, pass: true });
      expect(greenLimit).toMatchObject({ name: 'max-error-rate', limit: 1, pass: false });
      expect(greenLimit!.value).toBeGreaterThan(9);
      expect(failing.stdout).toMatch(/Threshold {2}✗ max-error-rate green \d+(\.\d+)?% > 1%/);
      expect(failing.stderr).toMatch(/threshold broken: max-error-rate green is \d/);

      const healthy = await runLoad(
        await service([await pod('blue', 'blue-2'), await pod('green', 'green-2')]),
        ['--rate', '150', '-c', '4', '-d', '2s', '-q', '--max-error-rate', 'green:1%'],
      );
      expect(healthy.code).toBe(0);
      expect(healthy.report!.thresholds).toEqual([
        { name: 'max-error-rate', scope: 'green', limit: 1, value: 0, pass: true },
      ]);
    },
  );

  it('a gated colour that never answered fails with a reason, not a pass', { timeout: 30_000 }, async () => {
    const run = await runLoad(await service([await pod('blue', 'blue-1')]), [
      '--rate',
      '50',
      '-d',
      '1s',
      '-q',
      '--max-error-rate',
      'green:1%',
      '--max-p99',
      'green:250',
    ]);
    expect(run.code).toBe(1);
    expect(run.report!.thresholds.map((t) => t.note)).toEqual([
      'green had no traffic',
      'green had no traffic',
    ]);
    expect(run.stdout).toContain('✗ max-error-rate green: green had no traffic (limit 1%)');
  });

  it('--compare fails a worse candidate and passes a better one', { timeout: 40_000 }, async () => {
    // Green fails 10 % and takes 300 ms more: worse than blue on both counts, even with the stalls of a
    // busy machine in both tails. Connections to spare, so no request waits for a free one (that wait
    // would count in blue's latency too).
    const [blue, green] = await blueAndFailingGreen({ failEvery: 10, delayMs: 300 });
    const url = await service([blue, green]);
    const common = ['--rate', '25', '-c', '10', '-d', '2s', '-q', '--max-regression', '20%'];
    const worse = await runLoad(url, [...common, '--compare', 'blue,green']);
    expect(worse.code, JSON.stringify(worse.report!.thresholds)).toBe(1);
    expect(worse.report!.thresholds.map((t) => [t.scope, t.pass])).toEqual([
      ['blue,green:error-rate', false],
      ['blue,green:p99', false],
    ]);
    expect(worse.stdout).toMatch(/✗ max-regression blue,green:error-rate \+\d+(\.\d)?% > 20%/);
    const better = await runLoad(url, [...common, '--compare', 'green,blue']);
    expect(better.code).toBe(0);
    expect(better.report!.thresholds.every((t) => t.pass && t.value < 0)).toBe(true);
  });
});

describe('no response and no history', () => {
  it(
    'a fresh connection refused, and requests never sent, belong to unknown',
    { timeout: 30_000 },
    async () => {
      const run = await runLoad(`http://${host}:${await closedPort()}/`, [
        '--rate',
        '50',
        '-c',
        '2',
        '-d',
        '2s',
        '-q',
      ]);
      const report = run.report!;
      expectInvariant(report);
      const a = attributionOf(report);
      expect(a.unknown.errors.refused).toBe(report.errors.refused);
      expect(a.unknown.errors.refused).toBeGreaterThan(0);
      expect(a.unknown.inferred).toBe(0);
      expect(a.unknown.skipped).toBe(report.rate.skipped);
      expect(a.unknown.failed).toBe(report.failed);
      expect(a.unknown.share).toBe(1);
      expect(Object.keys(a.colors)).toEqual([]);
      expect(run.stdout).toMatch(/^ {2}\(unknown\) +\d+ +100% +100% .*refused \d+/m);
    },
  );
});
