/** The per-address bucket of wrong control tokens: its burst, its refill, its lines, and how it counts addresses. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { clientKey, TokenGuesses } from '../../loadtester/dashboard/token-guesses.js';

function sink(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('TokenGuesses', () => {
  it('allows a burst of wrong tokens, then one per refill period; each address on its own', () => {
    const err = sink();
    const guesses = new TokenGuesses(err.stream, 3, 1000, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(guesses.lockedFor('10.0.0.1', 0)).toBe(0);
      guesses.wrong('10.0.0.1', 0);
    }
    expect(guesses.lockedFor('10.0.0.1', 0)).toBe(1000);
    expect(guesses.lockedFor('10.0.0.1', 400)).toBe(600);
    expect(guesses.lockedFor('10.0.0.2', 400)).toBe(0);
    expect(guesses.lockedFor('10.0.0.1', 1000)).toBe(0);
    guesses.wrong('10.0.0.1', 1000);
    expect(guesses.lockedFor('10.0.0.1', 1000)).toBe(1000);
  });

  it('says the first wrong token at once and the rest once per interval, with their count', async () => {
    const err = sink();
    const guesses = new TokenGuesses(err.stream, 2, 60_000, 100);
    for (let i = 0; i < 5; i++) guesses.wrong('10.0.0.9');
    expect(err.lines()).toEqual(['bluegreen: 1 wrong control token from 10.0.0.9']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(err.lines()).toHaveLength(2);
    expect(err.lines()[1]).toMatch(
      /^bluegreen: 4 wrong control tokens from 10\.0\.0\.9 in the last 0 s; its controls are refused for \d+ s$/,
    );
  });

  it('counts IPv6 clients by their /64 and IPv4-mapped ones as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientKey('127.0.0.1')).toBe('127.0.0.1');
  });
});
