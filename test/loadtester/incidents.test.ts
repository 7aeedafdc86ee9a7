import { describe, expect, it } from 'vitest';
import type { ClusterViewFailure, EventMessage } from '../../protocol/events.js';
import { FRONT_DOOR_LABEL, type GroupStats, type PodStats } from '../../protocol/outcomes.js';
import type { TickMessage } from '../../protocol/run.js';
import { IncidentFinder } from '../../loadtester/count/incidents.js';

const T0 = 1_800_000_000_000;
const S = 1000;

interface Counts {
  ok?: number;
  '5xx'?: number;
  reset?: number;
  refused?: number;
  dropped?: number;
  p99?: number;
}

function group(c: Counts): GroupStats {
  const failed = (c['5xx'] ?? 0) + (c.reset ?? 0) + (c.refused ?? 0) + (c.dropped ?? 0);
  const responses = (c.ok ?? 0) + (c['5xx'] ?? 0);
  return {
    sent: responses + (c.reset ?? 0) + (c.refused ?? 0) + (c.dropped ?? 0),
    responses: { '1xx': 0, '2xx': c.ok ?? 0, '3xx': 0, '4xx': 0, '5xx': c['5xx'] ?? 0 },
    errors: { refused: c.refused ?? 0, reset: c.reset ?? 0, other: 0 },
    timeouts: 0,
    dropped: c.dropped ?? 0,
    failed,
    skipped: 0,
    inferred: 0,
    latency: { count: responses, p50: 1, p90: 2, p99: c.p99 ?? 5, max: 9, mean: 1 },
  };
}

function add(a: GroupStats, b: GroupStats): GroupStats {
  const sum = group({});
  for (const k of ['sent', 'timeouts', 'dropped', 'failed', 'skipped', 'inferred'] as const)
    sum[k] = a[k] + b[k];
  for (const k of ['1xx', '2xx', '3xx', '4xx', '5xx'] as const)
    sum.responses[k] = a.responses[k] + b.responses[k];
  for (const k of ['refused', 'reset', 'other'] as const) sum.errors[k] = a.errors[k] + b.errors[k];
  sum.latency = { ...a.latency, p99: Math.max(a.latency.p99, b.latency.p99) };
  return sum;
}

/** One tick at second `s` of the run: per pod ([color, counts]) and at the front door. */
function tick(s: number, pods: Record<string, [string, Counts]>, frontDoor: Counts = {}): TickMessage {
  const podStats: Record<string, PodStats> = {};
  const colors: Record<string, GroupStats> = {};
  for (const [name, [color, c]] of Object.entries(pods)) {
    const g = group(c);
    podStats[name] = { ...g, color, connections: { open: 1, opened: 0, closed: 0, requests: g.sent } };
    colors[color] = add(colors[color] ?? group({}), g);
  }
  const door = group(frontDoor);
  const all = Object.values(colors).reduce(add, door);
  return {
    type: 'tick',
    seq: s,
    t: T0 + s * S,
    elapsedMs: s * S,
    intervalMs: S,
    bucket: {
      ...all,
      byColor: {},
      byPod: {},
      skipped: { backoff: 0, busy: 0 },
      attribution: { colors, pods: podStats, frontDoor: door, unknown: group({}) },
    },
    total: all,
    totalAttribution: { colors, pods: podStats, frontDoor: door, unknown: group({}) },
    inFlight: 0,
    askedRate: 100,
  };
}

const event = (s: number, kind: EventMessage['kind'], pod?: string, color?: string): EventMessage => ({
  type: 'event',
  t: T0 + s * S,
  kind,
  ...(pod ? { pod } : {}),
  ...(color ? { color } : {}),
});

function finder(events: EventMessage[], ticks: TickMessage[]): IncidentFinder {
  const f = new IncidentFinder();
  // In the order they happened, as the session feeds them.
  const all = [...events.map((e) => ({ t: e.t, e })), ...ticks.map((t) => ({ t: t.t, tick: t }))].sort(
    (a, b) => a.t - b.t,
  );
  for (const x of all) {
    if ('e' in x) f.event(x.e!);
    else f.tick(x.tick!);
  }
  return f;
}

