/**
 * The history a late joiner gets: every tick carries the run's totals by colour and pod, but only the
 * latest tick's count, so the earlier ticks are kept without them and the byte budget holds minutes of
 * ticks even when many pods are named. A page that joins late still shows the run's totals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_TICK_BYTES } from '../../loadtester/dashboard/hub.js';
import { resolveLoadOptions } from '../../loadtester/options.js';
import { startUiServer } from '../../loadtester/dashboard/ui-server.js';
import { emptyAttribution, type Attribution } from '../../protocol/outcomes.js';
import type { HelloMessage } from '../../protocol/stream.js';
import { DashboardModel } from '../../web/src/lib/stores/dashboard.js';
import { group, tick } from '../helpers/ticks.js';
import { closeSessions, connect, idleHub } from './sessions.js';

afterEach(closeSessions);

/** The run's totals with `pods` pods, each with `failed` failures. */
function runTotals(pods: number, failed: number): Attribution {
  const totals = emptyAttribution();
  for (let i = 0; i < pods; i++) {
    totals.pods[`app-7c6b5d4f8-${String(i).padStart(5, '0')}`] = {
      ...group(100, failed),
      color: 'green',
      connections: { open: 1, opened: 1, closed: 0, requests: 100 + failed },
      inferred: 0,
    };
  }
  return totals;
}

describe('the hub history', () => {
  it('keeps the run totals of the latest tick only, so the budget holds many ticks', async () => {
    const hub = await idleHub(resolveLoadOptions('http://127.0.0.1:1/', {}));
    const ui = await startUiServer({ port: 0, hub });
    try {
      const ticks = 120;
      const totals = (seq: number): Attribution => runTotals(250, seq);
      const fullBytes = JSON.stringify(totals(1)).length;
      // Each tick's totals alone are big enough that a budget full of them would hold a few seconds.
      expect(fullBytes * ticks).toBeGreaterThan(HISTORY_TICK_BYTES * 4);
      for (let seq = 1; seq <= ticks; seq++)
        hub.publish(
          tick({
            seq,
            byPod: { 'app-7c6b5d4f8-00001': { color: 'green', count: 100 } },
            byColor: { green: 100 },
            totalAttribution: totals(seq),
          }),
        );
      const client = await connect(`${ui.url.replace('http', 'ws')}api/stream`);
      const hello = (await client.next('hello')) as HelloMessage;
      const history = hello.history.ticks;
      expect(history).toHaveLength(ticks);
      expect(history.at(-1)!.totalAttribution).toEqual(totals(ticks));
      for (const t of history.slice(0, -1)) expect(t.totalAttribution).toEqual(emptyAttribution());

      // The page built from that hello shows the run's failures per pod as of the latest tick.
      const model = new DashboardModel();
      model.apply(hello);
      expect(Object.keys(model.totalAttribution.pods)).toHaveLength(250);
      const tile = model.pods.list().find((p) => p.name === 'app-7c6b5d4f8-00001');
      expect(tile?.failed).toBe(ticks);

      // A new tick: the one before it gives up its totals, the new one is whole.
      hub.publish(tick({ seq: ticks + 1, totalAttribution: totals(ticks + 1) }));
      const again = await connect(`${ui.url.replace('http', 'ws')}api/stream`);
      const later = ((await again.next('hello')) as HelloMessage).history.ticks;
      expect(later.at(-2)!.totalAttribution).toEqual(emptyAttribution());
      expect(later.at(-1)!.totalAttribution).toEqual(totals(ticks + 1));
    } finally {
      await ui.close();
    }
  });
});
