/** Control messages from the page: the protocol is accepted, anything else rejected with a message. */
import { describe, expect, it } from 'vitest';
import { parseControl } from '../../loadtester/hub.js';

describe('parseControl', () => {
  it('accepts the protocol and rejects the rest with a message', () => {
    expect(parseControl('{"type":"control","action":"set-rate","rate":5,"id":"a"}')).toEqual({
      type: 'control',
      id: 'a',
      action: 'set-rate',
      rate: 5,
    });
    expect(() => parseControl('nope')).toThrow(/not JSON/);
    expect(() => parseControl('{"type":"control","action":"target","url":"http://evil/"}')).toThrow(
      /unknown action/,
    );
    expect(() => parseControl('{"type":"control","action":"set-rate","rate":-1}')).toThrow(/rate/);
    expect(() => parseControl('{"type":"control","action":"rollout"}')).toThrow(/strategy/);
  });
});
