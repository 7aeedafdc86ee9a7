import { describe, expect, it } from 'vitest';
import type { EventMessage, RolloutProgress } from '../../protocol/events.js';
import type { TickMessage } from '../../protocol/run.js';
import { MAX_ROLLOUTS, RolloutTracker } from '../../web/src/lib/stores/rollouts.js';
import { settings, tick } from '../helpers/ticks.js';

const T0 = 1_000_000;

function progress(patch: Partial<RolloutProgress> = {}): RolloutProgress {
  return {
    id: 1,
    strategy: 'recreate',
    color: 'green',
    version: 'v2',
    startedAt: T0 + 2500,
    desired: 4,
    newReady: 0,
    oldRemaining: 4,
    endpoints: 4,
    ...patch,
  };
}

function rollout(kind: EventMessage['kind'], t: number, patch: Partial<RolloutProgress> = {}): EventMessage {
  return { type: 'event', kind, t, color: 'green', message: `${kind} message`, rollout: progress(patch) };
}

/** A one-second tick ending at T0 + seq s, 40 req/s asked, with what came back. */
function second(seq: number, patch: (t: TickMessage) => void = () => undefined, end?: number): TickMessage {
  const t = tick({ seq, byColor: { blue: 40 }, t: end });
  t.askedRate = 40;
  t.bucket.sent = 40;
  patch(t);
  return t;
}

function refusing(n: number, latencyMax = 3): (t: TickMessage) => void {
  return (t) => {
    t.bucket.byColor = { blue: 40 - n };
    t.bucket.responses['2xx'] = 40 - n;
    t.bucket.errors.refused = n;
    t.bucket.failed = n;
    t.bucket.latency.max = latencyMax;
    t.bucket.latency.count = 40 - n;
  };
}

