/**
 * The page and the loadtester must speak the same stream protocol: a page reading another version's ticks
 * would misread them (protocol 1's ticks carry no attribution, so every colour would read as failure-free).
 */
import { PROTOCOL_VERSION } from '$protocol/stream.js';
import { ENGLISH, type Words } from '../i18n/index.js';

/** Why this page refuses the stream whose hello named `protocol` (in the page's language), or null when it speaks the page's protocol. */
export function protocolMismatch(hello: { protocol?: unknown }, { t }: Words = ENGLISH): string | null {
  const theirs: unknown = hello.protocol;
  if (theirs === PROTOCOL_VERSION) return null;
  const named =
    typeof theirs === 'number' || typeof theirs === 'string' ? String(theirs) : t('protocol.no-version');
  return t('protocol.mismatch', { ours: String(PROTOCOL_VERSION), theirs: named });
}