const healthy = (s: number): TickMessage => tick(s, { b1: ['blue', { ok: 50 }], b2: ['blue', { ok: 50 }] });

describe('incidents', () => {
  it('none without failures', () => {
    expect(finder([], [healthy(1), healthy(2)]).incidents()).toEqual([]);
  });

  it('groups failures close in time, and apart when the gap is longer', () => {
    const bad = (s: number): TickMessage => tick(s, { b1: ['blue', { ok: 40, reset: 3 }] });
    const incidents = finder(
      [],
      [bad(1), bad(2), healthy(3), bad(4), healthy(5), healthy(6), healthy(7), healthy(8), bad(9)],
    ).incidents();
    expect(incidents.map((i) => [i.window.startMs, i.window.endMs, i.failed])).toEqual([
      [0, 4000, 9],
      [8000, 9000, 3],
    ]);
    expect(incidents[0]).toMatchObject({ cause: 'unexplained', counts: { reset: 9 }, pods: { b1: 9 } });
    expect(incidents[0]!.evidence.join('\n')).toMatch(/no lifecycle events around it/);
  });

  it('a pod stopped while still in the endpoints, with resets on it: a missing drain', () => {
    const events = [
      event(0, 'endpoint-added', 'b1', 'blue'),
      event(0, 'endpoint-added', 'b2', 'blue'),
      event(0, 'endpoint-added', 'g1', 'green'),
      event(3, 'pod-terminating', 'b1', 'blue'),
      event(3, 'endpoint-removed', 'b1', 'blue'),
    ];
    const ticks = [
      healthy(1),
      healthy(2),
      healthy(3),
      tick(4, { b1: ['blue', { reset: 7, refused: 2 }], b2: ['blue', { ok: 50 }] }),
      healthy(5),
    ];
    const [incident] = finder(events, ticks).incidents();
    expect(incident).toMatchObject({ cause: 'missing-drain', failed: 9, pods: { b1: 9 } });
    expect(incident!.summary).toMatch(/DRAIN_SECONDS/);
    expect(incident!.evidence[0]).toMatch(
      /^b1 got SIGTERM at \+3\.0s while still in the Service's endpoints .*9 resets\/refusals\/drops/,
    );
  });

  it('front-door failures while a listed pod stops are a missing drain too', () => {
    const events = [
      event(0, 'endpoint-added', 'b1'),
      event(0, 'endpoint-added', 'b2'),
      event(3, 'pod-terminating', 'b1'),
      event(3, 'endpoint-removed', 'b1'),
    ];
    const ticks = [healthy(3), tick(4, { b2: ['blue', { ok: 50 }] }, { '5xx': 6 })];
    const [incident] = finder(events, ticks).incidents();
    expect(incident).toMatchObject({ cause: 'missing-drain', pods: { [FRONT_DOOR_LABEL]: 6 } });
  });

  it('no ready endpoints: that, before a missing drain', () => {
    const events = [
      event(0, 'endpoint-added', 'b1'),
      event(0, 'endpoint-added', 'b2'),
      event(3, 'pod-terminating', 'b1'),
      event(3, 'endpoint-removed', 'b1'),
      event(3, 'pod-terminating', 'b2'),
      event(3, 'endpoint-removed', 'b2'),
      event(6, 'endpoint-added', 'g1'),
    ];
    const ticks = [
      healthy(3),
      tick(4, {}, { '5xx': 40 }),
      tick(5, {}, { '5xx': 50 }),
      tick(6, { g1: ['green', { ok: 20 }] }, { '5xx': 10 }),
    ];
    const [incident] = finder(events, ticks).incidents();
    expect(incident).toMatchObject({ cause: 'no-ready-endpoints', failed: 100 });
    expect(incident!.evidence[0]).toBe('no ready endpoint from +3.0s until +6.0s (3.0 s)');
  });

  it('no ready endpoints: says when they came back, also after the failures ended', () => {
    const events = [
      event(0, 'endpoint-added', 'b1'),
      event(3, 'endpoint-removed', 'b1'),
      event(9, 'endpoint-added', 'g1'),
    ];
    const [incident] = finder(events, [tick(4, {}, { '5xx': 5 })]).incidents();
    expect(incident!.evidence[0]).toBe('no ready endpoint from +3.0s until +9.0s (6.0 s)');
    const [never] = finder(events.slice(0, 2), [tick(4, {}, { '5xx': 5 })]).incidents();
    expect(never!.evidence[0]).toBe('no ready endpoint from +3.0s, none since');
  });

  it('the new colour failing more than the old: a bad new version', () => {
    const events = [
      event(0, 'endpoint-added', 'b1'),
      event(2, 'rollout-started', undefined, 'green'),
      event(2, 'endpoint-added', 'g1'),
    ];
    const ticks = [
      healthy(2),
      tick(3, { b1: ['blue', { ok: 50 }], g1: ['green', { ok: 40, '5xx': 10 }] }),
      tick(4, { b1: ['blue', { ok: 50 }], g1: ['green', { ok: 40, '5xx': 10 }] }),
    ];
    const [incident] = finder(events, ticks).incidents();
    expect(incident).toMatchObject({ cause: 'bad-new-version', failed: 20 });
    expect(incident!.evidence[0]).toBe('green: 20 of 100 failed (20.0%), p99 5 ms');
    expect(incident!.evidence[1]).toBe('blue: 0 of 100 failed (0.0%), p99 5 ms');
  });

  it('a new colour failing no more than the old is not blamed', () => {
    const events = [event(2, 'rollout-started', undefined, 'green')];
    const ticks = [tick(3, { b1: ['blue', { ok: 45, '5xx': 5 }], g1: ['green', { ok: 45, '5xx': 5 }] })];
    expect(finder(events, ticks).incidents()[0]!.cause).toBe('unexplained');
  });

  it('failures on a pod long out of the endpoints that kept answering: keep-alive behind L4', () => {
    const events = [
      event(0, 'endpoint-added', 'b1'),
      event(0, 'endpoint-added', 'g1'),
      event(2, 'endpoint-removed', 'b1'),
    ];
    const ticks = [
      ...[3, 4, 5, 6, 7, 8, 9, 10].map((s) =>
        tick(s, { b1: ['blue', { ok: 30 }], g1: ['green', { ok: 30 }] }),
      ),
      tick(11, { b1: ['blue', { dropped: 4, reset: 2 }], g1: ['green', { ok: 30 }] }),
    ];
    const [incident] = finder(events, ticks).incidents();
    expect(incident).toMatchObject({ cause: 'keep-alive-to-terminating', pods: { b1: 6 } });
    expect(incident!.evidence[0]).toBe(
      'b1 left the endpoints at +2.0s and still answered until +10.0s; 6 failures on it from +10.0s',
    );
    expect(incident!.summary).toMatch(/--recycle/);
  });
});

