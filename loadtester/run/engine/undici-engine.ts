/**
 * Sends the requests: one undici Client per connection (pipelining 1), our own pacing, recycling, backoff
 * and request deadlines, and exactly one outcome reported for every request sent.
 */
// The Client class alone, not undici's index: the index also loads fetch, WebSocket, the cache and the
// mocks, about 60 ms of `load`'s start-up that a run never uses.
import Client from 'undici/lib/dispatcher/client.js';
import type { Dispatcher } from 'undici';
import {
  IDENTITY_BODY_LIMIT,
  incomplete,
  readIdentity,
  type ResponseIdentity,
} from '../../../protocol/identity.js';
import { newConnectionTrack, type ConnectionTrack } from '../../count/connection-track.js';
import type { SkipCounts } from '../../count/skip-counts.js';
import type { EngineOptions, LoadEngine, Recorder, Recycle } from './engine.js';
import { Pacer } from '../pacing.js';
import { classifyError } from '../classify.js';

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;
const clock = (): number => performance.now();
/** How often in-flight requests are checked against their deadline: a tenth of the timeout, within bounds. */
const sweepMs = (timeoutMs: number): number => Math.min(250, Math.max(10, Math.round(timeoutMs / 10)));

interface Conn {
  client: Client;
  busy: boolean;
  /** Responses completed on the current socket. */
  served: number;
  connectedAt: number;
  backoffMs: number;
  readyAt: number;
  /** The connection's one handler, reused by each of its requests (at most one in flight: pipelining 1). */
  handler: ResponseHandler;
  /** When the request in flight must have ended; Infinity when none is in flight or it has expired. */
  deadline: number;
  /** The recorder's per-connection state (which pod the socket last named). */
  track: ConnectionTrack;
}

class ResponseHandler implements Dispatcher.DispatchHandler {
  private dueMs = 0;
  private status = 0;
  private identity: ResponseIdentity | null = null;
  /** Kept only when the headers leave the colour or the pod unnamed: then the body may name it (see readIdentity). */
  private body: Buffer[] | null = null;
  private rawHeaders: Buffer[] | null = null;
  private bodyBytes = 0;
  private abort: ((error: Error) => void) | null = null;
  private expired: Error | null = null;

  constructor(
    private readonly engine: UndiciEngine,
    private readonly conn: Conn,
  ) {}

  /** Readies the handler for the connection's next request: undici is done with the one before. */
  begin(dueMs: number): void {
    this.dueMs = dueMs;
    this.status = 0;
    this.identity = null;
    this.body = null;
    this.rawHeaders = null;
    this.bodyBytes = 0;
    this.abort = null;
    this.expired = null;
  }

  /** undici hands over the request's abort once it is written to a connected socket. */
  onConnect(abort: (error: Error) => void): void {
    if (this.expired) abort(this.expired);
    else this.abort = abort;
  }

  /**
   * The request's deadline passed: abort it (undici destroys its socket); it ends as a timeout. Returns
   * the error when the request is not on a socket yet (still connecting): the caller ends it.
   */
  expire(timeoutMs: number): Error | null {
    this.expired = Object.assign(new Error(`no complete response within the ${timeoutMs} ms timeout`), {
      code: 'ETIMEDOUT',
    });
    if (!this.abort) return this.expired;
    this.abort(this.expired);
    return null;
  }

