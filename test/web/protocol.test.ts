import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol/stream.js';
import { protocolMismatch } from '../../web/src/lib/sources/protocol.js';

describe('protocolMismatch', () => {
  it("accepts the page's own protocol", () => {
    expect(protocolMismatch({ protocol: PROTOCOL_VERSION })).toBeNull();
  });

  it('refuses another version, saying both and what to do', () => {
    expect(protocolMismatch({ protocol: 1 as never })).toBe(
      'this dashboard speaks protocol 2, the loadtester 1: use the same bluegreen version for both',
    );
    expect(protocolMismatch({ protocol: 3 as never })).toMatch(/protocol 2, the loadtester 3:/);
  });

  it('refuses a hello without a usable version', () => {
    expect(protocolMismatch({} as never)).toMatch(/the loadtester without a version:/);
    expect(protocolMismatch({ protocol: { v: 2 } } as never)).toMatch(/without a version/);
  });
});
