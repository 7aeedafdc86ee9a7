import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../protocol/events.js';
import { currentColor, defaultRolloutColor } from '../../web/src/lib/rollout-colors.js';
import { PodBoard } from '../../web/src/lib/stores/pods.js';
import { event } from '../helpers/ticks.js';

const started = (color: string, t: number): EventMessage => ({
  type: 'event',
  kind: 'rollout-started',
  t,
  color,
});

describe('the roll-out colour', () => {
  it('is the colour most ready pods run before any rollout, then the latest rollout target', () => {
    const board = new PodBoard();
    board.event(event('pod-ready', 'b1', 1, 'blue'));
    board.event(event('pod-ready', 'b2', 2, 'blue'));
    board.event(event('pod-ready', 'g1', 3, 'green'));
    board.event(event('pod-added', 'g2', 4, 'green'));
    expect(currentColor([], board.list())).toBe('blue');
    expect(currentColor([started('green', 5)], board.list())).toBe('green');
    expect(currentColor([started('green', 5), started('blue', 6)], [])).toBe('blue');
    expect(currentColor([], [])).toBeNull();
  });

  it('defaults to the colour the pods are not running', () => {
    expect(defaultRolloutColor('blue')).toBe('green');
    expect(defaultRolloutColor('green')).toBe('blue');
    expect(defaultRolloutColor('orange')).toBe('green');
    expect(defaultRolloutColor(null)).toBe('green');
  });
});
