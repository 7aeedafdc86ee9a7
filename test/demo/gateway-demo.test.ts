/**
 * `bluegreen demo --via gateway` end to end: real app processes behind the local Gateway, the real
 * loadtester, a scripted canary that moves HTTPRoute weights (90/10, 50/50, 0/100) and loses nothing.
 */
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import type { Report, SettingsMessage } from '../../protocol/stream.js';
import { invariantHolds, leftovers, listen, parseDemoOutput, ticksOf } from './demo-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-gateway-demo-'));
const started: CliProcess[] = [];
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await killAllCli();
  const output = parseDemoOutput(started.map((c) => c.stdout()).join('\n'));
  started.length = 0;
  expect(await leftovers(output)).toEqual({ processes: [], ports: [] });
});

it('plays a weighted canary headless with --max-errors 0 and loses nothing', async () => {
  const json = join(dir, 'report.json');
  const cli = spawnCli([
    'demo',
    '--via',
    'gateway',
    '--strategy',
    'canary',
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
    '--rate',
    '100',
  ]);
  started.push(cli);
  const dashboard = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
  const stream = listen(dashboard[1]!);
  const timer = setTimeout(() => cli.kill('SIGKILL'), 120_000);
  const code = await cli.exited;
  clearTimeout(timer);
  stream.close();
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;

  expect(code, cli.stderr()).toBe(0);
  expect(cli.stdout()).toContain('Gateway (L7: a colour per request by HTTPRoute weight');
  expect(report.failed).toBe(0);
  expect(report.sent).toBe(report.responses['2xx']);
  expect(report.sent).toBeGreaterThan(1000);
  expect(Object.keys(report.byColor).sort()).toEqual(['blue', 'green']);
  for (const tick of ticksOf(stream.messages)) expect(invariantHolds(tick)).toBe(true);

  // The page is told the front door and each change of the weights.
  const hello = stream.messages.find((m) => m.type === 'hello');
  expect(hello?.type === 'hello' && hello.settings.frontDoor).toBe('gateway');
  const weights = stream.messages
    .filter((m): m is SettingsMessage => m.type === 'settings' && m.settings.weights !== undefined)
    .map((m) => JSON.stringify(m.settings.weights));
  expect(weights).toEqual(
    expect.arrayContaining([
      JSON.stringify({ blue: 100, green: 0 }),
      JSON.stringify({ blue: 90, green: 10 }),
      JSON.stringify({ blue: 50, green: 50 }),
      JSON.stringify({ blue: 0, green: 100 }),
      JSON.stringify({ green: 100 }),
    ]),
  );
  expect(cli.stdout()).toMatch(/rollout-step\s+green\s+weights blue 90 \/ green 10/);
  expect(cli.stdout()).toMatch(/rollout-finished\s+green\s+canary rollout to green \(v2\): complete/);
  console.log('gateway canary:', JSON.stringify({ sent: report.sent, byColor: report.byColor }));
}, 180_000);
