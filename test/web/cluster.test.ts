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

describe('cluster view failures', () => {
  const forbidden = { problem: 'forbidden', resource: 'pods', namespace: 'bluegreen', status: 403 } as const;
  const api = { problem: 'unreachable', resource: 'replicasets', namespace: 'bluegreen' } as const;
  const failed = (clusterView: EventMessage['clusterView'], message = 'as said'): EventMessage =>
    ev('cluster-view-failed', { pod: undefined, clusterView, message, source: 'kube' });
  const back = (clusterView: EventMessage['clusterView']): EventMessage =>
    ev('cluster-view-back', { pod: undefined, clusterView, source: 'kube' });

  it('lasts from each failure to its own return', () => {
    const board = new ClusterBoard();
    board.event(failed(forbidden));
    board.event(failed(api));
    board.event(failed(forbidden, 'said again'));
    expect(board.viewFailures().map((f) => [f.failure.problem, f.message])).toEqual([
      ['forbidden', 'as said'],
      ['unreachable', 'as said'],
    ]);
    // The API back (named by whichever resource failed first) leaves the forbidden pods.
    board.event(back({ ...api, problem: 'timed-out' }));
    expect(board.viewFailures().map((f) => f.failure.problem)).toEqual(['forbidden']);
    board.event(back({ ...forbidden, resource: 'events' }));
    expect(board.viewFailures()).toHaveLength(1);
    board.event(back(forbidden));
    expect(board.viewFailures()).toEqual([]);
    board.event(failed(forbidden));
    board.clear();
    expect(board.viewFailures()).toEqual([]);
  });

  it('says what failed and what to change, in English and Korean', async () => {
    const { clusterViewNotice } = await import('../../web/src/lib/cluster-view-text.js');
    const { wordsFor } = await import('../../web/src/lib/i18n/index.js');
    const f = { t: 1, failure: forbidden, message: 'as said' };
    expect(clusterViewNotice(f)).toBe(
      "cluster view: 403 listing pods in bluegreen — the loadtester's account (its Role) needs get, list and watch on pods",
    );
    expect(clusterViewNotice(f, wordsFor('ko'))).toBe(
      '클러스터 보기: bluegreen의 pods 목록 조회에 403 — 로드테스터 계정(Role)에 pods에 대한 get, list, watch 권한이 필요합니다',
    );
    expect(clusterViewNotice({ ...f, failure: api })).toBe(
      'cluster view: the Kubernetes API cannot be reached — retrying',
    );
    expect(
      clusterViewNotice(
        { ...f, failure: { problem: 'no-api', resource: '', namespace: '' } },
        wordsFor('ko'),
      ),
    ).toBe('클러스터 보기: 감시할 Kubernetes API가 없습니다 — 클러스터 이벤트 없이 부하를 계속합니다');
    // A problem a newer loadtester names: its own line.
    const newer = { ...f, failure: { ...api, problem: 'sulking' as never } };
    expect(clusterViewNotice(newer, wordsFor('ko'))).toBe('클러스터 보기: as said');
  });
});
