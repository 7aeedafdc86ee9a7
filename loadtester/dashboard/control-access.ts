/** Whether a control from the page may act at all: controls enabled (--allow-control) and the right token. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ControlMessage } from '../../protocol/stream.js';
import { ControlRefused } from '../../protocol/control.js';
import type { LoadOptions } from '../options.js';

/** Throws what goes back to the page when the control may not act. */
export function checkControlAccess(
  options: Pick<LoadOptions, 'allowControl' | 'controlToken'>,
  message: ControlMessage,
): void {
  if (!options.allowControl)
    throw new Error('controls are disabled (start the loadtester with --allow-control)');
  const token = options.controlToken;
  if (token === null) return;
  const given = message.token;
  if (given === undefined || given === '') {
    throw new ControlRefused('this loadtester needs its control token for controls', 'token');
  }
  if (!sameSecret(given, token)) throw new ControlRefused('wrong control token', 'token');
}

/** Compares in constant time, whatever the lengths (hashes are of equal length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
