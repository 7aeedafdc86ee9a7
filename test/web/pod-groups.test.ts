import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../protocol/events.js';
import { groupPods, PodBoard } from '../../web/src/lib/stores/pods.js';
import { tick } from '../helpers/ticks.js';

/** A pod event as the demo sends it: with the pod's ReplicaSet and its template's version. */
function podEvent(
  kind: EventMessage['kind'],
  pod: string,
  t: number,
  template: { rs: string; color: string; version: string },
): EventMessage {
  return {
    type: 'event',
    kind,
    pod,
    t,
    color: template.color,
    replicaSet: template.rs,
    version: template.version,
  };
}

const BLUE = { rs: 'app-7445bb548c', color: 'blue', version: 'v1' };
const GREEN = { rs: 'app-5f8d9c6b7a', color: 'green', version: 'v2' };

function summary(board: PodBoard): unknown[] {
  return groupPods(board.list()).map((g) => ({
    rs: g.replicaSet,
    color: g.color,
    version: g.version,
    role: g.role,
    ready: g.ready,
    total: g.total,
    fromTraffic: g.fromTraffic,
    live: g.live.map((p) => p.name),
    gone: g.gone.map((p) => p.name),
  }));
}

describe('groupPods', () => {
  it('keeps one unlabelled group while only one ReplicaSet runs', () => {
    const board = new PodBoard();
    for (const [i, name] of ['a', 'b'].entries()) {
      board.event(podEvent('pod-added', `${BLUE.rs}-${name}`, 1000 + i, BLUE));
      board.event(podEvent('pod-ready', `${BLUE.rs}-${name}`, 2000 + i, BLUE));
    }
    expect(summary(board)).toEqual([
      {
        rs: BLUE.rs,
        color: 'blue',
        version: 'v1',
        role: null,
        ready: 2,
        total: 2,
        fromTraffic: false,
        live: [`${BLUE.rs}-a`, `${BLUE.rs}-b`],
        gone: [],
      },
    ]);
  });

  it('splits old and new ReplicaSets during and after a rollout, gone pods apart', () => {
    const board = new PodBoard();
    const blue = ['b1', 'b2'].map((n) => `${BLUE.rs}-${n}`);
    const green = ['g1', 'g2'].map((n) => `${GREEN.rs}-${n}`);
    for (const pod of blue) board.event(podEvent('pod-ready', pod, 1000, BLUE));
    board.event(podEvent('pod-added', green[0]!, 2000, GREEN));
    board.event(podEvent('pod-ready', green[0]!, 3000, GREEN));
    board.event(podEvent('pod-terminating', blue[0]!, 3000, BLUE));
    expect(summary(board)).toMatchObject([
      { rs: BLUE.rs, role: 'old', ready: 1, total: 2, live: blue, gone: [] },
      { rs: GREEN.rs, color: 'green', version: 'v2', role: 'new', ready: 1, total: 1 },
    ]);
    board.event(podEvent('pod-gone', blue[0]!, 4000, BLUE));
    board.event(podEvent('pod-ready', green[1]!, 4000, GREEN));
    board.event(podEvent('pod-terminating', blue[1]!, 4000, BLUE));
    board.event(podEvent('pod-gone', blue[1]!, 5000, BLUE));
    expect(summary(board)).toMatchObject([
      { rs: BLUE.rs, role: 'old', ready: 0, total: 2, live: [], gone: blue },
      { rs: GREEN.rs, role: 'new', ready: 2, total: 2, live: green, gone: [] },
    ]);
  });

  it('a rollback makes the old template new again once it gains a pod', () => {
    const board = new PodBoard();
    board.event(podEvent('pod-ready', `${BLUE.rs}-b1`, 1000, BLUE));
    board.event(podEvent('pod-ready', `${GREEN.rs}-g1`, 2000, GREEN));
    expect(groupPods(board.list()).map((g) => [g.color, g.role])).toEqual([
      ['blue', 'old'],
      ['green', 'new'],
    ]);
    board.event(podEvent('pod-added', `${BLUE.rs}-b2`, 3000, BLUE));
    expect(groupPods(board.list()).map((g) => [g.color, g.role])).toEqual([
      ['blue', 'new'],
      ['green', 'old'],
    ]);
  });

  it('puts pods known only from traffic in the ReplicaSet their name implies, or else by colour', () => {
    const board = new PodBoard();
    board.tick(
      tick({
        seq: 1,
        byPod: {
          'app-7d9f8b6c5d-x2xkq': { color: 'blue', count: 5 },
          'app-7d9f8b6c5d-p9m4z': { color: 'blue', count: 5 },
          'green-pod': { color: 'green', count: 5 },
          'other-green': { color: 'green', count: 5 },
        },
      }),
    );
    expect(
      groupPods(board.list()).map((g) => [g.key, g.replicaSet, g.version, g.live.length, g.fromTraffic]),
    ).toEqual([
      ['rs:app-7d9f8b6c5d', 'app-7d9f8b6c5d', null, 2, true],
      ['color:green', null, null, 2, true],
    ]);
  });
});
