/**
 * The outputs' fan-out, with outputs that really fail: a file on a full disk (Linux's /dev/full answers every
 * write with ENOSPC) behind the name the run was given. The failing output is said once and dropped; the run,
 * the other outputs and the report go on.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { closeSessions, connect, openSession } from './sessions.js';
import { app, startTarget, type Target } from '../helpers/targets.js';

let dir = '';
const targets: Target[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bluegreen-fan-out-'));
});
afterEach(async () => {
  await killAllCli();
  await closeSessions();
  for (const t of targets.splice(0)) await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function blueTarget(): Promise<Target> {
  const t = await startTarget(app('blue', 'blue-1'));
  targets.push(t);
  return t;
}

/** A file of this name in the test's folder whose every write fails with ENOSPC. */
function onFullDisk(name: string): string {
  const file = join(dir, name);
  symlinkSync('/dev/full', file);
  return file;
}

function collect(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const linesNaming = (text: string, what: string): string[] =>
  text.split('\n').filter((line) => line.includes(what));

describe.runIf(existsSync('/dev/full'))('an output that fails', () => {
  it(
    'a --timeline file that cannot be written: said once, then the run, the stream, the terminal and --json go on',
    { timeout: 30_000 },
    async () => {
      const t = await blueTarget();
      const timeline = onFullDisk('timeline.csv');
      const json = join(dir, 'report.json');
      const options = resolveLoadOptions(t.url, {
        rate: '50',
        duration: '2s',
        interval: '250ms',
        timeline,
        json,
      });
      const err = collect();
      const { session, streamUrl, output } = await openSession(options, { err: err.stream });
      const client = await connect(streamUrl);
      await client.next('hello');
      session.start();
      // The run passed, but a file it is kept in was lost: 3.
      expect(await session.finish()).toBe(3);
      await client.next('summary');

      // The first tick's rows failed to be written; the file got nothing more, and said so once.
      const said = linesNaming(err.text(), 'timeline.csv');
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^bluegreen: --timeline ".*timeline\.csv" failed: ENOSPC/);
      expect(err.text()).toBe(said[0] + '\n');

      // Every tick still reached the stream and the terminal, and the report reached the terminal and --json.
      const ticks = client.messages.filter((m): m is TickMessage => m.type === 'tick');
      expect(ticks.length).toBeGreaterThanOrEqual(6);
      expect(ticks.map((tick) => tick.seq)).toEqual(ticks.map((_, i) => i));
      const liveLines = output()
        .split('\n')
        .filter((line) => / req\/s/.test(line));
      expect(liveLines.length).toBe(ticks.filter((tick) => tick.intervalMs >= 125).length);
      expect(output()).toMatch(/Result {5}pass/);
      const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
      expect(report.sent).toBe(ticks.at(-1)!.total.sent);
      expect(report.sent).toBeGreaterThan(50);
      expect(report.timeline!.ticks.map((tick) => tick.seq)).toEqual(ticks.map((tick) => tick.seq));
      expect(session.lastReport!.sent).toBe(report.sent);
    },
  );

  it(
    'bluegreen load with --json on a full disk: the report on the terminal, the timeline file whole, exit 3 when it passed, 1 when a threshold broke',
    { timeout: 30_000 },
    async () => {
      const t = await blueTarget();
      const json = onFullDisk('report.json');
      const csv = join(dir, 'timeline.csv');
      const args = ['load', t.url, '-n', '40', '--rate', '50', '--json', json, '--timeline', csv];
      const passing = spawnCli([...args, '--max-errors', '0']);
      expect(await passing.exited).toBe(3);
      expect(passing.stdout()).toMatch(/Result {5}pass/);
      expect(passing.stdout()).toMatch(/Requests .*\b40 sent/);
      const said = linesNaming(passing.stderr(), 'report.json');
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^bluegreen: --json ".*report\.json" failed: ENOSPC/);
      const rows = readFileSync(csv, 'utf8').trimEnd().split('\r\n').slice(1);
      const requests = rows.map((row) => Number(row.split(',')[5])).reduce((a, b) => a + b, 0);
      expect(requests).toBe(40);

      // A broken threshold still fails the run, and the lost file is still said, once.
      const failing = spawnCli([...args, '--max-p99', '0.001']);
      expect(await failing.exited).toBe(1);
      expect(failing.stdout()).toMatch(/Result {5}FAIL/);
      expect(linesNaming(failing.stderr(), 'report.json')).toHaveLength(1);
      expect(failing.stderr()).toMatch(/threshold broken: max-p99/);
    },
  );
});
