/**
 * The kinds of failure the dashboard counts, each with the one line that says what it means. The same list
 * labels the failure table and the rollout cards.
 */
import { FRONT_DOOR_KEY, UNKNOWN_KEY, type Outcomes } from '$protocol/outcomes.js';
import { en } from './i18n/en.js';

export type FailureKey =
  | 'timeouts'
  | 'refused'
  | 'reset'
  | 'other'
  | 'dropped'
  | '4xx'
  | '5xx'
  | 'skipped'
  | typeof FRONT_DOOR_KEY
  | typeof UNKNOWN_KEY;

/** A kind's label and meaning in English; the page shows them in its language (catalogue `failure.<key>`). */
export interface FailureKind {
  key: FailureKey;
  label: string;
  meaning: string;
}

function words<K extends FailureKey>(key: K): { key: K; label: string; meaning: string } {
  return { key, label: en[`failure.${key}`], meaning: en[`failure.${key}.meaning`] };
}

export interface CountedKind extends FailureKind {
  of: (o: Outcomes) => number;
}

export const COUNTED_KINDS: readonly CountedKind[] = [
  { ...words('timeouts'), of: (o) => o.timeouts },
  { ...words('refused'), of: (o) => o.errors.refused },
  { ...words('reset'), of: (o) => o.errors.reset },
  { ...words('other'), of: (o) => o.errors.other },
  { ...words('dropped'), of: (o) => o.dropped },
  { ...words('4xx'), of: (o) => o.responses['4xx'] },
  { ...words('5xx'), of: (o) => o.responses['5xx'] },
];

/** Not in Outcomes: due requests the loadtester could not send (see notSent in stores/headline.ts). */
export const NOT_SENT: FailureKind = words('skipped');

/** Who a failure belongs to when no pod can be named (see "Attribution" in docs/loadtester.md). */
export const FRONT_DOOR: FailureKind = words(FRONT_DOOR_KEY);

export const UNKNOWN: FailureKind = words(UNKNOWN_KEY);
