/**
 * `bluegreen demo --via gateway` end to end: real app processes behind the local Gateway, the real
 * loadtester, a scripted canary that moves HTTPRoute weights (90/10, 50/50, 0/100) and a blue-green that
 * cuts over at once, both losing nothing.
 */
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import type { Report } from '../../protocol/report.js';
import type { ServerMessage } from '../../protocol/stream.js';
import { invariantHolds, leftovers, listen, parseDemoOutput, ticksOf } from '../helpers/demo.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-gateway-demo-'));
const started: CliProcess[] = [];
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await killAllCli();
  const output = parseDemoOutput(started.map((c) => c.stdout()).join('\n'));
  started.length = 0;
  expect(await leftovers(output)).toEqual({ processes: [], ports: [] });
});

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
  report: Report;
  messages: ServerMessage[];
}

async function gatewayDemo(strategy: string, name: string): Promise<Run> {
  const json = join(dir, `${name}.json`);
  const cli = spawnCli([
    'demo',
    '--via',
    'gateway',
    '--strategy',
    strategy,
    '--headless',
    '--max-errors',
    '0',
    '--ui',
    '0',
    '--json',
    json,
    '--port',
    '0',
    '--start-delay-seconds',
    '2',
    '--min-ready-seconds',
    '1',
    '--rollout-after',
    '3s',
    '--step-pause',
    '4s',
    '--scale-down-delay',
    '3s',
    '--duration',
    '40s',
    // Light and with room to spare: on a busy machine a slow pod must not leave the loadtester without a
    // free connection (a request it cannot send counts as failed too).
    '--rate',
    '50',
    '--connections',
    '25',
  ]);
  started.push(cli);
  const dashboard = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
  const stream = listen(dashboard[1]!);
  const timer = setTimeout(() => cli.kill('SIGKILL'), 120_000);
  const code = await cli.exited;
  clearTimeout(timer);
  stream.close();
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  return { code, stdout: cli.stdout(), stderr: cli.stderr(), report, messages: stream.messages };
}

/** Every run loses nothing and ends all green; returns the weights the page was told, in order. */
function expectNothingLost(run: Run): string[] {
  const { report } = run;
  expect(
    run.code,
    run.stderr +
      run.stdout
        .split('\n')
        .filter((l) => !/req\/s/.test(l))
        .join('\n'),
  ).toBe(0);
  expect(run.stdout).toContain('Gateway (L7: a colour per request by HTTPRoute weight');
  expect(report.failed).toBe(0);
  expect(report.sent).toBe(report.responses['2xx']);
  expect(report.sent).toBeGreaterThan(1000);
  expect(report.switchOver).toMatchObject({ from: 'blue', to: 'green' });
  expect(Object.keys(report.byColor).sort()).toEqual(['blue', 'green']);
  for (const tick of ticksOf(run.messages)) expect(invariantHolds(tick)).toBe(true);
  const hello = run.messages.find((m) => m.type === 'hello');
  expect(hello?.type === 'hello' && hello.settings.frontDoor).toBe('gateway');
  // Settings are sent for other changes too (the run starting): each distinct step once.
  const weights = [hello, ...run.messages]
    .flatMap((m) => (m?.type === 'settings' || m?.type === 'hello' ? [m.settings.weights] : []))
    .map((w) => JSON.stringify(w));
  return weights.filter((w, i) => i === 0 || w !== weights[i - 1]);
}

it('plays a weighted canary and a weighted blue-green headless with --max-errors 0, losing nothing', async () => {
  // One after the other: two demos at once are 16 app processes on a small machine.
  const canary = await gatewayDemo('canary', 'canary');
  const blueGreen = await gatewayDemo('blue-green', 'blue-green');

  // The page is told each change of the weights: the canary's steps…
  expect(expectNothingLost(canary)).toEqual([
    JSON.stringify({ blue: 100 }),
    JSON.stringify({ blue: 100, green: 0 }),
    JSON.stringify({ blue: 90, green: 10 }),
    JSON.stringify({ blue: 50, green: 50 }),
    JSON.stringify({ blue: 0, green: 100 }),
    JSON.stringify({ green: 100 }),
  ]);
  expect(canary.stdout).toMatch(/rollout-step\s+green\s+weights blue 90 \/ green 10/);
  expect(canary.stdout).toMatch(/rollout-finished\s+green\s+canary rollout to green \(v2\): complete/);
  // …and blue-green's cutover in one step.
  expect(expectNothingLost(blueGreen)).toEqual([
    JSON.stringify({ blue: 100 }),
    JSON.stringify({ blue: 100, green: 0 }),
    JSON.stringify({ blue: 0, green: 100 }),
    JSON.stringify({ green: 100 }),
  ]);
  expect(blueGreen.stdout).toMatch(/rollout-finished\s+green\s+blue-green rollout to green \(v2\): complete/);
  console.log(
    'gateway rollouts:',
    JSON.stringify({
      canary: { sent: canary.report.sent, byColor: canary.report.byColor },
      blueGreen: { sent: blueGreen.report.sent, byColor: blueGreen.report.byColor },
    }),
  );
}, 300_000);
