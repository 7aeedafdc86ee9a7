import { describe, expect, it } from 'vitest';
import { PodBoard } from '../../web/src/lib/stores/pods.js';
import { emptyAttribution } from '../../protocol/outcomes.js';
import { event, group, tick } from '../helpers/ticks.js';

function connections(open: number) {
  return { open, opened: open, closed: 0, requests: 0 };
}

describe('PodBoard', () => {
  it('follows a pod through its lifecycle events', () => {
    const board = new PodBoard();
    board.event(event('pod-added', 'green-1', 1000, 'green'));
    expect(board.list()[0]).toMatchObject({ name: 'green-1', state: 'starting', color: 'green' });
    board.event(event('pod-ready', 'green-1', 2000));
    expect(board.list()[0]!.state).toBe('ready');
    board.event(event('pod-terminating', 'green-1', 3000));
    expect(board.list()[0]!.state).toBe('draining');
    board.event(event('pod-gone', 'green-1', 4000));
    expect(board.list()[0]!.state).toBe('gone');
  });

  it('marks a pod known only from traffic as seen, with its rate', () => {
    const board = new PodBoard();
    board.tick(tick({ seq: 1, intervalMs: 500, byPod: { 'blue-1': { color: 'blue', count: 50 } } }));
    expect(board.list()).toEqual([
      expect.objectContaining({ name: 'blue-1', state: 'seen', color: 'blue', rate: 100 }),
    ]);
    board.tick(tick({ seq: 2, byPod: {} }));
    expect(board.list()[0]!.rate).toBe(0);
  });

  it("shows each pod's run failures and run p99 (as its colour's) and open connections from the stream's attribution", () => {
    const board = new PodBoard();
    const total = emptyAttribution();
    total.pods['green-1'] = { ...group(90, 10, 4), color: 'green', connections: connections(2) };
    total.pods['blue-1'] = { ...group(100, 0, 2), color: 'blue', connections: connections(1) };
    const t = tick({
      seq: 1,
      byPod: { 'blue-1': { color: 'blue', count: 10 }, 'green-1': { color: 'green', count: 9 } },
      openByPod: { 'blue-1': 1, 'green-1': 2 },
      p50: 3,
      totalAttribution: total,
    });
    // green-1 also had a reset, inferred from its connection, in this interval.
    t.bucket.attribution.pods['green-1']!.errors.reset = 1;
    t.bucket.attribution.pods['green-1']!.inferred = 1;
    total.pods['green-1'].inferred = 1;
    board.tick(t);
    const byName = Object.fromEntries(board.list().map((p) => [p.name, p]));
    expect(byName['green-1']).toMatchObject({ failed: 10, inferred: 1, p99: 16, open: 2 });
    expect(byName['blue-1']).toMatchObject({ failed: 0, inferred: 0, p99: 8, open: 1 });
    // An interval without responses: the run's failures and p99 stay.
    board.tick(tick({ seq: 2, totalAttribution: total }));
    expect(board.list().find((p) => p.name === 'green-1')).toMatchObject({ failed: 10, p99: 16, open: 0 });
    // The report's figures, once it came, replace the running ones.
    const report = structuredClone(total);
    report.pods['green-1']!.latency.p99 = 14.5;
    board.runTotals(report);
    expect(board.list().find((p) => p.name === 'green-1')).toMatchObject({ p99: 14.5 });
  });

  it('gives a tile to a pod whose requests all failed without a response', () => {
    const board = new PodBoard();
    const t = tick({ seq: 1 });
    t.bucket.attribution.pods['red-1'] = {
      ...group(0),
      sent: 3,
      failed: 3,
      inferred: 3,
      color: 'red',
      connections: connections(0),
    };
    board.tick(t);
    expect(board.list()).toEqual([
      expect.objectContaining({ name: 'red-1', color: 'red', rate: 0, p99: null }),
    ]);
  });

  it('traffic does not overwrite a lifecycle state', () => {
    const board = new PodBoard();
    board.event(event('pod-terminating', 'blue-1', 1_001_000, 'blue'));
    board.tick(tick({ seq: 1, byPod: { 'blue-1': { color: 'blue', count: 5 } } }));
    expect(board.list()[0]!.state).toBe('draining');
  });

  it('forgets gone pods and idle seen pods after their time', () => {
    const board = new PodBoard({ maxPods: 10, goneTtlMs: 10_000, idleTtlMs: 20_000 });
    board.event(event('pod-gone', 'old', 0));
    board.tick(tick({ seq: 1, t: 1000, byPod: { seen: { color: 'blue', count: 1 } } }));
    board.tick(tick({ seq: 2, t: 15_000 }));
    expect(board.list().map((p) => p.name)).toEqual(['seen']);
    board.tick(tick({ seq: 3, t: 25_000 }));
    expect(board.size).toBe(0);
  });

  it('never holds more than maxPods, dropping gone pods first', () => {
    const board = new PodBoard({ maxPods: 5, goneTtlMs: 1e9, idleTtlMs: 1e9 });
    board.event(event('pod-gone', 'gone-1', 1));
    for (let i = 0; i < 100; i++) board.event(event('pod-ready', `p${i}`, 10 + i));
    expect(board.size).toBe(5);
    expect(board.list().map((p) => p.name)).toEqual(['p95', 'p96', 'p97', 'p98', 'p99']);
  });
});
