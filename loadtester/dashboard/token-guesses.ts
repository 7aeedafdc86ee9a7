/**
 * How many wrong control tokens one client address may send: a token bucket of guesses per address (10 at
 * once, then one every 6 s), so reconnecting for a fresh connection's control limit guesses no faster.
 * While an address has no guess left, its controls are refused without looking at the token, so a guess
 * then tells nothing. Each address's wrong tokens are said on stderr, at most one line a minute.
 *
 * IPv6 addresses count by their /64 (what one host is usually given); IPv4-mapped ones as IPv4. Behind a
 * proxy every client has the proxy's address: a guesser there locks the page out too, until it stops.
 */
import { isIPv6 } from 'node:net';

export const GUESS_BURST = 10;
export const GUESS_REFILL_MS = 6_000;
export const GUESS_LOG_INTERVAL_MS = 60_000;
/** Addresses remembered at most; past it the one seen least recently is forgotten. */
const MAX_ADDRESSES = 4096;

interface Guesser {
  guesses: number;
  at: number;
  /** Wrong tokens not said yet, and when the last line about this address was said. */
  unsaid: number;
  saidAt: number;
  timer: NodeJS.Timeout | null;
}

export class TokenGuesses {
  private readonly guessers = new Map<string, Guesser>();

  constructor(
    private readonly err: NodeJS.WritableStream,
    private readonly burst = GUESS_BURST,
    private readonly refillMs = GUESS_REFILL_MS,
    private readonly logIntervalMs = GUESS_LOG_INTERVAL_MS,
  ) {}

  /** Ms until `address` may try a token again; 0 when it may now. */
  lockedFor(address: string, now = Date.now()): number {
    const g = this.guessers.get(clientKey(address));
    if (!g) return 0;
    this.refill(g, now);
    return g.guesses >= 1 ? 0 : Math.ceil((1 - g.guesses) * this.refillMs);
  }

  /** A wrong token came from `address`: one guess spent, and said (now, or with the others at the minute's end). */
  wrong(address: string, now = Date.now()): void {
    const key = clientKey(address);
    let g = this.guessers.get(key);
    if (g) this.guessers.delete(key);
    else g = { guesses: this.burst, at: now, unsaid: 0, saidAt: -Infinity, timer: null };
    // Re-inserted, so the map's first entry is the one seen least recently.
    this.guessers.set(key, g);
    this.forgetOldest();
    this.refill(g, now);
    g.guesses = Math.max(0, g.guesses - 1);
    g.unsaid++;
    if (g.timer) return;
    const wait = g.saidAt + this.logIntervalMs - now;
    if (wait <= 0) return this.say(key, g, now);
    g.timer = setTimeout(() => {
      g.timer = null;
      this.say(key, g, Date.now());
    }, wait);
    g.timer.unref();
  }

  private refill(g: Guesser, now: number): void {
    g.guesses = Math.min(this.burst, g.guesses + (now - g.at) / this.refillMs);
    g.at = now;
  }

  private say(key: string, g: Guesser, now: number): void {
    if (g.unsaid === 0) return;
    const n = g.unsaid;
    const since = Number.isFinite(g.saidAt) ? ` in the last ${Math.round((now - g.saidAt) / 1000)} s` : '';
    g.unsaid = 0;
    g.saidAt = now;
    this.refill(g, now);
    const lockedS = g.guesses < 1 ? Math.ceil(((1 - g.guesses) * this.refillMs) / 1000) : 0;
    const locked = lockedS > 0 ? `; its controls are refused for ${lockedS} s` : '';
    this.err.write(`bluegreen: ${n} wrong control token${n === 1 ? '' : 's'} from ${key}${since}${locked}\n`);
  }

  private forgetOldest(): void {
    while (this.guessers.size > MAX_ADDRESSES) {
      const [key, g] = this.guessers.entries().next().value as [string, Guesser];
      if (g.timer) clearTimeout(g.timer);
      this.guessers.delete(key);
    }
  }
}

/** The address a guesser is counted by: IPv4 as it is, IPv6 by its /64. */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
