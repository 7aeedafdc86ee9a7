/**
 * Keeping a run: a real `bluegreen load` against a real, flaky and slow app (5xx and timeouts), with --json and
 * --timeline; then `bluegreen report` prints the same text report, byte for byte, with the same exit code and
 * threshold lines, and the timeline's sums equal the report's totals.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import { TIMELINE_COLUMNS } from '../../loadtester/outputs/timeline-rows.js';
import { killAllCli, spawnCli, spawnCliWithFileLimit } from '../helpers/cli.js';
import { startApp } from '../helpers/apps.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-report-command-'));
afterAll(async () => {
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

/** Our own CSV has no quoted fields (colours here are plain words). */
function readCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\r\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

describe('bluegreen report', () => {
  it(
    'prints the run’s text report again, byte for byte; the timeline adds up to the report',
    { timeout: 120_000 },
    async () => {
      const app = await startApp('blue', { ERROR_RATE: '0.2', LATENCY_MS: '0-150' });
      const jsonFile = join(dir, 'run.json');
      const csvFile = join(dir, 'run.csv');
      const load = spawnCli([
        'load',
        `${app.url}api/info`,
        '--rate',
        '80',
        '--duration',
        '3s',
        '--timeout',
        '100ms',
        '--max-errors',
        '0',
        '--quiet',
        '--json',
        jsonFile,
        '--timeline',
        csvFile,
      ]);
      expect(await load.exited).toBe(1);
      const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
      expect(report.responses['5xx']).toBeGreaterThan(0);
      expect(report.timeouts).toBeGreaterThan(0);

      const again = spawnCli(['report', jsonFile]);
      expect(await again.exited).toBe(1);
      expect(again.stdout()).toBe(load.stdout());
      expect(again.stderr()).toBe(load.stderr());
      expect(again.stdout()).toContain('Result     FAIL');

      const rows = readCsv(readFileSync(csvFile, 'utf8'));
      expect(Object.keys(rows[0]!)).toEqual(TIMELINE_COLUMNS);
      const sum = (column: string, only?: (r: Record<string, string>) => boolean): number =>
        rows.filter(only ?? (() => true)).reduce((n, r) => n + Number(r[column]), 0);
      expect(sum('requests')).toBe(report.sent);
      expect(sum('failed')).toBe(report.failed);
      expect(sum('timeouts')).toBe(report.timeouts);
      expect(sum('status_5xx')).toBe(report.responses['5xx']);
      expect(sum('refused') + sum('reset') + sum('other')).toBe(
        report.errors.refused + report.errors.reset + report.errors.other,
      );
      expect(sum('dropped')).toBe(report.dropped);
      expect(sum('skipped')).toBe(report.rate.skipped);
      const blue = (r: Record<string, string>): boolean => r.group === 'color' && r.color === 'blue';
      const noResponse = ['refused', 'reset', 'other', 'timeouts', 'dropped'].reduce(
        (n, c) => n + sum(c, blue),
        0,
      );
      expect(sum('requests', blue) - noResponse).toBe(report.byColor.blue);
    },
  );

  it('says what is wrong with a file that is not a report (exit 2)', { timeout: 30_000 }, async () => {
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'hello');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ target: 'x', sent: 'many' }));
    for (const [file, message] of [
      [notJson, /is not JSON/],
      [wrong, /is not a bluegreen report .*missing or wrong startedAt.*sent/],
      [join(dir, 'missing.json'), /cannot read .*ENOENT/],
    ] as const) {
      const cli = spawnCli(['report', file]);
      expect(await cli.exited).toBe(2);
      expect(cli.stderr()).toMatch(message);
    }
    const badTimeline = spawnCli(['load', 'http://127.0.0.1:1/', '--timeline', join(dir, 'x.txt')]);
    expect(await badTimeline.exited).toBe(2);
    expect(badTimeline.stderr()).toMatch(/--timeline: ".*x.txt" must end in .csv or .ndjson/);
    const unwritable = spawnCli([
      'load',
      'http://127.0.0.1:1/',
      '--html',
      join(dir, 'no', 'such', 'dir.html'),
    ]);
    expect(await unwritable.exited).toBe(2);
    expect(unwritable.stderr()).toMatch(/--html: cannot write ".*dir.html" \(ENOENT\)/);
    const aDirectory = spawnCli(['load', 'http://127.0.0.1:1/', '--json', dir]);
    expect(await aDirectory.exited).toBe(2);
    expect(aDirectory.stderr()).toMatch(/--json: cannot write ".*" \(EISDIR\)/);
  });

  it(
    'leaves the previous report in place when a run ends before writing its own',
    { timeout: 30_000 },
    async () => {
      const previous = join(dir, 'previous.json');
      writeFileSync(previous, '{"previous":true}');
      const taken = createServer().listen(0, '127.0.0.1');
      await once(taken, 'listening');
      const port = (taken.address() as AddressInfo).port;
      try {
        // Checked files first, then the dashboard's port, which is taken: bad usage, no run, no report.
        const cli = spawnCli(['load', 'http://127.0.0.1:1/', '--json', previous, '--ui', String(port)]);
        expect(await cli.exited).toBe(2);
        expect(cli.stderr()).toMatch(/--ui/);
        expect(readFileSync(previous, 'utf8')).toBe('{"previous":true}');
      } finally {
        taken.close();
      }
    },
  );

  it(
    '--html that cannot be written whole (a full disk) leaves the previous page as it was',
    { timeout: 60_000 },
    async () => {
      const app = await startApp('blue');
      const run = join(dir, 'atomic.json');
      const load = spawnCli([
        'load',
        `${app.url}api/info`,
        '-n',
        '20',
        '--rate',
        '50',
        '--quiet',
        '--json',
        run,
      ]);
      expect(await load.exited).toBe(0);
      const html = join(dir, 'atomic.html');
      writeFileSync(html, '<!doctype html><title>previous</title></html>\n');
      // Every file the process writes is limited to 4 KiB: the page (hundreds of KiB) cannot be.
      const report = spawnCliWithFileLimit(4, ['report', run, '--html', html]);
      expect(await report.exited).toBe(2);
      expect(report.stderr()).toMatch(/--html: cannot write ".*atomic\.html" \(EFBIG\)/);
      expect(readFileSync(html, 'utf8')).toBe('<!doctype html><title>previous</title></html>\n');
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

      const written = spawnCli(['report', run, '--html', html]);
      expect(await written.exited).toBe(0);
      expect(readFileSync(html, 'utf8')).toMatch(/<\/html>\s*$/);
      expect(readFileSync(html, 'utf8')).not.toContain('<title>previous</title>');
    },
  );
});
