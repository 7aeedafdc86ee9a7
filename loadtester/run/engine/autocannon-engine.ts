/**
 * `--engine autocannon`: raw throughput, closed model only (no rate, keep-alive, no recycling).
 * A thin adapter: it tags responses from their headers (autocannon hands over no body, so there is no
 * body fallback) and counts each request once, but it cannot fix autocannon's client internals — a
 * request cut off by the server stays pending there, is only found at the end (counted as dropped
 * then), and later latencies on that connection are measured from its start. The default undici
 * engine has none of that; see test/loadtester/autocannon-defect.test.ts.
 */
import { createRequire } from 'node:module';
import type autocannonType from 'autocannon';
import type { AutocannonClient, Instance } from 'autocannon';
import { readIdentity } from '../../../protocol/identity.js';
import { newConnectionTrack, type ConnectionTrack } from '../../count/connection-track.js';
import type { EngineOptions, LoadEngine, Recorder } from './engine.js';
import { classifyError } from '../classify.js';

interface ClientState {
  pending: number;
  color: string | null;
  pod: string | null;
  track: ConnectionTrack;
}

// Loaded when a run uses this engine: autocannon and its dependencies are most of `load`'s start-up
// otherwise, and the default engine does not need them.
const loadAutocannon = (): typeof autocannonType =>
  createRequire(import.meta.url)('autocannon') as typeof autocannonType;

// autocannon needs a duration; the run stops it. setTimeout caps at 2^31 ms.
const FOREVER_S = 2_000_000;

export class AutocannonEngine implements LoadEngine {
  private instance: Instance | null = null;
  private readonly clients: ClientState[] = [];
  private finished: Promise<void> | null = null;
  private stoppedByUs = false;
  readonly skipped = { backoff: 0, busy: 0 };
  sendingEndedAt: number | null = null;
  onSendingEnded: (() => void) | null = null;

  constructor(
    private readonly options: EngineOptions,
    private readonly recorder: Recorder,
  ) {}

  get inFlight(): number {
    let n = 0;
    for (const c of this.clients) n += c.pending;
    return n;
  }

  start(): void {
    const recorder = this.recorder;
    const instance = loadAutocannon()({
      url: this.options.url.href,
      connections: this.options.connections,
      pipelining: 1,
      timeout: Math.max(1, Math.round(this.options.timeoutMs / 1000)),
      headers: this.options.headers,
      ...(this.options.requests !== null ? { amount: this.options.requests } : { duration: FOREVER_S }),
      setupClient: (client: AutocannonClient) => {
        const state: ClientState = { pending: 0, color: null, pod: null, track: newConnectionTrack() };
        this.clients.push(state);
        client.on('request', () => {
          state.pending++;
          recorder.sent();
        });
        client.on('headers', (info) => {
          const identity = readIdentity(info.headers);
          state.color = identity?.color ?? null;
          state.pod = identity?.pod ?? null;
        });
        client.on('response', (status, _bytes, responseTime) => {
          if (state.pending > 0) state.pending--;
          recorder.response(status, state.color, state.pod, responseTime, state.track);
        });
        const fail = (error: unknown): void => {
          // A redial with no new request behind it is not another outcome.
          if (state.pending === 0) return;
          state.pending--;
          recorder.failure(classifyError(error), 0, error, state.track);
        };
        client.on('connError', (error: unknown) => {
          fail(error);
          recorder.closed(state.track);
        });
        client.on('timeout', () => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      },
    });
    this.instance = instance;
    this.finished = new Promise<void>((resolve) => {
      instance.on('done', () => {
        this.sendingEndedAt ??= performance.now();
        this.settleLeftovers();
        resolve();
        if (!this.stoppedByUs) this.onSendingEnded?.();
      });
    });
  }

  setRate(rate: number | null): void {
    if (rate !== null) throw new Error('the autocannon engine runs at maximum rate only');
  }

  async finish(): Promise<void> {
    if (!this.instance || !this.finished) return;
    if (this.sendingEndedAt === null) {
      this.stoppedByUs = true;
      this.sendingEndedAt = performance.now();
      this.instance.stop();
    }
    await this.finished;
  }

  abort(): Promise<void> {
    return this.finish();
  }

  /**
   * autocannon abandons the request each connection has in flight when stopped: those are taken back
   * from `sent`. Anything else still pending was lost on a cut connection: dropped.
   */
  private settleLeftovers(): void {
    for (const state of this.clients) {
      if (state.pending > 0 && this.stoppedByUs) {
        state.pending--;
        this.recorder.unsent(1);
      }
      for (; state.pending > 0; state.pending--) this.recorder.failure('dropped', 0, undefined, state.track);
    }
  }
}
