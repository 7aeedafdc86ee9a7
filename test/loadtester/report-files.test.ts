/**
 * Report files are replaced whole or not at all: a real `bluegreen load` whose files cannot be written (every
 * file it writes limited in size with `ulimit -f`, which fails a write past it with EFBIG as a full disk
 * does; or a --json on /dev/full) keeps the previous --json, --html and --timeline files byte for byte,
 * leaves no temporary file, says each failure once without a stack trace, and exits 3 when the run passed
 * (1 when it broke a threshold too). A second Ctrl-C right after the first leaves whole files too.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import { killAllCli, spawnCli, spawnCliWithFileLimit } from '../helpers/cli.js';
import { app, startTarget, type Target } from '../helpers/targets.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-report-files-'));
let target: Target;
const previous = { json: '', html: '', csv: '' };
const files = { json: join(dir, 'run.json'), html: join(dir, 'run.html'), csv: join(dir, 'run.csv') };
const fileArgs = ['--json', files.json, '--html', files.html, '--timeline', files.csv];

beforeAll(async () => {
  target = await startTarget(app('blue', 'blue-1'));
  const first = spawnCli(['load', target.url, '-n', '30', '--rate', '100', '--quiet', ...fileArgs]);
  expect(await first.exited).toBe(0);
  previous.json = readFileSync(files.json, 'utf8');
  previous.html = readFileSync(files.html, 'utf8');
  previous.csv = readFileSync(files.csv, 'utf8');
}, 60_000);
afterAll(async () => {
  await killAllCli();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

const failedLines = (stderr: string): string[] => stderr.split('\n').filter((l) => / failed: /.test(l));
const leftovers = (): string[] =>
  readdirSync(dir).filter((name) => name.startsWith('.') || name.endsWith('.tmp'));

function expectPrevious(): void {
  expect(readFileSync(files.json, 'utf8')).toBe(previous.json);
  expect(readFileSync(files.html, 'utf8')).toBe(previous.html);
  expect(readFileSync(files.csv, 'utf8')).toBe(previous.csv);
  expect(leftovers()).toEqual([]);
}

describe('report files that cannot be written', () => {
  it(
    'on a full disk the previous files stay whole, each failure is said once, and a passing run exits 3',
    { timeout: 60_000 },
    async () => {
      // 2 KiB: each new file is larger (the CSV header alone is not), the previous ones are left alone.
      expect(previous.json.length).toBeGreaterThan(2048);
      const args = ['load', target.url, '-n', '600', '--rate', '200', '--interval', '100ms', '--quiet'];
      const passing = spawnCliWithFileLimit(2, [...args, ...fileArgs, '--max-errors', '0']);
      expect(await passing.exited).toBe(3);
      const said = failedLines(passing.stderr());
      expect(said).toHaveLength(3);
      for (const flag of ['--json', '--html', '--timeline'])
        expect(said.filter((l) => l.startsWith(`bluegreen: ${flag} "`) && /EFBIG/.test(l))).toHaveLength(1);
      expect(passing.stderr()).not.toMatch(/\n\s+at /);
      expectPrevious();
      // What the run wrote of its rows before the disk was full is kept beside the previous timeline.
      expect(existsSync(`${files.csv}.partial`)).toBe(true);
      rmSync(`${files.csv}.partial`);

      // A broken threshold is the more important news: exit 1, the lost files still said.
      const failing = spawnCliWithFileLimit(2, [...args, ...fileArgs, '--max-p99', '0.001']);
      expect(await failing.exited).toBe(1);
      expect(failedLines(failing.stderr())).toHaveLength(3);
      expect(failing.stderr()).toMatch(/threshold broken: max-p99/);
      rmSync(`${files.csv}.partial`, { force: true });
      expectPrevious();
    },
  );

  it.runIf(existsSync('/dev/full'))(
    'a --json that fails does not keep the --html from being written; the run exits 3',
    { timeout: 60_000 },
    async () => {
      const full = join(dir, 'full.json');
      symlinkSync('/dev/full', full);
      const html = join(dir, 'fresh.html');
      const cli = spawnCli([
        'load',
        target.url,
        '-n',
        '30',
        '--rate',
        '100',
        '--quiet',
        '--json',
        full,
        '--html',
        html,
      ]);
      expect(await cli.exited).toBe(3);
      expect(failedLines(cli.stderr())).toEqual([
        expect.stringMatching(/^bluegreen: --json ".*full\.json" failed: ENOSPC/),
      ]);
      expect(readFileSync(html, 'utf8')).toMatch(/<\/html>\s*$/);
      rmSync(full);
      rmSync(html);
    },
  );
});

describe('a second Ctrl-C', () => {
  it(
    'right after the first, at any moment, leaves each file whole: the previous one or the new one',
    { timeout: 120_000 },
    async () => {
      for (const delayMs of [0, 1, 3, 6, 10]) {
        const cli = spawnCli([
          'load',
          target.url,
          '--rate',
          '200',
          '--duration',
          '30s',
          '--interval',
          '100ms',
          ...fileArgs,
        ]);
        await cli.waitFor(/req\/s/, 20_000);
        cli.kill('SIGINT');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        cli.kill('SIGINT');
        const code = await cli.exited;
        expect([0, 130]).toContain(code);
        const json = readFileSync(files.json, 'utf8');
        if (json !== previous.json) expect((JSON.parse(json) as Report).sent).toBeGreaterThan(0);
        const html = readFileSync(files.html, 'utf8');
        if (html !== previous.html) expect(html).toMatch(/<\/html>\s*$/);
        const csv = readFileSync(files.csv, 'utf8');
        if (csv !== previous.csv) expect(csv.split('\r\n').length).toBeGreaterThan(2);
        expect(leftovers()).toEqual([]);
        rmSync(`${files.csv}.partial`, { force: true });
      }
    },
  );
});
