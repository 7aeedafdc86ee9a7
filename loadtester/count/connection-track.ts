/**
 * One per connection, created by the engine once (not per request) and handed back with each outcome: the
 * recorder keeps in it which pods the connection's current socket named, so a request that gets no
 * response can be attributed to the latest (see "Attribution" in docs/loadtester.md) and each pod's
 * connections counted. The engine never reads it.
 */
export interface ConnectionTrack {
  /** The pod the current socket's latest response named (as the tally keys it); null before any. */
  pod: string | null;
  /** Every pod the current socket's responses named: one behind an L4 Service, several behind an L7 proxy. */
  readonly pods: Set<string>;
}

export function newConnectionTrack(): ConnectionTrack {
  return { pod: null, pods: new Set() };
}
