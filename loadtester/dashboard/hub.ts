/**
 * The stream hub, transport only: broadcasts to every ws client, keeps a bounded history for late joiners,
 * skips a slow client's ticks and samples (and drops a client that stays stuck), and hands each valid
 * control to its owner, replying with the owner's verdict. What the settings are and what a control does
 * belong to the owner (the load session).
 */
import type { WebSocket } from 'ws';
import { ControlRefused, parseControl } from '../../protocol/control.js';
import type { EventMessage } from '../../protocol/events.js';
import { emptyAttribution } from '../../protocol/outcomes.js';
import type { RunSettings, TickMessage } from '../../protocol/run.js';
import {
  PROTOCOL_VERSION,
  type ControlMessage,
  type ControlResultMessage,
  type ServerMessage,
} from '../../protocol/stream.js';
import { CONTROLS_PER_SECOND, ControlLimit } from './control-limit.js';

export const HISTORY_TICKS = 300;
const EMPTY_ATTRIBUTION = emptyAttribution();
export const HISTORY_EVENTS = 200;
/** The history is also bounded in bytes (as JSON), so a late joiner's hello stays small whatever a target names. */
export const HISTORY_TICK_BYTES = 1024 * 1024;
export const HISTORY_EVENT_BYTES = 256 * 1024;
/** Above this many unsent bytes a client misses ticks and samples; above DROP_BYTES it is closed. */
export const SKIP_BYTES = 256 * 1024;
export const DROP_BYTES = 4 * 1024 * 1024;

/** Whoever owns the run: the settings a new client's hello shows, and what a control does. */
export interface HubOwner {
  settings(): RunSettings;
  /** `from`: the client's address. Throwing rejects the control with the error's message. */
  control(message: ControlMessage, from: string): Promise<void> | void;
}

export class Hub {
  private readonly clients = new Set<WebSocket>();
  private ticks = new History<TickMessage>(HISTORY_TICKS, HISTORY_TICK_BYTES);
  private readonly events = new History<EventMessage>(HISTORY_EVENTS, HISTORY_EVENT_BYTES);
  /** The run's latest incidents message, sent to a late joiner after its hello (a list, not a history). */
  private incidents: string | null = null;
  /** Messages a slow client missed, for tests and diagnostics. */
  skippedMessages = 0;

  constructor(private readonly owner: HubOwner) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Bytes queued for all clients and not yet written to their sockets. */
  get bufferedBytes(): number {
    let n = 0;
    for (const ws of this.clients) n += ws.bufferedAmount;
    return n;
  }

  /** A new run starts: its ticks replace the previous run's in the history. */
  resetTicks(): void {
    this.ticks = new History(HISTORY_TICKS, HISTORY_TICK_BYTES);
    this.incidents = null;
  }

  /** Stamps `type` and (unless given) `t`, then publishes. */
  event(event: Omit<EventMessage, 'type' | 't'> & { t?: number }): void {
    this.publish({ ...event, type: 'event', t: event.t ?? Date.now() });
  }

  /** Broadcasts to every client; ticks and events also go into the bounded history a late joiner receives. */
  publish(message: ServerMessage): void {
    const data = JSON.stringify(message);
    if (message.type === 'tick') {
      // The run's totals are in every tick but only the latest one's count: the earlier ticks keep theirs
      // out of the history, so it holds minutes of ticks rather than seconds when many pods are named.
      const last = this.ticks.last;
      if (last && last.totalAttribution !== EMPTY_ATTRIBUTION) {
        const slim = { ...last, totalAttribution: EMPTY_ATTRIBUTION };
        this.ticks.replaceLast(slim, Buffer.byteLength(JSON.stringify(slim)));
      }
      this.ticks.push(message, Buffer.byteLength(data));
    } else if (message.type === 'event') this.events.push(message, Buffer.byteLength(data));
    else if (message.type === 'incidents') this.incidents = data;
    if (this.clients.size === 0) return;
    const skippable = message.type === 'tick' || message.type === 'sample';
    for (const ws of this.clients) this.send(ws, data, skippable);
  }

  /** `address`: the client's, as the socket has it (a proxy's, behind one). */
  addClient(ws: WebSocket, address: string): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => this.clients.delete(ws));
    const limit = new ControlLimit();
    ws.on('message', (data, isBinary) => {
      if (!limit.take()) {
        return this.reply(ws, {
          type: 'control-result',
          ok: false,
          error: `too many controls: at most ${CONTROLS_PER_SECOND} per second; this one was not acted on`,
          reason: 'rate-limit',
        });
      }
      if (isBinary)
        return this.reply(ws, { type: 'control-result', ok: false, error: 'binary frames are not accepted' });
      void this.handleControl(ws, String(data), address);
    });
    const hello: ServerMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      settings: this.owner.settings(),
      history: { ticks: this.ticks.items, events: this.events.items },
    };
    this.send(ws, JSON.stringify(hello), false);
    if (this.incidents) this.send(ws, this.incidents, false);
  }

  closeAll(): void {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
  }

  private send(ws: WebSocket, data: string, skippable: boolean): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > DROP_BYTES) {
      ws.terminate();
      this.clients.delete(ws);
      return;
    }
    if (skippable && ws.bufferedAmount > SKIP_BYTES) {
      this.skippedMessages++;
      return;
    }
    ws.send(data);
  }

  private reply(ws: WebSocket, message: ControlResultMessage): void {
    this.send(ws, JSON.stringify(message), false);
  }

  private async handleControl(ws: WebSocket, text: string, from: string): Promise<void> {
    const id = controlId(text);
    try {
      await this.owner.control(parseControl(text), from);
      this.reply(ws, { type: 'control-result', ...(id === undefined ? {} : { id }), ok: true });
    } catch (error) {
      this.reply(ws, {
        type: 'control-result',
        ...(id === undefined ? {} : { id }),
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        ...(error instanceof ControlRefused ? { reason: error.reason } : {}),
      });
    }
  }
}

/** The latest items, at most `maxItems` of them and `maxBytes` of their JSON; the oldest go first. */
class History<T> {
  readonly items: T[] = [];
  private readonly sizes: number[] = [];
  private bytes = 0;

  constructor(
    private readonly maxItems: number,
    private readonly maxBytes: number,
  ) {}

  get last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  replaceLast(item: T, bytes: number): void {
    const i = this.items.length - 1;
    if (i < 0) return;
    this.bytes += bytes - this.sizes[i]!;
    this.items[i] = item;
    this.sizes[i] = bytes;
  }

  push(item: T, bytes: number): void {
    this.items.push(item);
    this.sizes.push(bytes);
    this.bytes += bytes;
    let drop = 0;
    while (
      this.items.length - drop > this.maxItems ||
      (this.bytes > this.maxBytes && drop < this.items.length)
    ) {
      this.bytes -= this.sizes[drop]!;
      drop++;
    }
    if (drop > 0) {
      this.items.splice(0, drop);
      this.sizes.splice(0, drop);
    }
  }
}

function controlId(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
