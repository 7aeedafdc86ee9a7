/** The words the rollout banner and cards share. Pure. */
import { COUNTED_KINDS, NOT_SENT, type FailureKind } from './failures.js';
import type { RolloutSummary } from './stores/rollouts.js';

const KINDS: readonly FailureKind[] = [...COUNTED_KINDS, NOT_SENT];

/** "48 s", "2 min 5 s"; tenths under ten seconds. */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  if (whole < 60) return `${whole} s`;
  const rest = whole % 60;
  return `${Math.floor(whole / 60)} min${rest ? ` ${rest} s` : ''}`;
}

/** The failure kinds that happened, most first, with their definitions (for FailureTerm). */
export function failureKinds(byKind: Record<string, number>): { kind: FailureKind; count: number }[] {
  return KINDS.map((kind) => ({ kind, count: byKind[kind.key] ?? 0 }))
    .filter((k) => k.count > 0)
    .sort((a, b) => b.count - a.count);
}

/** "0 failed", or "88 failed (85 refused, 3 not sent)". */
export function failedText(r: Pick<RolloutSummary, 'failed' | 'byKind'>): string {
  const kinds = failureKinds(r.byKind).map((k) => `${k.count.toLocaleString('en')} ${k.kind.label}`);
  return `${r.failed.toLocaleString('en')} failed${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
}

/** "recreate to green v2", or "rollback to blue v1". */
export function rolloutName(r: Pick<RolloutSummary, 'progress'>): string {
  const p = r.progress;
  return `${p.strategy} to ${p.color} ${p.version}`;
}

/** Why a rollout stopped early, from its finish message ("…: superseded by a newer rollout"). */
export function stopReason(message: string | null): string | null {
  if (message === null) return null;
  const at = message.indexOf(': ');
  return at < 0 ? message : message.slice(at + 2);
}

/** The banner's one line once a rollout is over. */
export function endLine(r: RolloutSummary): string {
  if (r.result === 'complete')
    return `${rolloutName(r)} finished in ${duration(r.durationMs)}, ${failedText(r)}`;
  const why = stopReason(r.message);
  return `${rolloutName(r)} stopped after ${duration(r.durationMs)}${why ? ` (${why})` : ''}, ${failedText(r)}`;
}
