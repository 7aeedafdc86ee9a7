import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../protocol/events.js';
import { ClusterBoard } from '../../web/src/lib/stores/cluster.js';

let t = 0;
const ev = (kind: EventMessage['kind'], extra: Partial<EventMessage> = {}): EventMessage => ({
  type: 'event',
  t: ++t,
  kind,
  pod: 'p1',
  ...extra,
});

describe('cluster board', () => {
  it('follows a pod from pending through the endpoints to gone', () => {
    const board = new ClusterBoard();
    expect(board.view('p1')).toBeNull();
    const states: string[] = [];
    const seen = (): void => {
      const v = board.view('p1')!;
      states.push(`${v.state}: ${v.label}`);
    };
    for (const e of [
      ev('pod-added'),
      ev('pod-scheduled'),
      ev('pod-ready'),
      ev('endpoint-added', { endpoint: { ready: true, serving: true, terminating: false } }),
      ev('pod-terminating'),
      ev('endpoint-serving', { endpoint: { ready: false, serving: true, terminating: true } }),
      ev('endpoint-removed', { endpoint: null }),
      ev('pod-gone'),
    ]) {
      board.event(e);
      seen();
    }
    expect(states).toEqual([
      'pending: pending',
      'pending: pending (scheduled)',
      'ready: ready, not in endpoints yet',
      'in-endpoints: in endpoints',
      'terminating: terminating, still in endpoints',
      'terminating: terminating, still in endpoints',
      'terminating: terminating, out of endpoints',
      'gone: gone',
    ]);
  });

  it('keeps the latest rollout counts and forgets everything on clear', () => {
    const board = new ClusterBoard();
    const rollout = {
      id: 1,
      strategy: 'rolling',
      color: 'green',
      version: 'v2',
      startedAt: 0,
      desired: 2,
      newReady: 1,
      oldRemaining: 1,
      endpoints: 2,
      revision: '2',
      updated: 1,
    };
    board.event(ev('rollout-progress', { pod: undefined, rollout }));
    expect(board.progress).toEqual(rollout);
    board.event(ev('pod-added'));
    board.clear();
    expect(board.progress).toBeNull();
    expect(board.view('p1')).toBeNull();
  });
});