  onHeaders(statusCode: number, raw: Buffer[]): boolean {
    this.status = statusCode;
    this.identity = readIdentity(raw);
    if (incomplete(this.identity)) {
      this.body = [];
      this.rawHeaders = raw;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body && this.bodyBytes < IDENTITY_BODY_LIMIT) {
      this.body.push(chunk);
      this.bodyBytes += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    if (this.body && this.bodyBytes > 0 && this.bodyBytes < IDENTITY_BODY_LIMIT) {
      this.identity = readIdentity(this.rawHeaders, Buffer.concat(this.body).toString('utf8'));
    }
    const identity = this.identity;
    this.engine.settleResponse(
      this.conn,
      this.dueMs,
      this.status,
      identity?.color ?? null,
      identity?.pod ?? null,
    );
  }

  onError(error: Error): void {
    this.engine.settleError(this.conn, this.dueMs, error);
  }
}

export class UndiciEngine implements LoadEngine {
  private readonly conns: Conn[] = [];
  private readonly idle: Conn[] = [];
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private pacer: Pacer | null = null;
  private rate: number | null;
  private recycle: Recycle;
  /** Due times of paced requests waiting for a free connection (open model), and why each had to wait. */
  private queue: number[] = [];
  private queueWhy: (keyof SkipCounts)[] = [];
  private queueHead = 0;
  /** Connections waiting out a backoff after a failure. */
  private backingOff = 0;
  private timer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private busy = 0;
  private dispatched = 0;
  private sending = false;
  /** No paced request is due at or after this (clock() time; null: no duration). */
  private sendUntil: number | null = null;
  private drainWaiters: (() => void)[] = [];
  /** Paced requests never sent because no connection was free within the timeout, by why none was. */
  readonly skipped: SkipCounts = { backoff: 0, busy: 0 };
  sendingEndedAt: number | null = null;
  /** Called once when the engine stops sending on its own (request limit reached). */
  onSendingEnded: (() => void) | null = null;

  constructor(
    private readonly options: EngineOptions,
    private readonly recorder: Recorder,
  ) {
    this.rate = options.rate;
    this.recycle = options.recycle;
    this.path = options.url.pathname + options.url.search;
    this.headers = options.headers;
    for (let i = 0; i < options.connections; i++) this.conns.push(this.newConn());
  }

  get inFlight(): number {
    return this.busy;
  }

  start(): void {
    this.sending = true;
    // undici's own timeouts are idle timeouts (a body trickling a byte at a time never trips them):
    // the whole-request deadline is checked here, one sweep over the connections for all requests.
    this.sweeper = setInterval(() => this.sweep(), sweepMs(this.options.timeoutMs)).unref();
    const now = clock();
    this.sendUntil = this.options.durationMs === null ? null : now + this.options.durationMs;
    if (this.rate === null) {
      for (const conn of this.conns) this.dispatch(conn, now, now);
    } else {
      this.idle.push(...this.conns);
      this.pacer = new Pacer(this.rate, now);
      this.tick();
    }
  }

  setRate(rate: number | null): void {
    if (rate === this.rate) return;
    const wasOpen = this.rate !== null;
    this.rate = rate;
    if (!this.sending) return;
    if (rate === null) {
      this.clearTimer();
      this.pacer = null;
      const now = clock();
      while (this.queueHead < this.queue.length && this.busy < this.conns.length) {
        const conn = this.idle.shift();
        if (!conn) break;
        this.dispatch(conn, this.queue[this.queueHead++]!, now);
      }
      this.skipQueued();
      for (const conn of this.idle.splice(0)) this.dispatch(conn, now, now);
    } else if (wasOpen && this.pacer) {
      this.pacer.setRate(rate, clock());
      this.clearTimer();
      this.tick();
    } else {
      // Closed → open: busy connections join the idle pool as they complete.
      this.pacer = new Pacer(rate, clock());
      this.tick();
    }
  }

  setRecycle(recycle: Recycle): void {
    this.recycle = recycle;
  }

  /** Stops sending; resolves once every request in flight has settled. */
  async finish(): Promise<void> {
    this.stopSending();
    await this.drained();
    this.stopSweeping();
    await Promise.all(this.conns.map((c) => c.client.close().catch(() => undefined)));
  }

  /** Stops sending and destroys the connections: requests still in flight end as dropped. */
  async abort(): Promise<void> {
    this.stopSending();
    const cut = (): Error =>
      Object.assign(new Error('cut off in flight when the run was stopped'), { code: 'UND_ERR_DESTROYED' });
    await Promise.all(this.conns.map((c) => c.client.destroy(cut()).catch(() => undefined)));
    await this.drained();
    this.stopSweeping();
  }

