/**
 * The page and the loadtester must speak the same stream protocol: a page reading another version's ticks
 * would misread them (protocol 1's ticks carry no attribution, so every colour would read as failure-free).
 */
import { PROTOCOL_VERSION, type HelloMessage } from '../../../../protocol/stream.js';

/** Why this page refuses the stream that sent `hello`, or null when it speaks the page's protocol. */
export function protocolMismatch(hello: Pick<HelloMessage, 'protocol'>): string | null {
  const theirs: unknown = hello.protocol;
  if (theirs === PROTOCOL_VERSION) return null;
  const named =
    typeof theirs === 'number' || typeof theirs === 'string' ? String(theirs) : 'without a version';
  return `this dashboard speaks protocol ${PROTOCOL_VERSION}, the loadtester ${named}: use the same bluegreen version for both`;
}
