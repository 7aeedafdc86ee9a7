/**
 * The three disruptions the demo can play, explained: real app processes, the demo's real proxies and the
 * real loadtester; the report's `incidents` must name the cause each case was built to show.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-incidents-'));
const FAST = ['--start-delay-seconds', '2', '--min-ready-seconds', '1', '--port', '0'];
const COMMON = ['--headless', '--rollout-after', '3s', '--duration', '25s', '--rate', '100', ...FAST];

let runs = 0;
async function demo(args: string[]): Promise<{ report: Report; stdout: string; stderr: string }> {
  const json = join(dir, `report-${++runs}.json`);
  const cli = spawnCli(['demo', '--json', json, ...COMMON, ...args]);
  const timer = setTimeout(() => cli.kill('SIGKILL'), 90_000);
  await cli.exited;
  clearTimeout(timer);
  return {
    report: JSON.parse(readFileSync(json, 'utf8')) as Report,
    stdout: cli.stdout(),
    stderr: cli.stderr(),
  };
}

afterEach(() => killAllCli());

describe('demo incidents', () => {
  it('explains no drain, a Recreate, and a bad new version', async () => {
    const [noDrain, recreate, bad] = await Promise.all([
      // Through the Ingress (per request), a pod gone but still in its endpoints costs a 502 per request, not
      // just the few connections the Service had open to it.
      demo(['--via', 'ingress', '--drain-seconds', '0']),
      demo(['--strategy', 'recreate']),
      demo(['--rollout-env', 'ERROR_RATE=0.2']),
    ]);
    const causes = (r: Report): string[] => (r.incidents ?? []).map((i) => i.cause);
    const shown = (r: { report: Report; stdout: string }): string =>
      JSON.stringify(r.report.incidents, null, 1) + r.stdout.slice(-3000);

    expect(noDrain.report.failed, shown(noDrain)).toBeGreaterThan(0);
    expect(causes(noDrain.report).length, shown(noDrain)).toBeGreaterThan(0);
    expect(new Set(causes(noDrain.report)), shown(noDrain)).toEqual(new Set(['missing-drain']));
    const drain = noDrain.report.incidents![0]!;
    expect(drain.evidence.join('\n')).toMatch(
      /app-\S+ got SIGTERM at \+\d+\.\ds while still in the Service's endpoints/,
    );
    expect(noDrain.stdout).toMatch(/cause: missing-drain/);

    expect(causes(recreate.report), shown(recreate)).toContain('no-ready-endpoints');
    expect(causes(recreate.report)[0], shown(recreate)).toBe('no-ready-endpoints');
    const gap = recreate.report.incidents![0]!;
    expect(gap.evidence[0]).toMatch(/^no ready endpoint from \+\d+\.\ds until \+\d+\.\ds/);

    expect(causes(bad.report), shown(bad)).toEqual(['bad-new-version']);
    const version = bad.report.incidents![0]!;
    expect(version.counts['5xx']).toBeGreaterThan(0);
    expect(version.evidence[0]).toMatch(/^green: \d+ of \d+ failed \((1\d|2\d)\.\d%\)/);
    expect(version.evidence[1]).toMatch(/^blue: 0 of \d+ failed \(0\.0%\)/);
  }, 150_000);
});
