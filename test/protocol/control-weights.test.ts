import { describe, expect, it } from 'vitest';
import { MAX_WEIGHT, MAX_WEIGHTED_BACKENDS, parseControl } from '../../protocol/control.js';

const weights = (w: unknown) => JSON.stringify({ type: 'control', action: 'set-weights', weights: w });

describe('set-weights', () => {
  it('takes colour → whole-number weights', () => {
    expect(parseControl(weights({ blue: 90, green: 10 }))).toEqual({
      type: 'control',
      action: 'set-weights',
      weights: { blue: 90, green: 10 },
    });
    expect(parseControl(weights({ green: 0, blue: MAX_WEIGHT })).action).toBe('set-weights');
  });

  it.each([
    ['no weights', undefined, /set-weights needs weights/],
    ['a list', [90, 10], /set-weights needs weights/],
    ['no colour', {}, /names no colour/],
    ['a fraction', { blue: 0.5 }, /blue is 0.5/],
    ['a negative weight', { blue: -1 }, /blue is -1/],
    ['a string', { blue: '90' }, /blue is "90"/],
    ['a weight above the limit', { blue: MAX_WEIGHT + 1 }, /blue is 1001/],
    ['weights that sum to 0', { blue: 0, green: 0 }, /sum to 0/],
    [
      'too many colours',
      Object.fromEntries(Array.from({ length: MAX_WEIGHTED_BACKENDS + 1 }, (_, i) => [`c${i}`, 1])),
      /at most 16/,
    ],
  ])('refuses %s with a message that says what is wanted', (_, value, message) => {
    expect(() => parseControl(weights(value))).toThrow(message);
  });
});
