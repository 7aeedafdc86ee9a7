import { afterEach, describe, expect, it, vi } from 'vitest';
import { DashboardModel, MAX_EVENTS } from '../../web/src/lib/stores/dashboard.js';
import { createDashboardStore, type DashboardView } from '../../web/src/lib/stores/store.js';
import type { EventMessage } from '../../protocol/events.js';
import { event, sample, settings, tick } from '../helpers/ticks.js';

describe('DashboardModel', () => {
  it('rebuilds from a hello and its history', () => {
    const m = new DashboardModel();
    m.apply(tick({ seq: 99, byColor: { red: 1 } }));
    m.apply({
      type: 'hello',
      protocol: 2,
      settings: settings(),
      history: {
        ticks: [tick({ seq: 1, byColor: { blue: 10 } }), tick({ seq: 2, byColor: { blue: 5, green: 5 } })],
        events: [event('pod-ready', 'green-1', 1_001_500, 'green')],
      },
    });
    expect(m.settings?.target).toBe('http://127.0.0.1:1/');
    expect(m.series.points).toHaveLength(2);
    expect(m.runByColor).toEqual({ blue: 15, green: 5 });
    expect(m.pods.list().map((p) => p.state)).toEqual(['ready']);
    expect(m.events).toHaveLength(1);
  });

  it("sums the run's share over every tick, and starts over for a new run", () => {
    const m = new DashboardModel(5);
    for (let seq = 1; seq <= 20; seq++) m.apply(tick({ seq, byColor: { blue: 3, green: 1 } }));
    // The chart window holds 5 points; the run totals hold all 20 ticks.
    expect(m.series.points).toHaveLength(5);
    expect(m.runByColor).toEqual({ blue: 60, green: 20 });
    m.apply({ type: 'summary', report: {} as never });
    expect(m.summary).not.toBeNull();
    m.apply(tick({ seq: 1, t: 2_000_000, byColor: { green: 7 } }));
    expect(m.runByColor).toEqual({ green: 7 });
    expect(m.summary).toBeNull();
  });

  it('keeps a bounded event log and feeds samples to the box grid', () => {
    const m = new DashboardModel();
    for (let i = 0; i < MAX_EVENTS * 3; i++) m.apply(event('pod-ready', `p${i}`, i));
    expect(m.events).toHaveLength(MAX_EVENTS);
    m.apply({ type: 'sample', samples: [sample({ color: 'blue' }), sample({ color: 'green' })] });
    expect(m.boxes.counts().byColor).toEqual({ blue: 1, green: 1 });
  });

  it('keeps every event, even two of one kind in the same millisecond', () => {
    // --kube: an EndpointSlice change and the Deployment's status change, read from two watches in one
    // turn, each bring a rollout-progress at the same t; the second carries the new counts.
    const m = new DashboardModel();
    const progress = (updated: number): EventMessage => ({
      type: 'event',
      kind: 'rollout-progress',
      t: 5_000,
      source: 'kube',
      rollout: {
        id: 1,
        strategy: 'RollingUpdate',
        color: 'green',
        version: 'v2',
        startedAt: 1_000,
        desired: 2,
        newReady: 1,
        oldRemaining: 2,
        endpoints: 3,
        updated,
      },
    });
    m.apply(progress(0));
    m.apply(progress(1));
    expect(m.events).toHaveLength(2);
    expect(m.cluster.progress?.updated).toBe(1);
  });

  it('records control results and settings changes', () => {
    const m = new DashboardModel();
    m.apply({ type: 'control-result', ok: false, error: 'controls are off' });
    expect(m.control).toEqual({ ok: false, error: 'controls are off', id: undefined });
    m.apply({ type: 'settings', settings: settings({ running: false }) });
    expect(m.settings?.running).toBe(false);
  });
});

describe('createDashboardStore', () => {
  afterEach(() => void vi.useRealTimers());

  it('applies every message but notifies at most once per throttle period', () => {
    vi.useFakeTimers();
    const store = createDashboardStore({ throttleMs: 250 });
    const seen: DashboardView[] = [];
    const unsubscribe = store.subscribe((v) => seen.push(v));
    expect(seen).toHaveLength(1);
    for (let seq = 1; seq <= 100; seq++) store.apply(tick({ seq, byColor: { blue: 1 } }));
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(0);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.model.series.points).toHaveLength(100);
    store.apply(tick({ seq: 101, byColor: { blue: 1 } }));
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(2);
    vi.advanceTimersByTime(200);
    expect(seen).toHaveLength(3);
    store.setConnection({ status: 'open' });
    vi.advanceTimersByTime(1000);
    expect(seen.at(-1)!.connection.status).toBe('open');
    expect(seen.at(-1)!.version).toBeGreaterThan(seen[1]!.version);
    unsubscribe();
    store.apply(tick({ seq: 102 }));
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(4);
  });

  it('reset() empties the model and notifies at once', () => {
    const store = createDashboardStore();
    store.apply(tick({ seq: 1, byColor: { blue: 1 } }));
    let last: DashboardView | null = null;
    store.subscribe((v) => (last = v));
    store.reset();
    expect(last!.model.series.points).toHaveLength(0);
    expect(last!.model.runByColor).toEqual({});
  });
});