  settleResponse(conn: Conn, dueMs: number, status: number, color: string | null, pod: string | null): void {
    const now = clock();
    conn.served++;
    conn.backoffMs = 0;
    this.recorder.response(status, color, pod, now - dueMs, conn.track, now);
    this.release(conn, now);
  }

  settleError(conn: Conn, dueMs: number, error: Error): void {
    const now = clock();
    const kind = classifyError(error);
    this.recorder.failure(kind, now - dueMs, error, conn.track);
    // Any failure but a timeout (which took its time already) backs the connection off, so a target
    // that refuses or resets at once cannot turn the closed loop into a hot loop.
    if (kind !== 'timeout') {
      conn.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, conn.backoffMs * 2));
      conn.readyAt = now + conn.backoffMs;
    }
    // undici calls onError from inside a loop over the client's queue and asserts the queue is empty
    // afterwards: dispatching the next request on this client synchronously would trip that assertion
    // (seen with a server that accepts and then resets, e.g. an L4 proxy without endpoints).
    queueMicrotask(() => {
      // undici 7 leaves a request failed by ERR_TLS_CERT_ALTNAME_INVALID in its running slot, so with
      // pipelining 1 that client never sends again (nodejs/undici#5355): start over with a new one.
      if ((error as { code?: unknown }).code === 'ERR_TLS_CERT_ALTNAME_INVALID') this.renewClient(conn);
      this.release(conn, now);
    });
  }

  private newConn(): Conn {
    // The handler and its connection name each other: the handler is set right after.
    const conn = {
      client: this.newClient(),
      busy: false,
      served: 0,
      connectedAt: 0,
      backoffMs: 0,
      readyAt: 0,
      deadline: Infinity,
      track: newConnectionTrack(),
    } as Conn;
    conn.handler = new ResponseHandler(this, conn);
    this.watch(conn);
    return conn;
  }

  /** Replaces the connection's client; the old one is destroyed, ending what it holds with `error`. */
  private renewClient(conn: Conn, error?: Error): void {
    const old = conn.client;
    conn.client = this.newClient();
    this.watch(conn);
    conn.connectedAt = 0;
    conn.served = 0;
    // The old client's request (if any) is failed asynchronously, after this: it counts as unknown.
    this.recorder.closed(conn.track);
    old.destroy(error ?? null).catch(() => undefined);
  }

  private newClient(): Client {
    const { timeoutMs, insecure, ca } = this.options;
    return new Client(this.options.url.origin, {
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      ...(insecure || ca !== null
        ? { connect: { rejectUnauthorized: !insecure, ...(ca !== null ? { ca } : {}) } }
        : {}),
    });
  }

  /** Keeps the connection's age and count in step with its current client's socket. */
  private watch(conn: Conn): void {
    const client = conn.client;
    client.on('connect', () => {
      if (conn.client !== client) return;
      conn.connectedAt = clock();
      conn.served = 0;
    });
    // The next request is decided before its socket connects: reset the count when the old socket goes.
    // undici fails the socket's request in flight before it emits 'disconnect' (client-h1's
    // onHttpSocketClose), so that failure is still attributed to the pod the socket last named.
    client.on('disconnect', () => {
      if (conn.client !== client) return;
      conn.connectedAt = 0;
      conn.served = 0;
      this.recorder.closed(conn.track);
    });
  }

  /** `now` is the engine's clock as the caller last read it (one read per request ending, not one per use). */
  private dispatch(conn: Conn, dueMs: number, now: number): void {
    if (this.options.requests !== null && this.dispatched >= this.options.requests) {
      this.idle.push(conn);
      this.endSendingOnLimit();
      return;
    }
    conn.busy = true;
    this.busy++;
    this.dispatched++;
    this.recorder.sent();
    conn.handler.begin(dueMs);
    conn.deadline = now + this.options.timeoutMs;
    conn.client.dispatch(
      { path: this.path, method: 'GET', headers: this.headers, reset: this.shouldClose(conn, now) },
      conn.handler,
    );
    if (this.options.requests !== null && this.dispatched >= this.options.requests) this.endSendingOnLimit();
  }

  /** Recycling: the request that reaches the limit asks for `Connection: close`, so no request is cut off. */
  private shouldClose(conn: Conn, now: number): boolean {
    if (!this.options.keepAlive) return true;
    const recycle = this.recycle;
    if (!recycle) return false;
    if (recycle.afterRequests !== null && conn.served + 1 >= recycle.afterRequests) return true;
    return recycle.afterMs !== null && conn.connectedAt > 0 && now - conn.connectedAt >= recycle.afterMs;
  }

  private release(conn: Conn, now: number): void {
    conn.deadline = Infinity;
    conn.busy = false;
    this.busy--;
    if (!this.sending) {
      if (this.busy === 0) this.notifyDrained();
      return;
    }
    if (conn.readyAt > now) {
      this.backingOff++;
      setTimeout(() => {
        this.backingOff--;
        this.reuse(conn, clock());
      }, conn.readyAt - now).unref();
      return;
    }
    this.reuse(conn, now);
  }

  private reuse(conn: Conn, now: number): void {
    if (!this.sending) return;
    if (this.rate === null) return this.dispatch(conn, now, now);
    const due = this.nextQueued(now);
    if (due === null) this.idle.push(conn);
    else this.dispatch(conn, due, now);
  }

  private nextQueued(now: number): number | null {
    const expired = now - this.options.timeoutMs;
    while (this.queueHead < this.queue.length) {
      const due = this.queue[this.queueHead]!;
      const why = this.queueWhy[this.queueHead++]!;
      if (due >= expired) return due;
      this.skipped[why]++;
    }
    this.queue = [];
    this.queueWhy = [];
    this.queueHead = 0;
    return null;
  }

  private tick(): void {
    this.timer = null;
    const pacer = this.pacer;
    if (!this.sending || !pacer) return;
    const now = clock();
    // Due at or past the run's duration: not the run's requests (the run's end timer is merely late).
    const until = this.sendUntil ?? Infinity;
    for (
      let due = pacer.take(Math.min(now, until));
      due !== null && due < until;
      due = pacer.take(Math.min(now, until))
    ) {
      if (!this.sending) return;
      // Least recently used first: paced requests rotate over every connection, so behind an L4
      // Service each connection's pod gets its share instead of one hot connection taking all.
      const conn = this.idle.shift();
      if (conn) this.dispatch(conn, due, now);
      else {
        // No connection free: the request waits. Why is decided now, and is its label if it is skipped.
        this.queue.push(due);
        this.queueWhy.push(this.backingOff > 0 ? 'backoff' : 'busy');
      }
    }
    if (this.queueHead > 1024) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueWhy = this.queueWhy.slice(this.queueHead);
      this.queueHead = 0;
    }
    if (this.sending && pacer.nextDueMs() < until)
      this.timer = setTimeout(() => this.tick(), Math.max(0, pacer.nextDueMs() - clock()));
  }

  private sweep(): void {
    const now = clock();
    for (const conn of this.conns) {
      if (now >= conn.deadline) {
        conn.deadline = Infinity;
        // Not on a socket yet (connecting): only destroying the client ends it.
        const unsent = conn.handler.expire(this.options.timeoutMs);
        if (unsent) this.renewClient(conn, unsent);
      }
    }
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private endSendingOnLimit(): void {
    if (!this.sending) return;
    // Requests still waiting are past the -n limit: they were never due.
    this.queue = [];
    this.queueWhy = [];
    this.queueHead = 0;
    this.stopSending();
    if (this.busy === 0) this.notifyDrained();
    this.onSendingEnded?.();
  }

  private stopSending(): void {
    if (this.sending) this.sendingEndedAt = clock();
    this.sending = false;
    this.clearTimer();
    this.skipQueued();
  }

  /** Every request still waiting for a connection is skipped, under the reason it was queued with. */
  private skipQueued(): void {
    for (let i = this.queueHead; i < this.queue.length; i++) this.skipped[this.queueWhy[i]!]++;
    this.queue = [];
    this.queueWhy = [];
    this.queueHead = 0;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private drained(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private notifyDrained(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
