/**
 * The Deployment controller's arithmetic, without I/O: how far a rolling update may scale the new
 * ReplicaSet up and the old ones down at each moment (kubernetes pkg/controller/deployment/rolling.go),
 * and the canary's steps. The driver calls these again whenever a pod changes state.
 */

/** An int-or-percent as a manifest writes it: `1`, `"1"`, `"25%"`. */
export type IntOrPercent = number | string;

export function isIntOrPercent(value: unknown): value is IntOrPercent {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0;
  return typeof value === 'string' && /^\d+%?$/.test(value.trim());
}

/** Resolves against the replica count; percentages round up for surge and down for unavailable. */
export function resolveIntOrPercent(value: IntOrPercent, replicas: number, roundUp: boolean): number {
  const text = String(value).trim();
  if (!isIntOrPercent(typeof value === 'number' ? value : text)) {
    throw new Error(`"${String(value)}" is not a whole number or a percentage`);
  }
  if (!text.endsWith('%')) return Number(text);
  const exact = (Number(text.slice(0, -1)) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface RollingParams {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
}

/** As the controller does: both zero would never make progress, so maxUnavailable becomes 1. */
export function resolveRollingParams(
  replicas: number,
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
): RollingParams {
  const surge = resolveIntOrPercent(maxSurge, replicas, true);
  const unavailable = resolveIntOrPercent(maxUnavailable, replicas, false);
  return { replicas, maxSurge: surge, maxUnavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** A ReplicaSet as the controller sees it: wanted pods, and how many of them are available. */
export interface ReplicaSetCounts {
  /** spec.replicas */
  spec: number;
  /** Ready for at least minReadySeconds (terminating pods never count). */
  available: number;
}

export interface RollingPlan {
  newSpec: number;
  /** In the order the old ReplicaSets were given (oldest first). */
  oldSpecs: number[];
}

/** One reconcile of a RollingUpdate: scale the new ReplicaSet up within the surge, then the old ones down. */
export function planRollingStep(
  params: RollingParams,
  newRs: ReplicaSetCounts,
  oldRss: ReplicaSetCounts[],
): RollingPlan {
  const { replicas, maxSurge, maxUnavailable } = params;
  const sum = (list: ReplicaSetCounts[], key: keyof ReplicaSetCounts): number =>
    list.reduce((total, rs) => total + rs[key], 0);

  // reconcileNewReplicaSet
  let newSpec = newRs.spec;
  if (newSpec > replicas) newSpec = replicas;
  else {
    const current = newRs.spec + sum(oldRss, 'spec');
    const maxTotal = replicas + maxSurge;
    if (current < maxTotal) newSpec = Math.min(newRs.spec + (maxTotal - current), replicas);
  }
  const newNow = { spec: newSpec, available: newRs.available };

  // reconcileOldReplicaSets
  const old = oldRss.map((rs) => ({ ...rs }));
  if (sum(old, 'spec') === 0) return { newSpec, oldSpecs: old.map((rs) => rs.spec) };
  const all = [newNow, ...old];
  const minAvailable = replicas - maxUnavailable;
  const newUnavailable = newNow.spec - newNow.available;
  const maxScaledDown = sum(all, 'spec') - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return { newSpec, oldSpecs: old.map((rs) => rs.spec) };

  // cleanupUnhealthyReplicas: unavailable old pods go first; they serve nobody.
  let cleaned = 0;
  for (const rs of old) {
    const down = Math.min(maxScaledDown - cleaned, rs.spec - rs.available);
    rs.spec -= down;
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate
  const available = sum([newNow, ...old], 'available');
  let budget = available - minAvailable;
  for (const rs of old) {
    if (budget <= 0) break;
    const down = Math.min(rs.spec, budget);
    rs.spec -= down;
    budget -= down;
  }
  return { newSpec, oldSpecs: old.map((rs) => rs.spec) };
}

export interface CanaryStep {
  /** Pods of the new version after this step. */
  canary: number;
  /** Pods of the old version after this step. */
  stable: number;
}

/**
 * The canary's steps when the share is set by replica counts (two Deployments behind one Service): one
 * more new pod and one fewer old pod per step, so the new version's share grows by 1/replicas each time.
 * Steps already reached (`fromCanary`) are skipped.
 */
export function canarySteps(replicas: number, fromCanary = 0): CanaryStep[] {
  const steps: CanaryStep[] = [];
  for (let canary = Math.max(1, fromCanary + 1); canary <= replicas; canary++) {
    steps.push({ canary, stable: replicas - canary });
  }
  return steps;
}
