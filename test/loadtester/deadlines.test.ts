/**
 * Timers and deadlines of a run: a request's --timeout covers the whole request (a body trickled a byte
 * at a time cannot keep it alive), finishing and signals are bounded, and durations past what a Node.js
 * timer holds are refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../protocol/report.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { expectInvariant, startTarget, type Target } from '../helpers/targets.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCli();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Answers 200 at once, then one byte every 200 ms, never ending the body. */
async function trickler(): Promise<Target> {
  const t = await startTarget((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('x'), 200);
    res.on('close', () => clearInterval(timer));
  });
  cleanups.push(() => t.close());
  return t;
}

function reportFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-deadline-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'report.json');
}

/** The exit code, or 'still running' if the process has not exited within `ms`. */
function exitWithin(cli: CliProcess, ms: number): Promise<number | string> {
  return Promise.race([cli.exited, new Promise<string>((r) => setTimeout(() => r('still running'), ms))]);
}

describe('a target that trickles its body', () => {
  it('--timeout is the whole request: the run ends in bounded time, those requests counted as timeouts', async () => {
    const t = await trickler();
    const file = reportFile();
    const started = performance.now();
    const cli = spawnCli(
      ['load', t.url, '--duration', '2s', '--timeout', '1s', '--rate', '10', '-c', '2', '-q'].concat([
        '--json',
        file,
      ]),
    );
    expect(await exitWithin(cli, 15_000)).toBe(0);
    // 2 s of run, then at most one timeout (1 s) and a sweep for the requests still in flight.
    expect(performance.now() - started).toBeLessThan(12_000);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expectInvariant(report);
    expect(report.sent).toBeGreaterThanOrEqual(2);
    expect(report.sent).toBe(t.arrivals.length);
    expect(report.timeouts).toBe(report.sent);
    expect(report.firstErrors?.timeout).toMatch(/within the 1000 ms timeout/);
  });

  it('SIGTERM while the run waits for them ends it with the report printed and written, exit code per thresholds', async () => {
    const t = await trickler();
    const file = reportFile();
    const cli = spawnCli(
      ['load', t.url, '--duration', '1s', '--timeout', '60s', '--rate', '10', '-c', '2'].concat([
        '--max-errors',
        '0',
        '--json',
        file,
      ]),
    );
    // The first live line comes as --duration runs out: the run is then waiting for the trickled bodies.
    await cli.waitFor(/^\s+1\.\ds\s/m);
    await new Promise((r) => setTimeout(r, 500));
    cli.kill('SIGTERM');
    const signalled = performance.now();
    expect(await exitWithin(cli, 15_000)).toBe(1);
    // STOP_GRACE_MS (2 s) and then the requests still in flight are cut off.
    expect(performance.now() - signalled).toBeLessThan(8_000);
    expect(cli.stdout()).toMatch(/Result\s+FAIL/);
    expect(cli.stderr()).toMatch(/threshold broken: max-errors/);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expectInvariant(report);
    expect(report.sent).toBeGreaterThanOrEqual(2);
    expect(report.dropped).toBe(report.sent);
    expect(report.firstErrors?.dropped).toMatch(/cut off in flight/);
  });
});

describe('durations past what a Node.js timer holds (2^31-1 ms)', () => {
  it.each([
    [['--duration', '600h', '--requests', '3'], /--duration: "600h" is too long: at most 596h/],
    [['--timeout', '600h', '--requests', '3'], /--timeout: "600h" is too long/],
    [['--interval', '25000h', '--requests', '3'], /--interval: "25000h" is too long/],
    [['--recycle', '100,600h', '--requests', '3'], /--recycle: "600h" is too long/],
  ])('load %j: exit 2 with a clear message, not a run that ends at once', async (args, message) => {
    const t = await startTarget((_req, res) => res.end('ok'));
    cleanups.push(() => t.close());
    const cli = spawnCli(['load', t.url, '-q', ...args]);
    expect(await exitWithin(cli, 15_000)).toBe(2);
    expect(cli.stderr()).toMatch(message);
    expect(t.arrivals).toHaveLength(0);
  });

  it.each([['--rollout-after'], ['--step-pause'], ['--scale-down-delay'], ['--propagation-delay']])(
    'demo %s 600h: exit 2',
    async (flag) => {
      const cli = spawnCli(['demo', flag, '600h', '--ui', '0']);
      expect(await exitWithin(cli, 15_000)).toBe(2);
      expect(cli.stderr()).toMatch(new RegExp(`${flag}: "600h" is too long`));
    },
  );
});
