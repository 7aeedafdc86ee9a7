/**
 * The stream hub, transport only: broadcasts to every ws client, keeps a bounded history for late joiners,
 * skips a slow client's ticks and samples (and drops a client that stays stuck), and hands each valid
 * control to its owner, replying with the owner's verdict. What the settings are and what a control does
 * belong to the owner (the load session).
 */
import type { WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  type ControlMessage,
  type ControlResultMessage,
  type EventMessage,
  type RunSettings,
  type ServerMessage,
  type TickMessage,
} from '../protocol/stream.js';
import { ControlRefused, parseControl } from '../protocol/control.js';
import { CONTROLS_PER_SECOND, ControlLimit } from './control-limit.js';

export const HISTORY_TICKS = 300;
export const HISTORY_EVENTS = 200;
/** Above this many unsent bytes a client misses ticks and samples; above DROP_BYTES it is closed. */
export const SKIP_BYTES = 256 * 1024;
export const DROP_BYTES = 4 * 1024 * 1024;

/** Whoever owns the run: the settings a new client's hello shows, and what a control does. */
export interface HubOwner {
  settings(): RunSettings;
  /** Throwing rejects the control with the error's message. */
  control(message: ControlMessage): Promise<void> | void;
}

export class Hub {
  private readonly clients = new Set<WebSocket>();
  private ticks: TickMessage[] = [];
  private events: EventMessage[] = [];
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
    this.ticks = [];
  }

  /** Stamps `type` and (unless given) `t`, then publishes. */
  event(event: Omit<EventMessage, 'type' | 't'> & { t?: number }): void {
    this.publish({ ...event, type: 'event', t: event.t ?? Date.now() });
  }

  /** Broadcasts to every client; ticks and events also go into the bounded history a late joiner receives. */
  publish(message: ServerMessage): void {
    if (message.type === 'tick') pushBounded(this.ticks, message, HISTORY_TICKS);
    else if (message.type === 'event') pushBounded(this.events, message, HISTORY_EVENTS);
    if (this.clients.size === 0) return;
    const data = JSON.stringify(message);
    const skippable = message.type === 'tick' || message.type === 'sample';
    for (const ws of this.clients) this.send(ws, data, skippable);
  }

  addClient(ws: WebSocket): void {
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
      void this.handleControl(ws, String(data));
    });
    const hello: ServerMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      settings: this.owner.settings(),
      history: { ticks: this.ticks, events: this.events },
    };
    this.send(ws, JSON.stringify(hello), false);
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

  private async handleControl(ws: WebSocket, text: string): Promise<void> {
    const id = controlId(text);
    try {
      await this.owner.control(parseControl(text));
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

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

function controlId(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