describe('RolloutTracker', () => {
  it('follows a rollout from start to finish, with the failures of the ticks it spans', () => {
    const r = new RolloutTracker();
    r.apply(second(1));
    r.apply(second(2));
    r.apply(rollout('rollout-started', T0 + 2500));
    r.apply(second(3, refusing(5, 40)));
    r.apply(rollout('rollout-progress', T0 + 3200, { oldRemaining: 0, endpoints: 0 }));
    r.apply(second(4, refusing(40, 0)));
    r.apply(second(5, refusing(40, 0)));
    r.apply(rollout('rollout-progress', T0 + 5700, { newReady: 1, oldRemaining: 0, endpoints: 1 }));
    r.apply(second(6, refusing(2, 900)));
    let view = r.view();
    expect(view.rollouts).toHaveLength(1);
    const running = view.rollouts[0]!;
    expect(running.running).toBe(true);
    expect(running.progress.newReady).toBe(1);
    expect(running.durationMs).toBe(T0 + 6000 - (T0 + 2500));
    r.apply(
      rollout('rollout-finished', T0 + 6400, {
        newReady: 4,
        oldRemaining: 0,
        endpoints: 4,
        result: 'complete',
      }),
    );
    // This tick began before the finish: it still counts. So does the next, failing right after it (the
    // aftermath); once a second passes clean, later failures are not the rollout's.
    r.apply(second(7, refusing(1)));
    r.apply(second(8, refusing(7)));
    r.apply(second(9));
    r.apply(second(10, refusing(9)));
    view = r.view();
    const done = view.rollouts[0]!;
    expect(done.running).toBe(false);
    expect(done.result).toBe('complete');
    expect(done.message).toBe('rollout-finished message');
    expect(done.durationMs).toBe(3900);
    expect(done.byKind.refused).toBe(5 + 40 + 40 + 2 + 1 + 7);
    expect(done.byKind.skipped).toBe(0);
    expect(done.failed).toBe(95);
    expect(done.failureWindow).toEqual({ from: T0 + 2000, to: T0 + 8000 });
    expect(done.settledAt).toBe(T0 + 8000);
    expect(done.noEndpointsMs).toBe(2500);
    expect(done.darkMs).toBe(2000);
    expect(done.worstLatencyMs).toBe(900);
  });

  it('counts due requests never sent during the rollout as failed', () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 500, { startedAt: T0 + 500 }));
    r.apply(second(1, (t) => (t.bucket.skipped = { backoff: 0, busy: 30 })));
    r.apply(second(2, (t) => (t.bucket.skipped = { backoff: 5, busy: 15 })));
    r.apply(rollout('rollout-finished', T0 + 2500, { startedAt: T0 + 500, result: 'complete' }));
    const done = r.view().rollouts[0]!;
    expect(done.byKind.skipped).toBe(50);
    expect(done.failed).toBe(50);
    expect(done.failureWindow).toEqual({ from: T0, to: T0 + 2000 });
  });

  it('matches a finish to its own start by id when a newer rollout supersedes it, newest first', () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 100, { id: 1, startedAt: T0 + 100 }));
    r.apply(
      rollout('rollout-started', T0 + 900, { id: 2, startedAt: T0 + 900, color: 'blue', version: 'v3' }),
    );
    r.apply(rollout('rollout-finished', T0 + 950, { id: 1, startedAt: T0 + 100, result: 'stopped' }));
    const [newest, older] = r.view().rollouts;
    expect(newest!.progress.version).toBe('v3');
    expect(newest!.running).toBe(true);
    expect(older!.result).toBe('stopped');
    expect(older!.durationMs).toBe(850);
  });

  it('keeps an open stretch without endpoints counting until the stream moves on', () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 2500, { endpoints: 0 }));
    r.apply(second(3));
    expect(r.view().rollouts[0]!.noEndpointsMs).toBe(500);
    r.apply(second(5));
    expect(r.view().rollouts[0]!.noEndpointsMs).toBe(2500);
  });

  it("rebuilds the same story from a late joiner's history", () => {
    const events = [
      rollout('rollout-started', T0 + 2500),
      rollout('rollout-progress', T0 + 3200, { oldRemaining: 0, endpoints: 0 }),
      rollout('rollout-finished', T0 + 5700, { newReady: 4, oldRemaining: 0, result: 'complete' }),
    ];
    const ticks = [
      second(1, refusing(9)),
      second(2),
      second(3, refusing(5)),
      second(4, refusing(40)),
      second(6),
      second(7),
      second(8, refusing(3)),
    ];
    const r = new RolloutTracker();
    r.apply({ type: 'hello', protocol: 2, settings: settings(), history: { events, ticks } });
    const done = r.view().rollouts[0]!;
    expect(done.byKind.refused).toBe(45);
    expect(done.noEndpointsMs).toBe(2500);
  });

  it('keeps the last MAX_ROLLOUTS rollouts', () => {
    const r = new RolloutTracker();
    for (let id = 1; id <= MAX_ROLLOUTS + 5; id++) r.apply(rollout('rollout-started', T0 + id, { id }));
    const ids = r.view().rollouts.map((x) => x.id);
    expect(ids).toHaveLength(MAX_ROLLOUTS);
    expect(ids[0]).toBe(MAX_ROLLOUTS + 5);
  });

  it('the headline: shares over the last ticks, an outage going on, and what the run has not sent', () => {
    const r = new RolloutTracker();
    r.apply(second(1));
    r.apply(second(2, refusing(40)));
    r.apply(second(3, refusing(40)));
    let { headline, notSent } = r.view();
    expect(headline.segments.map((s) => [s.color, s.count])).toEqual([
      ['blue', 40],
      [null, 80],
    ]);
    expect(headline.outage).toEqual({ from: T0 + 1000, to: T0 + 3000, ticks: 2 });
    expect(notSent).toEqual({ run: 0, last: 0 });
    r.apply(second(4, (t) => (t.bucket.skipped = { backoff: 0, busy: 10 })));
    ({ headline, notSent } = r.view());
    expect(headline.outage).toBeNull();
    expect(headline.lastOutage).toEqual({ from: T0 + 1000, to: T0 + 3000, ticks: 2 });
    expect(notSent).toEqual({ run: 10, last: 10 });
  });

  it("starts the run's own counts again on a new run, and the rollouts stay", () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 500));
    r.apply(second(1, refusing(40)));
    r.apply(second(2, (t) => (t.bucket.skipped = { backoff: 0, busy: 40 })));
    r.apply({ type: 'event', t: T0 + 2100, kind: 'run-started' });
    r.apply(second(1, undefined, T0 + 3100));
    const view = r.view();
    expect(view.notSent.run).toBe(0);
    expect(view.headline.segments).toEqual([{ color: 'blue', count: 40, share: 1 }]);
    expect(view.rollouts).toHaveLength(1);
  });

  it("never lowers a rollout's or the run's count when held-back requests go out late", () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 500, { startedAt: T0 + 500 }));
    // 40 due each second: 10 go out, then 70 (the 30 held back, late, and the next 40).
    r.apply(second(1, (t) => (t.bucket.sent = 10)));
    const before = r.view();
    r.apply(second(2, (t) => (t.bucket.sent = 70)));
    const after = r.view();
    expect(after.rollouts[0]!.failed).toBeGreaterThanOrEqual(before.rollouts[0]!.failed);
    expect(after.notSent.run).toBeGreaterThanOrEqual(before.notSent.run);
    expect(after.rollouts[0]!.failed).toBe(0);
  });

  it("counts its old pods' failures after the finish, until the last is gone and the front door stops failing", () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 500, { startedAt: T0 + 500 }));
    r.apply({ type: 'event', kind: 'pod-terminating', pod: 'blue-1', t: T0 + 800 });
    r.apply(second(1, refusing(3)));
    r.apply(rollout('rollout-finished', T0 + 1200, { startedAt: T0 + 500, result: 'complete' }));
    r.apply(second(2, refusing(4)));
    // Still draining: half the answers came from blue-1, on its 5 kept-alive connections.
    r.apply(
      second(3, (t) => {
        t.bucket.byPod = { 'blue-1': { color: 'blue', count: 20 }, 'green-1': { color: 'green', count: 20 } };
        t.bucket.attribution.pods['blue-1'] = {
          ...t.bucket.attribution.colors.blue!,
          color: 'blue',
          connections: { open: 5, opened: 0, closed: 0, requests: 20 },
        };
        refusing(5)(t);
      }),
    );
    let done = r.view().rollouts[0]!;
    expect(done.running).toBe(false);
    expect(done.failed).toBe(12);
    expect(done.draining).toEqual({ pods: ['blue-1'], share: 0.5, connections: 5 });
    r.apply({ type: 'event', kind: 'pod-gone', pod: 'blue-1', t: T0 + 3500 });
    // The front door still sends to it for a moment: those failures are the rollout's too.
    r.apply(second(4, refusing(6)));
    r.apply(second(5, refusing(7)));
    done = r.view().rollouts[0]!;
    expect(done.draining).toBeNull();
    expect(done.settledAt).toBeNull();
    r.apply(second(6));
    r.apply(second(7, refusing(8)));
    done = r.view().rollouts[0]!;
    expect(done.failed).toBe(3 + 4 + 5 + 6 + 7);
    expect(done.settledAt).toBe(T0 + 5000);
  });

  it('ends the aftermath AFTERMATH_MS after the last old pod went, however long the failures go on', () => {
    const r = new RolloutTracker();
    r.apply(rollout('rollout-started', T0 + 500, { startedAt: T0 + 500 }));
    r.apply(rollout('rollout-finished', T0 + 900, { startedAt: T0 + 500, result: 'complete' }));
    for (let seq = 1; seq <= 10; seq++) r.apply(second(seq, refusing(1)));
    const done = r.view().rollouts[0]!;
    // The tick the finish fell in, and those ending within AFTERMATH_MS of it (at 2 … 5 s).
    expect(done.failed).toBe(5);
    expect(done.settledAt).toBe(T0 + 5000);
  });
});
