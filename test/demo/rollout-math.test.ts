import { describe, expect, it } from 'vitest';
import {
  canarySteps,
  planRollingStep,
  resolveIntOrPercent,
  resolveRollingParams,
  type RollingParams,
} from '../../demo/rollout-math.js';

describe('resolveIntOrPercent', () => {
  it('reads numbers and percentages, rounding surge up and unavailable down', () => {
    expect(resolveIntOrPercent(1, 4, true)).toBe(1);
    expect(resolveIntOrPercent('2', 4, false)).toBe(2);
    expect(resolveIntOrPercent('25%', 10, true)).toBe(3);
    expect(resolveIntOrPercent('25%', 10, false)).toBe(2);
    expect(() => resolveIntOrPercent('a lot', 4, true)).toThrow(/not a whole number/);
    expect(() => resolveIntOrPercent(-1, 4, true)).toThrow();
  });

  it('never lets both be zero (the controller makes maxUnavailable 1)', () => {
    expect(resolveRollingParams(4, 0, 0)).toEqual({ replicas: 4, maxSurge: 0, maxUnavailable: 1 });
    expect(resolveRollingParams(4, '25%', '25%')).toEqual({ replicas: 4, maxSurge: 1, maxUnavailable: 1 });
  });
});

/**
 * Plays a whole rolling update: every reconcile, then new pods become available (after one round, as if
 * minReadySeconds passed) and scaled-down pods vanish. Returns every state seen.
 */
function simulate(params: RollingParams, startOld: number) {
  let newRs = { spec: 0, available: 0 };
  let old = { spec: startOld, available: startOld };
  const states: { newSpec: number; oldSpec: number; available: number }[] = [];
  for (let round = 0; round < 100; round++) {
    const plan = planRollingStep(params, newRs, [old]);
    newRs = { spec: plan.newSpec, available: newRs.available };
    old = { spec: plan.oldSpecs[0]!, available: Math.min(old.available, plan.oldSpecs[0]!) };
    states.push({ newSpec: newRs.spec, oldSpec: old.spec, available: newRs.available + old.available });
    if (newRs.available === params.replicas && old.spec === 0) break;
    newRs = { spec: newRs.spec, available: newRs.spec };
  }
  return states;
}

describe('planRollingStep', () => {
  it('with maxSurge 1 / maxUnavailable 0, adds one new pod, then removes one old, never below replicas', () => {
    const params = resolveRollingParams(4, 1, 0);
    const states = simulate(params, 4);
    for (const s of states) {
      expect(s.newSpec + s.oldSpec).toBeLessThanOrEqual(5);
      expect(s.available).toBeGreaterThanOrEqual(4);
    }
    // Each reconcile scales up before it scales down, so a removal shows in the next state.
    expect(states.map((s) => [s.newSpec, s.oldSpec])).toEqual([
      [1, 4],
      [1, 3],
      [2, 3],
      [2, 2],
      [3, 2],
      [3, 1],
      [4, 1],
      [4, 0],
    ]);
  });

  it('waits while the new pod is not yet available', () => {
    const params = resolveRollingParams(4, 1, 0);
    expect(planRollingStep(params, { spec: 1, available: 0 }, [{ spec: 4, available: 4 }])).toEqual({
      newSpec: 1,
      oldSpecs: [4],
    });
  });

  it('with maxUnavailable, scales old pods down before any new pod is ready', () => {
    const params = resolveRollingParams(4, 0, 2);
    expect(planRollingStep(params, { spec: 0, available: 0 }, [{ spec: 4, available: 4 }])).toEqual({
      newSpec: 0,
      oldSpecs: [2],
    });
    const states = simulate(params, 4);
    for (const s of states) expect(s.available).toBeGreaterThanOrEqual(2);
    expect(states.at(-1)).toMatchObject({ newSpec: 4, oldSpec: 0 });
  });

  it('removes unavailable old pods first and scales several old ReplicaSets oldest first', () => {
    const params = resolveRollingParams(4, 1, 0);
    // A rollout interrupted by another: two old ReplicaSets, one of them with a pod that is not ready.
    const plan = planRollingStep(params, { spec: 1, available: 1 }, [
      { spec: 2, available: 2 },
      { spec: 2, available: 1 },
    ]);
    expect(plan).toEqual({ newSpec: 1, oldSpecs: [2, 1] });
  });

  it('scales a new ReplicaSet above the replica count back down', () => {
    const plan = planRollingStep(resolveRollingParams(2, 1, 0), { spec: 4, available: 4 }, []);
    expect(plan).toEqual({ newSpec: 2, oldSpecs: [] });
  });
});

describe('canarySteps', () => {
  it('moves one replica per step until the canary has them all', () => {
    expect(canarySteps(4)).toEqual([
      { canary: 1, stable: 3 },
      { canary: 2, stable: 2 },
      { canary: 3, stable: 1 },
      { canary: 4, stable: 0 },
    ]);
    expect(canarySteps(4, 2)).toEqual([
      { canary: 3, stable: 1 },
      { canary: 4, stable: 0 },
    ]);
    expect(canarySteps(1)).toEqual([{ canary: 1, stable: 0 }]);
  });
});
