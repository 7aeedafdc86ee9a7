/** Where a replay's report comes from, in the browser: embedded in the page, or fetched from `?report=URL`. */
import { REPORT_ELEMENT_ID, REPORT_ENCODING } from '$protocol/replay-embed.js';
import { parseReplay, ReplayError, type Replay } from './replay.js';

/** The report embedded in this page, inflated (gzip, then base64); null when there is none. */
export async function embeddedReplay(doc: Document): Promise<Replay | null> {
  const element = doc.getElementById(REPORT_ELEMENT_ID);
  if (!element) return null;
  if (element.dataset.encoding !== REPORT_ENCODING) throw new ReplayError('replay.encoding');
  const binary = atob((element.textContent ?? '').trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return parseReplay(await new Response(stream).text());
}

export async function fetchReplay(url: string): Promise<Replay> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new ReplayError('replay.unreadable', { url, status: String(response.status) });
  return parseReplay(await response.text());
}
