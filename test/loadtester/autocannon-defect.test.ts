/**
 * Why the accurate mode drives undici instead of autocannon: autocannon 9.0.0, as shipped, does not
 * account for a request whose connection the server closes with it in flight (it reconnects without
 * clearing its pending queue), so `sent = responses + errors + timeouts` cannot hold from its events.
 * Fixing that means patching its client internals, not a thin adapter. `it.fails` passes while the
 * defect is there; if a release fixes it, this turns red and the choice can be revisited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import autocannon from 'autocannon';
import { app, expectInvariant, runLoad, startTarget, type Target } from '../helpers/targets.js';
import { killAllCli } from '../helpers/cli.js';

let target: Target | null = null;
afterEach(async () => {
  await killAllCli();
  await target?.close();
  target = null;
});

async function cuttingServer(): Promise<Target> {
  target = await startTarget((req, res, n) => {
    if (n % 4 === 0) req.socket.destroy();
    else app('blue', 'p')(req, res);
  });
  return target;
}

describe('autocannon 9.0.0 against a server that cuts connections mid-request', () => {
  it.fails('loses the cut-off requests: outcomes seen < requests the server received', async () => {
    const t = await cuttingServer();
    let outcomes = 0;
    const instance = autocannon({ url: t.url, connections: 2, amount: 100, timeout: 2 });
    instance.on('response', () => outcomes++);
    instance.on('reqError', () => outcomes++);
    await instance;
    expect(outcomes).toBe(t.arrivals.length);
  });

  it('bluegreen load accounts for every one of them', async () => {
    const t = await cuttingServer();
    const { report } = await runLoad(t.url, ['--rate', 'max', '-c', '2', '-n', '100', '-q']);
    expectInvariant(report!);
    expect(report!.sent).toBe(t.arrivals.length);
    expect(report!.dropped).toBe(25);
  });

  it('the raw --engine autocannon mode still closes the books at the end: lost requests count as dropped', async () => {
    const t = await cuttingServer();
    const { report } = await runLoad(t.url, [
      '--engine',
      'autocannon',
      '--rate',
      'max',
      '-c',
      '2',
      '-n',
      '100',
      '-q',
    ]);
    expectInvariant(report!);
    expect(report!.sent).toBe(t.arrivals.length);
    expect(report!.dropped).toBeGreaterThan(0);
    expect(report!.responses['2xx']).toBe(t.arrivals.length - t.arrivals.length / 4);
  });
});

describe('--engine autocannon', () => {
  it('tallies by colour and pod at maximum rate', async () => {
    target = await startTarget(app('green', 'green-7'));
    const { code, report } = await runLoad(target.url, [
      '--engine',
      'autocannon',
      '--rate',
      'max',
      '-d',
      '2s',
      '-q',
    ]);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.failed).toBe(0);
    expect(report!.sent).toBeGreaterThan(100);
    expect(report!.byPod).toEqual({ 'green-7': { color: 'green', count: report!.sent } });
    expect(report!.latency.count).toBe(report!.sent);
  });

  it('is refused with a rate, --recycle or --no-keepalive', async () => {
    for (const extra of [
      ['--rate', '100'],
      ['--rate', 'max', '--recycle', '10'],
      ['--rate', 'max', '--no-keepalive'],
    ]) {
      const { code, stderr } = await runLoad('http://127.0.0.1:1/', ['--engine', 'autocannon', ...extra]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--engine autocannon is for raw throughput/);
    }
  });
});
