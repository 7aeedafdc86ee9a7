/**
 * The stream hub: broadcasts to every ws client, keeps a bounded history for late joiners, skips a slow
 * client's ticks and samples (and drops a client that stays stuck), and routes page controls.
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
import { parseControl } from '../protocol/control.js';
import type { StreamHub } from './api.js';

export const HISTORY_TICKS = 300;
export const HISTORY_EVENTS = 200;
/** Above this many unsent bytes a client misses ticks and samples; above DROP_BYTES it is closed. */
export const SKIP_BYTES = 256 * 1024;
export const DROP_BYTES = 4 * 1024 * 1024;

/** What the hub needs from the current run to obey start/stop/set-rate. */
export interface RunControl {
  running(): boolean;
  stop(): Promise<unknown>;
  setRate(rate: number): void;
  /** Starts a new run with the same options (same target) at the given rate. */
  restart(rate: number | null): void;
}

type ControlHandler = (message: ControlMessage) => Promise<void> | void;

export class Hub implements StreamHub {
  private readonly clients = new Set<WebSocket>();
  private ticks: TickMessage[] = [];
  private events: EventMessage[] = [];
  private current: RunSettings;
  private readonly handlers: ControlHandler[] = [];
  private run: RunControl | null = null;
  /** Messages a slow client missed, for tests and diagnostics. */
  skippedMessages = 0;

  constructor(settings: RunSettings) {
    this.current = settings;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Bytes queued for all clients and not yet written to their sockets. */
  get bufferedBytes(): number {
    let n = 0;
    for (const ws of this.clients) n += ws.bufferedAmount;
    return n;
  }

  settings(): RunSettings {
    return this.current;
  }

  updateSettings(patch: Partial<RunSettings>): void {
    this.current = { ...this.current, ...patch };
    this.publish({ type: 'settings', settings: this.current });
  }

  onControl(handler: ControlHandler): void {
    this.handlers.push(handler);
  }

  attachRun(run: RunControl): void {
    this.run = run;
  }

  /** Stops whichever run is current (the first, or one restarted from the page). */
  async stopRun(): Promise<void> {
    if (this.run?.running()) await this.run.stop();
  }

  /** A new run starts: its ticks replace the previous run's in the history. */
  resetTicks(): void {
    this.ticks = [];
  }

  event(event: Omit<EventMessage, 'type' | 't'> & { t?: number }): void {
    this.publish({ ...event, type: 'event', t: event.t ?? Date.now() });
  }

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
    ws.on('message', (data, isBinary) => {
      if (isBinary)
        return this.reply(ws, { type: 'control-result', ok: false, error: 'binary frames are not accepted' });
      void this.handleControl(ws, String(data));
    });
    const hello: ServerMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      settings: this.current,
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
      await this.apply(parseControl(text));
      this.reply(ws, { type: 'control-result', ...(id === undefined ? {} : { id }), ok: true });
    } catch (error) {
      this.reply(ws, {
        type: 'control-result',
        ...(id === undefined ? {} : { id }),
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async apply(message: ControlMessage): Promise<void> {
    const { controls } = this.current;
    if (message.action === 'start' || message.action === 'stop' || message.action === 'set-rate') {
      if (!controls.allowed)
        throw new Error('controls are disabled (start the loadtester with --allow-control)');
      const run = this.run;
      if (!run) throw new Error('no run to control');
      if (message.action === 'stop') {
        if (!run.running()) throw new Error('no run is running');
        await run.stop();
      } else if (message.action === 'start') {
        if (run.running()) throw new Error('a run is already running');
        run.restart(this.current.rate);
      } else if (message.action === 'set-rate') {
        const rate = Math.min(message.rate, controls.maxRate);
        if (run.running()) run.setRate(rate);
        this.updateSettings({ rate });
      }
      return;
    }
    if (!controls.rollout || this.handlers.length === 0)
      throw new Error(`${message.action} is not available here`);
    for (const handler of this.handlers) await handler(message);
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