describe('incidents over runs', () => {
  it('a new run forgets failures and keeps what it was told of the endpoints', () => {
    const f = new IncidentFinder();
    f.event(event(0, 'endpoint-added', 'b1'));
    f.tick(tick(1, { b1: ['blue', { reset: 3 }] }));
    f.newRun();
    expect(f.incidents()).toEqual([]);
    f.event(event(3, 'pod-terminating', 'b1'));
    f.event(event(3, 'endpoint-removed', 'b1'));
    f.tick(tick(4, { b1: ['blue', { reset: 3 }] }, { '5xx': 1 }));
    // b1 was in the endpoints (told before this run), and it was the only one: the Service had none left.
    expect(f.incidents().map((i) => i.cause)).toEqual(['no-ready-endpoints']);
  });
});

describe('incidents while the cluster view fails', () => {
  const forbiddenPods: ClusterViewFailure = {
    problem: 'forbidden',
    resource: 'pods',
    namespace: 'bluegreen',
    status: 403,
  };
  const view = (
    s: number,
    kind: 'cluster-view-failed' | 'cluster-view-back',
    failure = forbiddenPods,
  ): EventMessage => ({
    type: 'event',
    t: T0 + s * S,
    kind,
    source: 'kube',
    message:
      kind === 'cluster-view-failed' ? 'not allowed to watch pods in namespace bluegreen (403: no)' : 'back',
    clusterView: failure,
  });
  const bad = (s: number): TickMessage => tick(s, { b1: ['blue', { ok: 40, reset: 3 }] });

  it('an incident while it fails says the cause could not be read from the cluster', () => {
    const [incident] = finder([view(0, 'cluster-view-failed')], [bad(3), bad(4)]).incidents();
    expect(incident).toMatchObject({ cause: 'cluster-view-failing', failed: 6 });
    expect(incident!.summary).toMatch(
      /the cause could not be read from the cluster: the cluster view was failing/,
    );
    expect(incident!.evidence[0]).toBe(
      'cluster view failing from +0.0s, never back: not allowed to watch pods in namespace bluegreen (403: no)',
    );
    // The raw facts follow, and the view's own events are not counted among the lifecycle events.
    expect(incident!.evidence.slice(1)).toEqual([
      '6 failures from +2.0s to +4.0s: 6 reset',
      'by pod: b1 6',
      'no lifecycle events around it',
    ]);
  });

  it('back before the incident (and its lookback): plain unexplained', () => {
    const events = [view(0, 'cluster-view-failed'), view(1, 'cluster-view-back')];
    expect(
      finder(events, [bad(20), bad(21)])
        .incidents()
        .map((i) => i.cause),
    ).toEqual(['unexplained']);
    // Back during the lookback: it overlaps, with both ends named.
    const [incident] = finder(events, [bad(4)]).incidents();
    expect(incident!.cause).toBe('cluster-view-failing');
    expect(incident!.evidence[0]).toMatch(/^cluster view failing from \+0\.0s until \+1\.0s: /);
  });

  it('failing only after the incident: plain unexplained', () => {
    expect(
      finder([view(9, 'cluster-view-failed')], [bad(3), bad(4)])
        .incidents()
        .map((i) => i.cause),
    ).toEqual(['unexplained']);
  });

  it("one resource's return does not end the API's failure", () => {
    const api = { problem: 'unreachable', resource: 'replicasets', namespace: 'bluegreen' } as const;
    const events = [
      view(0, 'cluster-view-failed', api),
      view(0, 'cluster-view-failed'),
      view(1, 'cluster-view-back'),
    ];
    const [incident] = finder(events, [bad(20)]).incidents();
    expect(incident!.cause).toBe('cluster-view-failing');
    expect(incident!.evidence.filter((l) => l.startsWith('cluster view failing'))).toHaveLength(1);
  });

  it('a known cause still wins', () => {
    const events = [
      view(0, 'cluster-view-failed'),
      event(0, 'endpoint-added', 'b1', 'blue'),
      event(3, 'endpoint-removed', 'b1', 'blue'),
    ];
    expect(finder(events, [bad(4)]).incidents()[0]!.cause).toBe('no-ready-endpoints');
  });
});

describe('incidents as text', () => {
  it('a line per incident, its advice and evidence, a target-given name escaped', async () => {
    const { formatIncidents } = await import('../../loadtester/report/incidents-text.js');
    const events = [event(0, 'endpoint-added', 'b\u001b1'), event(3, 'pod-terminating', 'b\u001b1')];
    const text = formatIncidents(
      finder(events, [tick(4, { 'b\u001b1': ['blue', { reset: 2 }] })]).incidents(),
    );
    expect(text.split('\n')).toEqual([
      '',
      'incidents (1):',
      '  1. 3.0s–4.0s  2 failed (2 reset)  cause: missing-drain',
      expect.stringMatching(/^ {5}pods stopped serving before the front door stopped sending/),
      "     - b\\x1b1 got SIGTERM at +3.0s while still in the Service's endpoints (listed as ready); 2 resets/refusals/drops and 0 other failures on it",
      '',
    ]);
    expect(formatIncidents([])).toBe('');
  });
});
