/**
 * The kinds of failure the dashboard counts, each with the one line that says what it means. The same list
 * labels the failure table and the rollout cards.
 */
import type { Outcomes } from '../../../protocol/stream.js';

export interface FailureKind {
  key: string;
  label: string;
  meaning: string;
}

export interface CountedKind extends FailureKind {
  of: (o: Outcomes) => number;
}

export const COUNTED_KINDS: readonly CountedKind[] = [
  {
    key: 'timeouts',
    label: 'timeouts',
    meaning: 'No answer within the timeout: the pod, or the path to it, hung.',
    of: (o) => o.timeouts,
  },
  {
    key: 'refused',
    label: 'refused',
    meaning: 'Connection refused: nothing listened there any more (a pod already gone, or no endpoint left).',
    of: (o) => o.errors.refused,
  },
  {
    key: 'reset',
    label: 'reset',
    meaning: 'The connection was torn down mid-request, as when a pod is killed without draining.',
    of: (o) => o.errors.reset,
  },
  {
    key: 'other',
    label: 'other network',
    meaning: 'Any other network error: name lookup, unreachable host, TLS.',
    of: (o) => o.errors.other,
  },
  {
    key: 'dropped',
    label: 'dropped',
    meaning: 'The connection closed with the request in flight (a stopping pod, or a recycled connection).',
    of: (o) => o.dropped,
  },
  {
    key: '4xx',
    label: '4xx',
    meaning: 'The server refused the request as wrong or not allowed (404, 429…).',
    of: (o) => o.responses['4xx'],
  },
  {
    key: '5xx',
    label: '5xx',
    meaning: 'The server failed (500), or a proxy had no healthy pod to send it to (502, 503, 504).',
    of: (o) => o.responses['5xx'],
  },
];

/** Not in Outcomes: due requests the loadtester could not send (see notSent in stores/headline.ts). */
export const NOT_SENT: FailureKind = {
  key: 'skipped',
  label: 'not sent',
  meaning:
    'Due at the asked rate but not sent: every connection was busy waiting on a slow or dead pod (sent late, or skipped after the timeout).',
};

/** Who a failure belongs to when no pod can be named (see "Attribution" in docs/loadtester.md). */
export const FRONT_DOOR: FailureKind = {
  key: 'front-door',
  label: 'front door',
  meaning: 'Responses that named no pod: a proxy, ingress or gateway answered itself (502, 503, 504, a 429).',
};

export const UNKNOWN: FailureKind = {
  key: 'unknown',
  label: 'unknown',
  meaning:
    'No response, on a connection that never reached a pod (refused, or a fresh connection reset), and due requests never sent.',
};
