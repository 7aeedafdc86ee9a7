/**
 * The demo's end, as a user sees it in the terminal: after the report, the demo kills its own pods, and that
 * is no news (four `pod-gone … exited with signal SIGKILL` lines read like a crash). And `demo --help`
 * promises rollouts from the page only with the flag that allows them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { killAllCli, spawnCli } from '../helpers/cli.js';

afterAll(killAllCli);

describe('the demo in the terminal', () => {
  it(
    'ends with its report: no line about the pods it kills on the way out',
    { timeout: 90_000 },
    async () => {
      const demo = spawnCli(['demo', '--headless', '--duration', '3s', '--ui', '0']);
      expect(await demo.exited).toBe(0);
      const [, afterResult] = demo.stdout().split(/^Result .*$/m);
      expect(afterResult, demo.stdout()).toBeDefined();
      expect(afterResult).not.toMatch(/pod-gone|SIGKILL/);
    },
  );

  it('says in --help that rolling out from the page needs --allow-control', async () => {
    const help = spawnCli(['demo', '--help']);
    expect(await help.exited).toBe(0);
    const pageLines = help
      .stdout()
      .split('\n')
      .filter((l) => /^ *bluegreen demo .*(from|on) the page/.test(l));
    expect(pageLines.length).toBeGreaterThan(0);
    for (const line of pageLines) expect(line).toMatch(/--allow-control|weight slider/);
  });
});
