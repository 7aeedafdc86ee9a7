import { describe, expect, it } from 'vitest';
import {
  decimal,
  duration,
  latencyMs,
  oneOf,
  percentage,
  parseColor,
  parseLatency,
  port,
  text,
  wholeNumber,
} from '../../common/parsers.js';
import { UsageError } from '../../common/usage-error.js';

describe('value parsers', () => {
  it('read numbers within their range', () => {
    expect(wholeNumber(1, 20)('20', '--n')).toBe(20);
    expect(() => wholeNumber(1, 20)('1.5', '--n')).toThrow('--n: "1.5" must be a whole number from 1 to 20');
    expect(() => wholeNumber(1)('0', 'N')).toThrow('N: "0" must be a whole number ≥ 1');
    expect(() => wholeNumber(0)(' ', 'N')).toThrow(UsageError);
    expect(decimal(0, 1)('0.25', '--x')).toBe(0.25);
    expect(() => decimal(0, 1)('1.5', 'X')).toThrow('X: "1.5" must be a number from 0 to 1');
    expect(() => decimal(0.1)('fast', '--rate')).toThrow('--rate: "fast" must be a number ≥ 0.1');
  });

  it('read percentages, with or without %, up to their maximum', () => {
    expect(percentage(100)('0.5', 'P')).toBe(0.5);
    expect(percentage(100)(' 100 % ', 'P')).toBe(100);
    expect(percentage()('250%', 'P')).toBe(250);
    expect(() => percentage(100)('150%', '--p')).toThrow('--p: "150%" must be at most 100%');
    expect(() => percentage(100)('-1', '--p')).toThrow('--p: "-1" must be a percentage');
    expect(() => percentage(100)('%', '--p')).toThrow(UsageError);
  });

  it('read latency limits with units, a bare number as milliseconds', () => {
    expect(latencyMs()('250', 'L')).toBe(250);
    expect(latencyMs()('250ms', 'L')).toBe(250);
    expect(latencyMs()('1.5s', 'L')).toBe(1500);
    expect(() => latencyMs()('250 ms please', '--l')).toThrow('--l: "250 ms please" is not a duration');
  });

  it('refuse durations longer than a Node.js timer holds (2^31-1 ms), whatever the unit', () => {
    expect(duration()('596h', '--duration')).toBe(596 * 3_600_000);
    expect(duration()('2147483647ms', 'D')).toBe(2 ** 31 - 1);
    for (const raw of ['600h', '2147483648ms', '2147484s', '35792m', '1000000000', '596h32m']) {
      expect(() => duration()(raw, '--duration')).toThrow(`--duration: "${raw}" is too long: at most 596h`);
    }
  });

  it('read ports, durations, choices and text', () => {
    expect(port('0', '--port')).toBe(0);
    expect(() => port('70000', '--ui')).toThrow(
      /--ui: "70000" must be a whole number from 0 to 65535.*not a port/,
    );
    expect(duration(50)('1m30s', '--interval')).toBe(90_000);
    expect(() => duration(50)('10ms', '--interval')).toThrow(
      '--interval: "10ms" is too short (at least 50 ms)',
    );
    expect(() => duration()('soon', 'D')).toThrow('D: "soon" is not a duration');
    expect(oneOf(['a', 'b'])('b', '--x')).toBe('b');
    expect(() => oneOf(['a', 'b'])('c', '--x')).toThrow('--x: "c" must be one of a, b');
    expect(text(' v2 ', '--app-version')).toBe('v2');
    expect(() => text('', 'HOST')).toThrow('HOST: must be 1 to 128 characters');
  });

  it('read colours and latency ranges', () => {
    expect(parseColor(' Green ', 'COLOR')).toBe('green');
    expect(parseColor('#FF8800', 'COLOR')).toBe('#ff8800');
    expect(() => parseColor('not a colour', 'COLOR')).toThrow('COLOR: "not a colour" is not a CSS colour');
    expect(parseLatency('50', 'L')).toEqual({ minMs: 50, maxMs: 50 });
    expect(parseLatency('20-200', 'L')).toEqual({ minMs: 20, maxMs: 200 });
    expect(() => parseLatency('200-20', 'L')).toThrow('L: "200-20" has its maximum below its minimum');
  });
});
