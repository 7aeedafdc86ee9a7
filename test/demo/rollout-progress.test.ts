/**
 * The demo's rollout events carry the rollout's progress (what `kubectl rollout status` reads): a
 * rollout-progress event whenever new ready, old remaining or ready endpoints change, and the same counts
 * on rollout-started and rollout-finished, all under one id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, RolloutProgress } from '../../protocol/events.js';
import { killAllCli, spawnCli, type CliProcess } from '../helpers/cli.js';
import { leftovers, listen, parseDemoOutput } from '../helpers/demo.js';

let cli: CliProcess | null = null;
afterEach(async () => {
  await killAllCli();
  if (cli) expect(await leftovers(parseDemoOutput(cli.stdout()))).toEqual({ processes: [], ports: [] });
  cli = null;
});

type Progressed = EventMessage & { rollout: RolloutProgress };

describe('demo rollout progress on the stream', () => {
  it(
    'recreate: from all old and no new, through no endpoints, to all new',
    { timeout: 120_000 },
    async () => {
      cli = spawnCli([
        'demo',
        '--headless',
        '--ui',
        '0',
        '--strategy',
        'recreate',
        '--replicas',
        '2',
        '--rate',
        '20',
        '--start-delay-seconds',
        '1',
        '--min-ready-seconds',
        '1',
        '--drain-seconds',
        '1',
        '--rollout-after',
        '2s',
        '--duration',
        '25s',
      ]);
      const [, url] = await cli.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
      const stream = listen(url!);
      await cli.waitFor(/rollout-finished/, 90_000);
      cli.kill('SIGINT');
      await cli.exited;
      stream.close();

      const events = stream.messages.flatMap((m) =>
        m.type === 'hello' ? m.history.events : m.type === 'event' ? [m] : [],
      );
      const rollout = events.filter((e): e is Progressed => e.kind.startsWith('rollout-') && !!e.rollout);
      const kinds = rollout.map((e) => e.kind);
      expect(kinds[0]).toBe('rollout-started');
      expect(kinds.at(-1)).toBe('rollout-finished');
      expect(kinds.filter((k) => k === 'rollout-progress').length).toBeGreaterThan(2);
      const counts = rollout.map((e) => e.rollout);
      expect(new Set(counts.map((p) => p.id))).toEqual(new Set([1]));
      for (const p of counts) {
        expect(p).toMatchObject({ strategy: 'recreate', color: 'green', version: 'v2', desired: 2 });
      }
      expect(counts[0]).toMatchObject({ newReady: 0, oldRemaining: 2, endpoints: 2 });
      // Recreate: the old pods leave the endpoints before any new one is ready.
      expect(counts.some((p) => p.endpoints === 0 && p.newReady === 0)).toBe(true);
      expect(counts.at(-1)).toMatchObject({ newReady: 2, oldRemaining: 0, endpoints: 2, result: 'complete' });
      // Only changes are sent.
      const progress = rollout.filter((e) => e.kind === 'rollout-progress').map((e) => e.rollout);
      for (let i = 1; i < progress.length; i++) {
        const [a, b] = [progress[i - 1]!, progress[i]!];
        expect([a.newReady, a.oldRemaining, a.endpoints]).not.toEqual([
          b.newReady,
          b.oldRemaining,
          b.endpoints,
        ]);
      }
      // The terminal reads like `kubectl rollout status`.
      expect(cli.stdout()).toMatch(/rollout-progress\s+green\s+new 1\/2 ready, old 0 left, endpoints 1/);
    },
  );
});
