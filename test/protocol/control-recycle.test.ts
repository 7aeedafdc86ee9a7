import { describe, expect, it } from 'vitest';
import { MAX_RECYCLE_REQUESTS, parseControl } from '../../protocol/control.js';

describe('parseControl, set-recycle', () => {
  it('takes a whole number of requests within bounds, or null to stop recycling', () => {
    expect(parseControl('{"type":"control","action":"set-recycle","afterRequests":50,"id":"r"}')).toEqual({
      type: 'control',
      id: 'r',
      action: 'set-recycle',
      afterRequests: 50,
    });
    expect(
      parseControl(`{"type":"control","action":"set-recycle","afterRequests":${MAX_RECYCLE_REQUESTS}}`),
    ).toMatchObject({ afterRequests: MAX_RECYCLE_REQUESTS });
    expect(parseControl('{"type":"control","action":"set-recycle","afterRequests":null}')).toEqual({
      type: 'control',
      action: 'set-recycle',
      afterRequests: null,
    });
  });

  it.each(['0', '-3', '2.5', '"10"', 'true', String(MAX_RECYCLE_REQUESTS + 1), '1e999'])(
    'rejects afterRequests %s',
    (value) => {
      expect(() =>
        parseControl(`{"type":"control","action":"set-recycle","afterRequests":${value}}`),
      ).toThrow(/set-recycle needs afterRequests: a whole number from 1 to/);
    },
  );

  it('rejects a set-recycle without afterRequests', () => {
    expect(() => parseControl('{"type":"control","action":"set-recycle"}')).toThrow(/set-recycle needs/);
  });
});
