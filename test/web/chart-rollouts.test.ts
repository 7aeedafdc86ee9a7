import { describe, expect, it } from 'vitest';
import type { EventMessage, RolloutProgress } from '../../protocol/events.js';
import {
  bandLabel,
  eventsInInterval,
  isDetailEvent,
  rolloutBands,
} from '../../web/src/lib/chart/rollouts.js';

function ev(kind: EventMessage['kind'], t: number, extra: Partial<EventMessage> = {}): EventMessage {
  return { type: 'event', kind, t, ...extra };
}

describe('bandLabel', () => {
  it('names the strategy and the colour', () => {
    expect(bandLabel({ message: 'rolling rollout to green (v2)', color: 'green' })).toBe('rolling → green');
    expect(bandLabel({ message: 'blue-green rollout to blue (v3)', color: 'blue' })).toBe(
      'blue-green → blue',
    );
    expect(bandLabel({ message: 'rollback to blue (v1)', color: 'blue' })).toBe('rollback → blue');
    expect(bandLabel({ message: 'something else', color: 'red' })).toBe('rollout → red');
    expect(bandLabel({})).toBe('rollout');
  });
});

describe('rolloutBands', () => {
  it('spans each rollout from its start to its finish', () => {
    const bands = rolloutBands([
      ev('pod-added', 500, { pod: 'a' }),
      ev('rollout-started', 1000, { color: 'green', message: 'rolling rollout to green (v2)' }),
      ev('rollout-step', 2000, { color: 'green', message: 'new 1, old 3' }),
      ev('rollout-finished', 9000, { color: 'green', message: 'rolling rollout to green (v2): complete' }),
      ev('rollout-started', 20_000, { color: 'blue', message: 'canary rollout to blue (v3)' }),
    ]);
    expect(bands).toEqual([
      { start: 1000, end: 9000, label: 'rolling → green', color: 'green', complete: true },
      { start: 20_000, end: null, label: 'canary → blue', color: 'blue', complete: false },
    ]);
  });

  it('pairs a superseded rollout that finishes late with its own start', () => {
    const bands = rolloutBands([
      ev('rollout-started', 1000, { color: 'green', message: 'recreate rollout to green (v2)' }),
      ev('rollout-started', 3000, { color: 'blue', message: 'rolling rollout to blue (v3)' }),
      ev('rollout-finished', 3100, {
        color: 'green',
        message: 'recreate rollout to green (v2): superseded by a newer rollout',
      }),
      ev('rollout-finished', 8000, { color: 'blue', message: 'rolling rollout to blue (v3): complete' }),
    ]);
    expect(bands.map((b) => [b.label, b.start, b.end, b.complete])).toEqual([
      ['recreate → green', 1000, 3100, false],
      ['rolling → blue', 3000, 8000, true],
    ]);
  });

  it('keeps a finish whose start left the capped log, from the left edge', () => {
    const bands = rolloutBands([
      ev('rollout-finished', 5000, { color: 'green', message: 'rolling rollout to green (v2): complete' }),
    ]);
    expect(bands).toEqual([
      { start: null, end: 5000, label: 'rolling → green', color: 'green', complete: true },
    ]);
  });
});

describe('rolloutBands, from the rollout progress the demo sends', () => {
  function progress(
    id: number,
    strategy: string,
    color: string,
    result?: 'complete' | 'stopped',
  ): RolloutProgress {
    return {
      id,
      strategy,
      color,
      version: `v${id + 1}`,
      startedAt: 0,
      desired: 2,
      newReady: 0,
      oldRemaining: 2,
      endpoints: 2,
      ...(result ? { result } : {}),
    };
  }

  it('labels by strategy and colour and pairs by id, whatever the messages say', () => {
    const bands = rolloutBands([
      ev('rollout-started', 1000, {
        color: 'green',
        message: 'x',
        rollout: progress(1, 'recreate', 'green'),
      }),
      ev('rollout-progress', 1500, { rollout: progress(1, 'recreate', 'green') }),
      ev('rollout-started', 3000, { color: 'blue', message: 'x', rollout: progress(2, 'canary', 'blue') }),
      ev('rollout-finished', 8000, {
        message: 'x: done',
        rollout: progress(2, 'canary', 'blue', 'complete'),
      }),
      ev('rollout-finished', 9000, {
        message: 'x: done',
        rollout: progress(1, 'recreate', 'green', 'stopped'),
      }),
    ]);
    expect(bands.map((b) => [b.label, b.start, b.end, b.complete])).toEqual([
      ['recreate → green', 1000, 9000, false],
      ['canary → blue', 3000, 8000, true],
    ]);
  });
});

describe('eventsInInterval', () => {
  it('gives the pod events and steps of the second that ends at t', () => {
    const events = [
      ev('pod-added', 9000, { pod: 'early' }),
      ev('pod-ready', 9001, { pod: 'in' }),
      ev('rollout-step', 9500),
      ev('run-started', 9600),
      ev('rollout-started', 9700),
      ev('pod-gone', 10_000, { pod: 'edge' }),
      ev('pod-gone', 10_001, { pod: 'late' }),
    ];
    expect(eventsInInterval(events, 10_000, 1000).map((e) => e.pod ?? e.kind)).toEqual([
      'in',
      'rollout-step',
      'edge',
    ]);
  });

  it('treats pod events and steps as detail, runs and rollouts not', () => {
    expect(isDetailEvent('pod-crashed')).toBe(true);
    expect(isDetailEvent('rollout-step')).toBe(true);
    expect(isDetailEvent('rollout-started')).toBe(false);
    expect(isDetailEvent('rollout-progress')).toBe(false);
    expect(isDetailEvent('run-stopped')).toBe(false);
  });
});
