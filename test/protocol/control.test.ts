import { describe, expect, it } from 'vitest';
import { parseControl } from '../../protocol/control.js';

describe('parseControl', () => {
  it('accepts each action with its fields, keeping a string id', () => {
    expect(parseControl('{"type":"control","action":"start"}')).toEqual({ type: 'control', action: 'start' });
    expect(parseControl('{"type":"control","action":"stop","id":"7"}')).toEqual({
      type: 'control',
      id: '7',
      action: 'stop',
    });
    expect(parseControl('{"type":"control","action":"rollback"}')).toEqual({
      type: 'control',
      action: 'rollback',
    });
    expect(parseControl('{"type":"control","action":"set-rate","rate":2.5}')).toEqual({
      type: 'control',
      action: 'set-rate',
      rate: 2.5,
    });
    expect(
      parseControl('{"type":"control","action":"rollout","strategy":"rolling","color":"green"}'),
    ).toEqual({ type: 'control', action: 'rollout', strategy: 'rolling', color: 'green' });
  });

  it('keeps the control token, for the session to check', () => {
    expect(parseControl('{"type":"control","action":"stop","token":"t0ken-abc"}')).toEqual({
      type: 'control',
      token: 't0ken-abc',
      action: 'stop',
    });
    expect(parseControl('{"type":"control","action":"set-rate","rate":0.1,"token":"x"}')).toMatchObject({
      rate: 0.1,
      token: 'x',
    });
  });

  it('drops fields the action does not take (a control never carries a target)', () => {
    expect(parseControl('{"type":"control","action":"start","url":"http://evil/","rate":5}')).toEqual({
      type: 'control',
      action: 'start',
    });
  });

  it.each([
    ['nope', /not JSON/],
    ['[]', /unknown message type/],
    ['null', /must be a JSON object/],
    ['42', /must be a JSON object/],
    ['{"type":"tick"}', /unknown message type "tick"/],
    ['{"type":"control","action":"start","id":3}', /id must be a string/],
    ['{"type":"control"}', /unknown action undefined/],
    ['{"type":"control","action":"target","url":"http://evil/"}', /unknown action "target"/],
    ['{"type":"control","action":"set-rate"}', /set-rate needs a rate/],
    ['{"type":"control","action":"set-rate","rate":0}', /at least 0\.1/],
    ['{"type":"control","action":"set-rate","rate":1e-300}', /at least 0\.1/],
    ['{"type":"control","action":"set-rate","rate":0.09}', /at least 0\.1/],
    ['{"type":"control","action":"stop","token":7}', /token must be a string/],
    ['{"type":"control","action":"set-rate","rate":"5"}', /set-rate needs a rate/],
    ['{"type":"control","action":"set-rate","rate":1e999}', /set-rate needs a rate/],
    ['{"type":"control","action":"rollout","strategy":"rolling"}', /rollout needs a strategy and a color/],
  ])('rejects %s', (text, message) => {
    expect(() => parseControl(text)).toThrow(message);
  });
});
