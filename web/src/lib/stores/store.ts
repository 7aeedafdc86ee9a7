/**
 * The one store every component reads: a Svelte-compatible store (subscribe) around the DashboardModel,
 * fed by whichever source is active. Messages are applied at once; subscribers are told at most once per
 * `throttleMs`, so charts redraw a few times a second however fast messages arrive.
 */
import type { ServerMessage } from '$protocol/stream.js';
import { DashboardModel } from './dashboard.js';

/**
 * `finished`: the loadtester said goodbye (a final summary) and closed the stream; nothing to reconnect to.
 * `incompatible`: the stream speaks another protocol version; `detail` says which (see sources/protocol.ts).
 * `replay`: a saved run (detail: when it started).
 */
export type ConnectionStatus =
  'detecting' | 'connecting' | 'open' | 'reconnecting' | 'finished' | 'incompatible' | 'browser' | 'replay';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When reconnecting: ms until the next attempt. */
  retryInMs?: number;
  /** Consecutive failed attempts. */
  attempts?: number;
  detail?: string;
  /** When incompatible: the protocol the stream's hello named (the page words its refusal in its current language). */
  theirProtocol?: unknown;
}

export interface DashboardView {
  model: DashboardModel;
  connection: ConnectionState;
  /** Increments on every notification, so views can tell a fresh snapshot. */
  version: number;
}

export interface DashboardStore {
  subscribe(run: (view: DashboardView) => void): () => void;
  apply(message: ServerMessage): void;
  setConnection(state: ConnectionState): void;
  /** Empties the box grid only. */
  clearBoxes(): void;
  /** Empties everything. */
  reset(): void;
  /** Notifies now (tests, and after user actions that should show at once). */
  flush(): void;
  readonly model: DashboardModel;
}

export interface StoreOptions {
  throttleMs?: number;
  windowPoints?: number;
  now?: () => number;
}

export function createDashboardStore(options: StoreOptions = {}): DashboardStore {
  const throttleMs = options.throttleMs ?? 250;
  const now = options.now ?? (() => Date.now());
  const model = new DashboardModel(options.windowPoints);
  const subscribers = new Set<(view: DashboardView) => void>();
  let connection: ConnectionState = { status: 'detecting' };
  let version = 0;
  let lastFlush = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function view(): DashboardView {
    return { model, connection, version };
  }

  function flush(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastFlush = now();
    version++;
    const v = view();
    for (const run of subscribers) run(v);
  }

  function changed(): void {
    if (timer !== null) return;
    const wait = Math.max(0, lastFlush + throttleMs - now());
    timer = setTimeout(flush, wait);
  }

  return {
    model,
    subscribe(run) {
      subscribers.add(run);
      run(view());
      return () => void subscribers.delete(run);
    },
    apply(message) {
      model.apply(message);
      changed();
    },
    setConnection(state) {
      connection = state;
      changed();
    },
    clearBoxes() {
      model.boxes.clear();
      flush();
    },
    reset() {
      model.reset();
      flush();
    },
    flush,
  };
}
