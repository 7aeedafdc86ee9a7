/**
 * Whether a control from the page may act at all: controls enabled (--allow-control) and the right token,
 * from an address that has not used up its guesses (token-guesses.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ControlMessage } from '../../protocol/stream.js';
import { ControlRefused } from '../../protocol/control.js';
import type { LoadOptions } from '../options.js';
import { TokenGuesses } from './token-guesses.js';

export class ControlAccess {
  private readonly guesses: TokenGuesses;

  constructor(
    private readonly options: Pick<LoadOptions, 'allowControl' | 'controlToken'>,
    err: NodeJS.WritableStream,
  ) {
    this.guesses = new TokenGuesses(err);
  }

  /** Throws what goes back to the page when the control may not act; `from` is the client's address. */
  check(message: ControlMessage, from: string): void {
    if (!this.options.allowControl)
      throw new Error('controls are disabled (start the loadtester with --allow-control)');
    const token = this.options.controlToken;
    if (token === null) return;
    const given = message.token;
    if (given === undefined || given === '') {
      throw new ControlRefused('this loadtester needs its control token for controls', 'token');
    }
    const lockedMs = this.guesses.lockedFor(from);
    if (lockedMs > 0) {
      throw new ControlRefused(
        `too many wrong control tokens from this address: try again in ${Math.ceil(lockedMs / 1000)} s`,
        'token',
      );
    }
    if (!sameSecret(given, token)) {
      this.guesses.wrong(from);
      throw new ControlRefused('wrong control token', 'token');
    }
  }
}

/** Compares in constant time, whatever the lengths (hashes are of equal length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
