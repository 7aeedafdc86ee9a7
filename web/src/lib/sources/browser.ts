/**
 * Browser mode: the page served by the app sends its own requests (the seed's lab page), one every
 * `intervalMs`, with at most `maxInFlight` outstanding, `cache: 'no-store'`, a timeout, and no sending while
 * the tab is hidden. Each settled request becomes a sample (box grid) and goes into a per-second tally whose
 * ticks feed the same store as the live stream.
 */
import { readIdentity } from '$protocol/identity.js';
import type { Sample } from '$protocol/run.js';
import type { ControlMessage } from '$protocol/stream.js';
import { BrowserTally } from '../stores/tally.js';
import type { DataSource, SourceSink } from './source.js';
import { targetUrl } from './urls.js';

export const INTERVALS_MS = [1, 10, 50, 100] as const;

export interface BrowserOptions {
  /** Relative to the page (default the app's own `api/info`) or absolute. */
  path: string;
  intervalMs: number;
  active: boolean;
  maxInFlight: number;
  timeoutMs: number;
}

export const DEFAULT_BROWSER_OPTIONS: BrowserOptions = {
  path: 'api/info',
  intervalMs: 100,
  active: true,
  // Browsers open at most 6 HTTP/1.1 connections per host; more in flight would only queue inside the browser.
  maxInFlight: 6,
  timeoutMs: 10_000,
};

export class BrowserSource implements DataSource {
  readonly kind = 'browser';
  private sink: SourceSink | null = null;
  private tally = new BrowserTally(Date.now());
  private inFlight = 0;
  private sendTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private nextDue = 0;
  private readonly onVisibility = (): void => this.schedule();
  options: BrowserOptions;

  constructor(
    private readonly pageHref: string,
    options: Partial<BrowserOptions> = {},
  ) {
    this.options = { ...DEFAULT_BROWSER_OPTIONS, ...options };
  }

  start(sink: SourceSink): void {
    this.sink = sink;
    this.tally.reset(Date.now());
    this.tickTimer = setInterval(() => this.emitTick(), 1000);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.report();
    this.schedule();
  }

  stop(): void {
    if (this.sendTimer !== null) clearTimeout(this.sendTimer);
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.sendTimer = null;
    this.tickTimer = null;
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Changes options (path, interval, active…) and reschedules at once. */
  update(patch: Partial<BrowserOptions>): void {
    this.options = { ...this.options, ...patch };
    this.nextDue = 0;
    this.report();
    this.schedule();
  }

  /** Zeroes the tally (the Reset button; the store is reset by the caller). */
  resetTally(): void {
    this.tally.reset(Date.now());
  }

  send(_control: ControlMessage): boolean {
    return false;
  }

  get paused(): boolean {
    return !this.options.active || document.hidden;
  }

  private report(): void {
    const detail = !this.options.active ? 'inactive' : document.hidden ? 'paused while hidden' : 'sending';
    this.sink?.connection({ status: 'browser', detail });
  }

  private emitTick(): void {
    const asked = this.options.active ? 1000 / this.options.intervalMs : 0;
    this.sink?.message(this.tally.tick(Date.now(), this.inFlight, asked));
  }

  /** Sends what is due, then sleeps until the next request is due (or a slot frees up). */
  private schedule(): void {
    if (this.sendTimer !== null) clearTimeout(this.sendTimer);
    this.sendTimer = null;
    this.report();
    if (this.paused || !this.sink) return;
    const now = performance.now();
    if (this.nextDue < now - this.options.intervalMs) this.nextDue = now; // no catch-up bursts after a stall
    while (this.nextDue <= now && this.inFlight < this.options.maxInFlight) {
      this.nextDue += this.options.intervalMs;
      void this.fire();
    }
    // When the cap is reached, the next settle calls schedule(); otherwise wake when the next one is due.
    if (this.inFlight < this.options.maxInFlight) {
      this.sendTimer = setTimeout(() => this.schedule(), Math.max(0, this.nextDue - performance.now()));
    }
  }

  private async fire(): Promise<void> {
    this.inFlight++;
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let sample: Sample;
    try {
      const response = await fetch(targetUrl(this.options.path, this.pageHref), {
        cache: 'no-store',
        signal: controller.signal,
        headers: { accept: 'application/json' },
      });
      // Read the body so the latency covers the whole response and the connection is reusable; it also
      // names the pod when the headers do not (another origin that does not expose them).
      const body = await response.text();
      const identity = readIdentity((name) => response.headers.get(name), body);
      sample = {
        t: Date.now(),
        outcome: 'response',
        status: response.status,
        color: identity?.color ?? null,
        pod: identity?.pod ?? null,
        latencyMs: performance.now() - started,
      };
    } catch {
      // The browser does not say why a fetch failed (refused, reset, DNS…): "other" is the honest kind.
      sample = {
        t: Date.now(),
        outcome: controller.signal.aborted ? 'timeout' : 'other',
        status: null,
        color: null,
        pod: null,
        latencyMs: performance.now() - started,
      };
    } finally {
      clearTimeout(timer);
      this.inFlight--;
    }
    this.tally.add(sample);
    this.sink?.message({ type: 'sample', samples: [sample] });
    if (this.sendTimer === null) this.schedule();
  }
}
