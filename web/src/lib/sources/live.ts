/**
 * Live mode: the loadtester's (or the demo's) stream at `api/stream` relative to the page, reconnecting
 * with exponential backoff. Every (re)connection starts with a `hello` that carries the recent history, so
 * the store is rebuilt from it rather than patched.
 */
import type { ControlMessage, ServerMessage } from '$protocol/stream.js';
import { get } from 'svelte/store';
import { words } from '../i18n/index.js';
import { backoffDelay } from './backoff.js';
import { protocolMismatch } from './protocol.js';
import type { OpenStream } from './detect.js';
import type { DataSource, SourceSink } from './source.js';

export class LiveSource implements DataSource {
  readonly kind = 'live';
  private socket: WebSocket | null = null;
  private sink: SourceSink | null = null;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /**
   * The server's final summary arrived: the session is over, not interrupted. The badge says so and the
   * report stays; the page still looks, quietly, for a loadtester started again on the same port.
   */
  private finished = false;
  /**
   * The stream spoke another protocol (see protocol.ts): its messages are dropped and the page says why,
   * while it still looks, quietly, for a loadtester of the same version on the same port.
   */
  private refused: string | null = null;
  private theirProtocol: unknown = undefined;

  /** `adopt`: an already open connection (from mode detection) to take over instead of opening a new one. */
  constructor(
    readonly url: string,
    private adopt: OpenStream | null = null,
  ) {}

  start(sink: SourceSink): void {
    this.sink = sink;
    this.stopped = false;
    const adopted = this.adopt;
    this.adopt = null;
    if (adopted && adopted.socket.readyState === WebSocket.OPEN) {
      this.attach(adopted.socket);
      this.opened();
      for (const data of adopted.takeBuffered()) this.receive(data);
    } else {
      this.connect();
    }
  }

  private connect(): void {
    if (!this.finished && this.refused === null) {
      this.sink?.connection({
        status: this.attempts === 0 ? 'connecting' : 'reconnecting',
        attempts: this.attempts,
      });
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.retry(String(error));
      return;
    }
    this.attach(socket);
    socket.addEventListener('open', () => this.opened());
  }

  private attach(socket: WebSocket): void {
    this.socket = socket;
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') this.receive(event.data);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.retry(event.reason || `closed (${event.code})`);
    });
  }

  private receive(data: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
    if (message.type === 'hello') {
      this.refused = protocolMismatch(message, get(words));
      if (this.refused !== null) {
        this.theirProtocol = message.protocol;
        this.sink?.connection({
          status: 'incompatible',
          detail: this.refused,
          theirProtocol: this.theirProtocol,
        });
        this.socket?.close(1000, 'protocol mismatch');
        return;
      }
      this.sink?.connection({ status: 'open' });
    }
    if (this.refused !== null) return;
    if (message.type === 'summary' && message.final === true) this.finished = true;
    this.sink?.message(message);
  }

  private opened(): void {
    this.attempts = 0;
    this.finished = false;
    if (this.refused === null) this.sink?.connection({ status: 'open' });
  }

  private retry(detail: string): void {
    this.attempts++;
    const delay = backoffDelay(this.attempts);
    if (this.refused !== null)
      this.sink?.connection({
        status: 'incompatible',
        detail: this.refused,
        theirProtocol: this.theirProtocol,
      });
    else if (this.finished) this.sink?.connection({ status: 'finished' });
    else this.sink?.connection({ status: 'reconnecting', retryInMs: delay, attempts: this.attempts, detail });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  send(control: ControlMessage): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(control));
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
  }
}
