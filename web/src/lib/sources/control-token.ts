/**
 * The control token (`--control-token`), kept for this tab only: sessionStorage is per tab and gone when
 * the tab closes, and never sent anywhere by the browser on its own. Storage may be unavailable (privacy
 * settings): then the token lives as long as the page.
 */
import { writable } from 'svelte/store';
import type { ControlMessage } from '$protocol/stream.js';

const KEY = 'bluegreen.controlToken';
let fallback = '';

export function readToken(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return fallback;
  }
}

export function saveToken(token: string): void {
  fallback = token;
  try {
    if (token === '') sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // fallback holds it
  }
}

let lastControl: ControlMessage | null = null;

/** A control held back until the token is given (the run panel asks for it and sends it then). */
export const pendingControl = writable<ControlMessage | null>(null);

/**
 * Every control the page sends goes through here (the run panel's and the roll-out bar's alike): it carries
 * the token when the loadtester requires one; without a token yet it is held back (null) as pendingControl.
 * It is remembered, so a refusal for the token can send it again.
 */
export function withToken(message: ControlMessage, tokenRequired: boolean): ControlMessage | null {
  lastControl = message;
  if (!tokenRequired) return message;
  const token = readToken();
  if (token === '') {
    pendingControl.set(message);
    return null;
  }
  return { ...message, token };
}

/** The last control sent (without its token), for sending again once the token is given. */
export function lastSentControl(): ControlMessage | null {
  return lastControl;
}
