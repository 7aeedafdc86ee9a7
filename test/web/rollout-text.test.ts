import { describe, expect, it } from 'vitest';
import {
  drainingText,
  duration,
  endLine,
  failedText,
  failureKinds,
  rolloutCause,
  stopReason,
} from '../../web/src/lib/rollout-text.js';
import { incidentKinds, incidentSummary } from '../../web/src/lib/incident-text.js';
import { wordsFor } from '../../web/src/lib/i18n/index.js';
import type { Incident } from '../../protocol/report.js';
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
    settledAt: 48_200,
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

  it('complete while old pods drain: how much traffic they still hold, and over how many connections', () => {
    const d = { pods: ['app-blue-1'], share: 0.503, connections: 5 };
    expect(drainingText(d)).toBe(
      '50.3% of traffic still on 1 draining old pod over 5 kept-alive connections: the old pods serve their kept-alive connections until they close',
    );
    expect(drainingText({ pods: ['a', 'b'], share: 0.2, connections: 1 })).toMatch(
      /^20\.0% of traffic still on 2 draining old pods over 1 kept-alive connection:/,
    );
    expect(drainingText(d, wordsFor('ko'))).toMatch(/^트래픽의 50\.3%가 아직 드레인 중인 이전 파드 1개에/);
  });

  it("the cause of a rollout's failures: the latest incident within it and its drain, a known cause only", () => {
    const at = (start: number, end: number, cause: Incident['cause']) => ({
      cause,
      window: { start, end, startMs: 0, endMs: 0 },
    });
    const r = { startedAt: 10_000, settledAt: 40_000 };
    expect(rolloutCause(r, [at(1000, 5000, 'missing-drain')])).toBeNull();
    expect(rolloutCause(r, [at(12_000, 20_000, 'bad-new-version')])?.cause).toBe('bad-new-version');
    // After the finish, in its drain: still its own.
    expect(rolloutCause(r, [at(38_000, 41_000, 'missing-drain')])?.cause).toBe('missing-drain');
    expect(rolloutCause(r, [at(41_000, 45_000, 'missing-drain')])).toBeNull();
    expect(rolloutCause({ ...r, settledAt: null }, [at(41_000, 45_000, 'missing-drain')])?.cause).toBe(
      'missing-drain',
    );
    expect(rolloutCause(r, [at(12_000, 20_000, 'unexplained')])).toBeNull();
    // Not a cause either: what the cluster would have told is missing (no "probable cause", no roll-back offer).
    expect(rolloutCause(r, [at(12_000, 20_000, 'cluster-view-failing')])).toBeNull();
  });

  it("an incident's advice and kinds in the page's language, the loadtester's sentence for a cause it does not know", () => {
    const bad = {
      cause: 'bad-new-version' as const,
      summary:
        'the new version (green) answers worse than the old: roll back and fix it before rolling out again',
    };
    expect(incidentSummary(bad)).toBe(bad.summary);
    expect(incidentSummary(bad, wordsFor('ko'))).toBe(
      '새 버전(green)이 이전 버전보다 나쁘게 응답합니다: 롤백하고 고친 뒤 다시 롤아웃하세요',
    );
    const other = { cause: 'something-new' as Incident['cause'], summary: 'as the loadtester said' };
    expect(incidentSummary(other, wordsFor('ko'))).toBe('as the loadtester said');
    expect(incidentKinds({ refused: 1200, 'not sent': 3 })).toBe('1,200 refused, 3 not sent');
    expect(incidentKinds({ refused: 12, 'not sent': 3, odd: 1 }, wordsFor('ko'))).toBe(
      '12 연결 거부, 3 보내지 못함, 1 odd',
    );
  });
});
