/**
 * The control token (`--control-token`), kept for this tab only: sessionStorage is per tab and gone when
 * the tab closes, and never sent anywhere by the browser on its own. Storage may be unavailable (privacy
 * settings): then the token lives as long as the page.
 */
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
