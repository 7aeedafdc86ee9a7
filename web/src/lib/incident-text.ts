/**
 * An incident's words in the page's language: its advice by cause, and its failures by kind. The loadtester
 * writes them in English (loadtester/count/incidents.ts); the page says the same in its own words, and
 * keeps the loadtester's sentence for a cause it does not know. Evidence lines stay as written: they are
 * the loadtester's facts (pod names, times, counts). Pure.
 */
import type { Incident } from '$protocol/report.js';
import { ENGLISH, type MessageKey, type Words } from './i18n/index.js';

const SUMMARY: Partial<Record<string, MessageKey>> = {
  'no-ready-endpoints': 'incident.summary.no-ready-endpoints',
  'missing-drain': 'incident.summary.missing-drain',
  'keep-alive-to-terminating': 'incident.summary.keep-alive-to-terminating',
  'cluster-view-failing': 'incident.summary.cluster-view-failing',
  unexplained: 'incident.summary.unexplained',
};

const KIND: Partial<Record<string, MessageKey>> = {
  refused: 'incident.kind.refused',
  reset: 'incident.kind.reset',
  other: 'incident.kind.other',
  timeouts: 'incident.kind.timeouts',
  dropped: 'incident.kind.dropped',
  '4xx': 'incident.kind.4xx',
  '5xx': 'incident.kind.5xx',
  'not sent': 'incident.kind.not sent',
};

/** The new colour a bad-new-version summary names: "the new version (green) answers worse…". */
function newColor(summary: string): string | null {
  return /\(([^()]+)\)/.exec(summary)?.[1] ?? null;
}

export function incidentSummary(
  incident: Pick<Incident, 'cause' | 'summary'>,
  { t }: Words = ENGLISH,
): string {
  if (incident.cause === 'bad-new-version') {
    const color = newColor(incident.summary);
    return color === null ? incident.summary : t('incident.summary.bad-new-version', { color });
  }
  const key = Object.hasOwn(SUMMARY, incident.cause) ? SUMMARY[incident.cause] : undefined;
  return key ? t(key) : incident.summary;
}

/** "12 refused, 3 not sent", each kind in the page's words (an unknown kind as the loadtester named it). */
export function incidentKinds(counts: Record<string, number>, { t, fmt }: Words = ENGLISH): string {
  return Object.entries(counts)
    .map(([kind, n]) => {
      const key = Object.hasOwn(KIND, kind) ? KIND[kind] : undefined;
      return `${fmt.number(n)} ${key ? t(key) : kind}`;
    })
    .join(', ');
}
