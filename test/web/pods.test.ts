import { describe, expect, it } from 'vitest';
import { PodBoard } from '../../web/src/lib/stores/pods.js';
import { event, tick } from './ticks.js';

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
