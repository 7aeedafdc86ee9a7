import { describe, expect, it } from 'vitest';
import { duration, endLine, failedText, failureKinds, stopReason } from '../../web/src/lib/rollout-text.js';
import type { RolloutSummary } from '../../web/src/lib/stores/rollouts.js';

function summary(patch: Partial<RolloutSummary> = {}): RolloutSummary {
  return {
    id: 1,
    progress: {
      id: 1,
      strategy: 'rolling',
      color: 'green',
      version: 'v2',
      startedAt: 0,
      desired: 4,
      newReady: 4,
      oldRemaining: 0,
      endpoints: 4,
    },
    running: false,
    result: 'complete',
    message: 'rolling rollout to green (v2): complete',
    startedAt: 0,
    durationMs: 48_200,
    byKind: {},
    failed: 0,
    draining: null,
    failureWindow: null,
    noEndpointsMs: 0,
    darkMs: 0,
    worstLatencyMs: 3,
    ...patch,
  };
}

describe('rollout words', () => {
  it('durations: tenths under ten seconds, whole seconds, then minutes', () => {
    expect(duration(3400)).toBe('3.4 s');
    expect(duration(48_200)).toBe('48 s');
    expect(duration(125_000)).toBe('2 min 5 s');
    expect(duration(120_000)).toBe('2 min');
  });

  it('failures by kind, most first, only those that happened', () => {
    const byKind = { refused: 3, reset: 85, timeouts: 0, skipped: 3 };
    expect(failureKinds(byKind).map((k) => [k.kind.label, k.count])).toEqual([
      ['reset', 85],
      ['refused', 3],
      ['not sent', 3],
    ]);
    expect(failedText({ failed: 91, byKind })).toBe('91 failed (85 reset, 3 refused, 3 not sent)');
    expect(failedText({ failed: 0, byKind: {} })).toBe('0 failed');
  });

  it('the end line: finished in, or stopped after and why', () => {
    expect(endLine(summary())).toBe('rolling to green v2 finished in 48 s, 0 failed');
    expect(
      endLine(
        summary({
          result: 'stopped',
          message: 'rolling rollout to green (v2): interrupted: the demo is stopping',
          durationMs: 5000,
          failed: 2,
          byKind: { reset: 2 },
        }),
      ),
    ).toBe('rolling to green v2 stopped after 5.0 s (interrupted: the demo is stopping), 2 failed (2 reset)');
    expect(stopReason(null)).toBeNull();
  });
});
