/**
 * The lab without a cluster: docs/lab.md ("No cluster") plays step 6's rollouts with `bluegreen demo
 * --headless`, gated with `--max-errors 0`, and says what the trainee will see. Each case here is that
 * command (shorter and at a lower rate, with quicker pods) and what the guide promises: the share moves from
 * blue to green every time; nothing is lost in a rolling update with its drain, a selector switch or a canary;
 * a Recreate and an app without drain lose requests, so the gate fails.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../common/package-info.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import type { Report } from '../../protocol/report.js';
import { leftovers, parseDemoOutput } from '../helpers/demo.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-lab-'));
const started: CliProcess[] = [];
afterEach(async () => {
  await killAllCli();
  const output = parseDemoOutput(started.map((c) => c.stdout()).join('\n'));
  started.length = 0;
  expect(await leftovers(output)).toEqual({ processes: [], ports: [] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Quicker pods than deploy/'s, so each rollout fits in a short run; the drain stays deploy/'s unless asked. */
const QUICK = [
  ...['--replicas', '3', '--start-delay-seconds', '1', '--min-ready-seconds', '1'],
  ...['--scale-down-delay', '2s', '--step-pause', '1s', '--rollout-after', '3s'],
  ...['--duration', '25s', '--rate', '40', '--port', '0'],
];

interface Run {
  code: number | string;
  report: Report;
  stderr: string;
}

let runs = 0;
async function demo(args: string[]): Promise<Run> {
  const json = join(dir, `report-${++runs}.json`);
  const cli = spawnCli(['demo', '--headless', '--max-errors', '0', '--json', json, ...QUICK, ...args]);
  started.push(cli);
  const timer = setTimeout(() => cli.kill('SIGKILL'), 90_000);
  const code = await cli.exited;
  clearTimeout(timer);
  return { code, report: JSON.parse(readFileSync(json, 'utf8')) as Report, stderr: cli.stderr() };
}

/** What every rollout shows: blue first, green at the end, the share moved. */
function expectShareMoved({ report }: Run): void {
  expect(report.switchOver).toMatchObject({ from: 'blue', to: 'green' });
  const { blue, green } = report.colors;
  expect(blue!.firstSeenMs).toBeLessThan(green!.firstSeenMs);
  expect(green!.lastSeenMs).toBeGreaterThan(blue!.lastSeenMs);
  expect(green!.share).toBeGreaterThan(0.2);
}

/** The guide's runs, flag for flag: `npm start -- --headless <these> --max-errors 0`. */
const RUNS = {
  rolling: ['--strategy', 'rolling'],
  blueGreen: ['--strategy', 'blue-green'],
  canary: ['--strategy', 'canary', '--via', 'ingress'],
  recreate: ['--strategy', 'recreate'],
  undrained: ['--strategy', 'rolling', '--via', 'ingress', '--drain-seconds', '0'],
};

it.each(['docs/lab.md', 'docs/lab.ko.md'])('%s gives these runs', (guide) => {
  const text = readFileSync(join(packageRoot, guide), 'utf8');
  for (const args of Object.values(RUNS)) {
    expect(text).toContain(`npm start -- --headless ${args.join(' ')} --max-errors 0`);
  }
});

describe('step 6 without a cluster: the guide’s demo runs', () => {
  it('rolling with its drain, selector switch, canary: the share moves and the gate passes', async () => {
    const [rolling, switched, canary] = await Promise.all([
      demo(RUNS.rolling),
      demo(RUNS.blueGreen),
      demo(RUNS.canary),
    ]);
    for (const run of [rolling, switched, canary]) {
      expectShareMoved(run);
      expect(run.report.failed, run.stderr).toBe(0);
      expect(run.report.pass).toBe(true);
      expect(run.code).toBe(0);
    }
  }, 150_000);

  it('recreate and an app without drain: the share moves, requests are lost, the gate fails', async () => {
    const [recreate, undrained] = await Promise.all([demo(RUNS.recreate), demo(RUNS.undrained)]);
    for (const run of [recreate, undrained]) {
      expectShareMoved(run);
      expect(run.report.failed).toBeGreaterThan(0);
      expect(run.report.pass).toBe(false);
      expect(run.code).toBe(1);
    }
  }, 150_000);
});
