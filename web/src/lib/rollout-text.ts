/** The words the rollout banner and cards share, in the page's language (English by default). Pure. */
import type { Incident } from '$protocol/report.js';
import { COUNTED_KINDS, NOT_SENT, type FailureKind } from './failures.js';
import { ENGLISH, type Words } from './i18n/index.js';
import type { RolloutSummary } from './stores/rollouts.js';

const KINDS: readonly FailureKind[] = [...COUNTED_KINDS, NOT_SENT];

/** "48 s", "2 min 5 s"; tenths under ten seconds. */
export function duration(ms: number, { t, fmt }: Words = ENGLISH): string {
  const s = ms / 1000;
  if (s < 10) return t('unit.seconds', { n: fmt.number(s, 1) });
  const whole = Math.round(s);
  if (whole < 60) return t('unit.seconds', { n: whole });
  const rest = whole % 60;
  const minutes = Math.floor(whole / 60);
  return rest ? t('unit.minutes-seconds', { m: minutes, s: rest }) : t('unit.minutes', { n: minutes });
}

/** The failure kinds that happened, most first, with their definitions (for FailureTerm). */
export function failureKinds(byKind: Record<string, number>): { kind: FailureKind; count: number }[] {
  return KINDS.map((kind) => ({ kind, count: byKind[kind.key] ?? 0 }))
    .filter((k) => k.count > 0)
    .sort((a, b) => b.count - a.count);
}

/** "0 failed", or "88 failed (85 refused, 3 not sent)". */
export function failedText(
  r: Pick<RolloutSummary, 'failed' | 'byKind'>,
  { t, fmt }: Words = ENGLISH,
): string {
  const kinds = failureKinds(r.byKind).map((k) => `${fmt.number(k.count)} ${t(`failure.${k.kind.key}`)}`);
  return kinds.length
    ? t('rollout.failed-kinds', { n: r.failed, kinds: kinds.join(', ') })
    : t('rollout.failed', { n: r.failed });
}

/** "recreate to green v2", or "rollback to blue v1". */
export function rolloutName(r: Pick<RolloutSummary, 'progress'>, { t }: Words = ENGLISH): string {
  const p = r.progress;
  return t('rollout.name', { strategy: p.strategy, color: p.color, version: p.version });
}

/** Why a rollout stopped early, from its finish message ("…: superseded by a newer rollout"). */
export function stopReason(message: string | null): string | null {
  if (message === null) return null;
  const at = message.indexOf(': ');
  return at < 0 ? message : message.slice(at + 2);
}

/** The banner's one line once a rollout is over. */
export function endLine(r: RolloutSummary, w: Words = ENGLISH): string {
  const parts = { name: rolloutName(r, w), duration: duration(r.durationMs, w), failed: failedText(r, w) };
  if (r.result === 'complete') return w.t('rollout.finished', parts);
  const why = stopReason(r.message);
  return why ? w.t('rollout.stopped-why', { ...parts, why }) : w.t('rollout.stopped', parts);
}

/** "50 % of traffic still on 1 draining old pod over 5 kept-alive connections: …". */
export function drainingText(
  d: NonNullable<RolloutSummary['draining']>,
  { t, fmt }: Words = ENGLISH,
): string {
  const n = d.pods.length;
  return t('banner.draining', {
    share: fmt.percent(d.share),
    pods: t(n === 1 ? 'banner.draining-pods' : 'banner.draining-pods-many', { n }),
    connections: t(d.connections === 1 ? 'banner.connections' : 'banner.connections-many', {
      n: d.connections,
    }),
  });
}

/**
 * The incident that explains a rollout's failures: the latest that overlaps it (from its start to its end,
 * drain included), if its cause is a known one (not unexplained, nor unreadable while the cluster view failed).
 */
export function rolloutCause<I extends Pick<Incident, 'cause' | 'window'>>(
  r: Pick<RolloutSummary, 'startedAt' | 'settledAt'>,
  incidents: readonly I[],
): I | null {
  const end = r.settledAt ?? Infinity;
  for (let i = incidents.length - 1; i >= 0; i--) {
    const incident = incidents[i]!;
    if (incident.window.end < r.startedAt || incident.window.start > end) continue;
    return incident.cause === 'unexplained' || incident.cause === 'cluster-view-failing' ? null : incident;
  }
  return null;
}
