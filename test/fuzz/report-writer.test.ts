/**
 * Fuzz: the report writer. A real `bluegreen load` with --json, --html and --timeline over a previous run's
 * files, in seeded cases: a Ctrl-C at a random moment of the run and a second one 0–30 ms after it (a
 * third now and then); or every file it writes limited to a random size (`ulimit -f`, a full disk at that
 * size), with or without the Ctrl-Cs. After each, every file is whole: the previous run's bytes or a whole
 * new report (JSON that parses, a page that ends, CSV rows that all have their columns), never empty or
 * partial; no temporary file is left; the exit code is 0, 1 never (the run has no thresholds), 3 only when a
 * file was lost, 130 only after a second Ctrl-C; and no failure ends in a stack trace.
 * A fixed number of cases, a few at a time. The seed is printed; FUZZ_SEED=<seed> replays a run.
 */
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import { CSV_HEADER, TIMELINE_COLUMNS } from '../../loadtester/outputs/timeline-rows.js';
import { killAllCli, spawnCli, spawnCliWithFileLimit, type CliProcess } from '../helpers/cli.js';
import { app, startTarget, type Target } from '../helpers/targets.js';
import { fuzzSeed, makeRng, type Rng } from './generate.js';

const CASES = 60;
const AT_ONCE = 3;
const SECOND_SIGNAL_MAX_MS = 30;

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-fuzz-report-'));
const names = { json: 'run.json', html: 'run.html', csv: 'run.csv' } as const;
type Kind = keyof typeof names;
const previous: Record<Kind, string> = { json: '', html: '', csv: '' };
let target: Target;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const fileArgs = (at: string): string[] => [
  '--json',
  join(at, names.json),
  '--html',
  join(at, names.html),
  '--timeline',
  join(at, names.csv),
];

beforeAll(async () => {
  target = await startTarget(app('blue', 'blue-1'));
  const base = join(dir, 'base');
  mkdirSync(base);
  const first = spawnCli(['load', target.url, '-n', '40', '--rate', '100', '--quiet', ...fileArgs(base)]);
  expect(await first.exited).toBe(0);
  for (const kind of Object.keys(names) as Kind[])
    previous[kind] = readFileSync(join(base, names[kind]), 'utf8');
}, 60_000);
afterAll(async () => {
  await killAllCli();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Why this file is neither the previous one nor a whole new one; null when it is one of them. */
function wholeProblem(kind: Kind, text: string): string | null {
  if (text === previous[kind]) return null;
  if (text === '') return 'empty';
  if (kind === 'json') {
    try {
      const report = JSON.parse(text) as Report;
      return typeof report.sent === 'number' && report.timeline ? null : 'not a whole report';
    } catch {
      return `not JSON (${text.length} bytes)`;
    }
  }
  if (kind === 'html') {
    return text.startsWith('<!doctype html>') && /<\/html>\s*$/.test(text)
      ? null
      : `a partial page (${text.length} bytes)`;
  }
  if (!text.startsWith(CSV_HEADER) || !text.endsWith('\r\n'))
    return `a partial timeline (${text.length} bytes)`;
  const short = text
    .slice(CSV_HEADER.length)
    .split('\r\n')
    .slice(0, -1)
    .find((line) => line.split(',').length !== TIMELINE_COLUMNS.length);
  return short === undefined ? null : `a partial row: ${short}`;
}

interface Case {
  limitKib: number | null;
  /** Ms after the first live line until the first Ctrl-C, and then until the second (and a third); none: the run ends by itself. */
  signals: number[];
}

function makeCase(rng: Rng): Case {
  const full = rng.chance(0.35);
  const signalled = !full || rng.chance(0.5);
  const signals = signalled
    ? [rng.int(400), rng.int(SECOND_SIGNAL_MAX_MS + 1), ...(rng.chance(0.2) ? [rng.int(20)] : [])]
    : [];
  // From a few KiB (nothing new fits) to a size where the JSON fits and the page may not.
  return { limitKib: full ? rng.pick([1, 2, 4, 16, 64, 256, 1024]) : null, signals };
}

async function runCase(index: number, c: Case): Promise<string[]> {
  const at = join(dir, `case-${index}`);
  mkdirSync(at);
  for (const kind of Object.keys(names) as Kind[])
    copyFileSync(join(dir, 'base', names[kind]), join(at, names[kind]));
  const run = c.signals.length > 0 ? ['--duration', '20s'] : ['-n', '150'];
  const args = ['load', target.url, '--rate', '150', '--interval', '100ms', ...run, ...fileArgs(at)];
  const cli: CliProcess = c.limitKib === null ? spawnCli(args) : spawnCliWithFileLimit(c.limitKib, args);
  if (c.signals.length > 0) {
    await cli.waitFor(/req\/s/, 30_000);
    for (const ms of c.signals) {
      await sleep(ms);
      cli.kill('SIGINT');
    }
  }
  const code = await cli.exited;
  const problems: string[] = [];
  const said = `case ${index} ${JSON.stringify(c)} exited ${code}`;
  const lost = cli
    .stderr()
    .split('\n')
    .filter((l) => / failed: /.test(l)).length;
  if (code === 130 && c.signals.length < 2) problems.push(`${said}: 130 without a second Ctrl-C`);
  if (code === 3 && lost === 0) problems.push(`${said}: 3, but no file was said lost`);
  if (code === 0 && lost > 0) problems.push(`${said}: 0, but ${lost} file(s) were said lost`);
  if (![0, 3, 130].includes(code as number)) problems.push(`${said}: unexpected exit code\n${cli.stderr()}`);
  if (/\n\s+at /.test(cli.stderr())) problems.push(`${said}: a stack trace\n${cli.stderr()}`);
  for (const kind of Object.keys(names) as Kind[]) {
    const problem = wholeProblem(kind, readFileSync(join(at, names[kind]), 'utf8'));
    if (problem) problems.push(`${said}: ${names[kind]} is ${problem}`);
  }
  const leftovers = readdirSync(at).filter((name) => name.endsWith('.tmp'));
  if (leftovers.length > 0) problems.push(`${said}: left ${leftovers.join(', ')}`);
  rmSync(at, { recursive: true, force: true });
  return problems;
}

it(
  `leaves every report file whole through ${CASES} runs of full disks and Ctrl-Cs at every moment`,
  { timeout: 240_000 },
  async () => {
    const seed = fuzzSeed();
    console.log(`report writer fuzz seed ${seed} (FUZZ_SEED=${seed} replays it)`);
    const rng = makeRng(seed);
    const cases = Array.from({ length: CASES }, () => makeCase(rng));
    const problems: string[] = [];
    let next = 0;
    let ran = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const index = next++;
        problems.push(...(await runCase(index, cases[index]!)));
        ran++;
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    console.log(`report writer fuzz: ${ran} cases`);
    expect(problems).toEqual([]);
    expect(ran).toBe(CASES);
  },
);
