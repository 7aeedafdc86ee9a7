/**
 * A script floods the demo with rollouts: one rollout at a time, each superseding the last, and never more
 * app processes than the strategy allows (replicas + maxSurge for a rolling update), however many arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { EventMessage } from '../../protocol/events.js';
import type { ControlResultMessage, ServerMessage } from '../../protocol/stream.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { leftovers, parseDemoOutput } from '../helpers/demo.js';

let cli: CliProcess | null = null;
afterEach(async () => {
  await killAllCli();
  if (cli) expect(await leftovers(parseDemoOutput(cli.stdout()))).toEqual({ processes: [], ports: [] });
  cli = null;
});

/** The most pods alive at once: added and not yet gone (terminating pods are still processes). */
function mostAlive(events: readonly EventMessage[]): number {
  let alive = 0;
  let most = 0;
  for (const e of events) {
    if (e.kind === 'pod-added') alive++;
    if (e.kind === 'pod-gone' || e.kind === 'pod-crashed') alive--;
    most = Math.max(most, alive);
  }
  return most;
}

describe('bluegreen demo under a flood of rollouts', () => {
  it('40 rollout frames at once: the excess is refused, and at most replicas + maxSurge pods run', async () => {
    // The manifest's 4 replicas, maxSurge 1 and maxUnavailable 0. The blue pods are available before the
    // flood, and no new pod turns ready within the test (start delay), so no blue pod is replaced: every pod
    // started here is a surge pod, and the superseded ones must be gone before the next starts.
    cli = spawnCli([
      'demo',
      '--ui',
      '0',
      '--port',
      '0',
      '--allow-control',
      '--rate',
      '20',
      '--start-delay-seconds',
      '7',
      '--min-ready-seconds',
      '1',
    ]);
    const [, url] = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
    await cli.waitFor(/start a rollout there/, 60_000);
    await sleep(1000);

    const ws = new WebSocket(new URL('api/stream', url).href.replace(/^http/, 'ws'));
    const messages: ServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
    await once(ws, 'open');
    for (let i = 0; i < 40; i++) {
      const color = i % 2 === 0 ? 'green' : 'purple';
      ws.send(JSON.stringify({ type: 'control', action: 'rollout', strategy: 'rolling', color }));
    }
    // Long enough for superseded pods to be gone and their replacements to start, not to turn ready.
    await sleep(5000);
    ws.terminate();

    const results = messages.filter((m): m is ControlResultMessage => m.type === 'control-result');
    expect(results).toHaveLength(40);
    expect(results.filter((r) => r.reason === 'rate-limit').length).toBeGreaterThan(0);
    const events = messages.flatMap((m) =>
      m.type === 'hello' ? m.history.events : m.type === 'event' ? [m] : [],
    );
    const shown = events.map((e) => `${e.kind} ${e.pod ?? ''} ${e.message ?? ''}`).join('\n');
    expect(events.filter((e) => e.kind === 'pod-added').length, shown).toBeGreaterThan(5);
    expect(
      events.filter((e) => e.kind === 'pod-terminating' && e.color === 'blue'),
      shown,
    ).toEqual([]);
    expect(mostAlive(events), shown).toBeLessThanOrEqual(5);

    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  }, 120_000);
});
