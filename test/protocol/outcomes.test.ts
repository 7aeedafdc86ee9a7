import { describe, expect, it } from 'vitest';
import {
  addOutcomes,
  countFailure,
  countResponse,
  emptyOutcomes,
  ERROR_KINDS,
  settled,
  STATUS_CLASSES,
  statusClass,
} from '../../protocol/outcomes.js';

describe('outcomes', () => {
  it('starts every count of the protocol at zero, in a fresh object each time', () => {
    const o = emptyOutcomes();
    expect(Object.keys(o.responses)).toEqual([...STATUS_CLASSES]);
    expect(Object.keys(o.errors)).toEqual([...ERROR_KINDS]);
    expect(Object.values(o.responses).concat(Object.values(o.errors))).toEqual(Array(8).fill(0));
    expect([o.sent, o.timeouts, o.dropped, o.failed]).toEqual([0, 0, 0, 0]);
    o.responses['2xx']++;
    expect(emptyOutcomes().responses['2xx']).toBe(0);
  });

  it('classes statuses, out-of-range ones into the nearest class', () => {
    expect([0, 100, 199, 200, 299, 302, 404, 499, 500, 599, 600].map(statusClass)).toEqual([
      '1xx',
      '1xx',
      '1xx',
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '5xx',
      '5xx',
      '5xx',
    ]);
  });

  it('counts 2xx and 3xx as successes, every other response and every failure as failed', () => {
    const o = emptyOutcomes();
    for (const status of [200, 204, 301, 101, 404, 503]) countResponse(o, status);
    for (const kind of ['refused', 'reset', 'other', 'timeout', 'dropped'] as const) countFailure(o, kind);
    expect(o.responses).toEqual({ '1xx': 1, '2xx': 2, '3xx': 1, '4xx': 1, '5xx': 1 });
    expect(o.errors).toEqual({ refused: 1, reset: 1, other: 1 });
    expect([o.timeouts, o.dropped, o.failed]).toEqual([1, 1, 8]);
    expect(o.sent).toBe(0); // sending is counted by whoever sends
    expect(settled(o)).toBe(11);
  });

  it('adds one set of outcomes into another', () => {
    const a = emptyOutcomes();
    const b = emptyOutcomes();
    a.sent = 3;
    countResponse(a, 200);
    countFailure(a, 'timeout');
    b.sent = 4;
    countResponse(b, 500);
    countFailure(b, 'reset');
    countFailure(b, 'dropped');
    addOutcomes(a, b);
    expect(a).toEqual({
      sent: 7,
      responses: { '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 1 },
      errors: { refused: 0, reset: 1, other: 0 },
      timeouts: 1,
      dropped: 1,
      failed: 4,
    });
    expect(settled(a)).toBe(5);
    expect(b.sent).toBe(4);
  });
});
