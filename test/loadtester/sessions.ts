/**
 * Load sessions in the test process, with their dashboard on a free port, and a ws client of their stream.
 * Everything opened here is closed by closeSessions() (for afterEach).
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import type { ServerMessage } from '../../protocol/stream.js';
import type { LoadOptions } from '../../loadtester/options.js';
import { Hub } from '../../loadtester/dashboard/hub.js';
import { LoadSession, type SessionOptions } from '../../loadtester/session.js';

const open: (() => Promise<void> | void)[] = [];

export async function closeSessions(): Promise<void> {
  for (const close of open.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
}

/** A session on these options (its dashboard on a free port), its terminal output kept in `output`. */
export async function openSession(
  options: LoadOptions,
  setup: Partial<SessionOptions> = {},
): Promise<{ session: LoadSession; output: () => string; streamUrl: string }> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const session = await LoadSession.open(
    { ...options, ui: { port: 0, host: '127.0.0.1' } },
    { mode: 'load', out: sink, err: sink, ...setup },
  );
  open.push(() => session.close());
  return {
    session,
    output: () => text,
    streamUrl: `${session.dashboardUrl!.replace('http', 'ws')}api/stream`,
  };
}

/** A hub whose hello shows what a fresh `load` session on these options would, and which takes no control. */
export async function idleHub(options: LoadOptions): Promise<Hub> {
  const session = await LoadSession.open({ ...options, ui: null }, { mode: 'load' });
  open.push(() => session.close());
  return new Hub({
    settings: () => session.settings(),
    control: () => {
      throw new Error('no controls here');
    },
  });
}

export interface Client {
  ws: WebSocket;
  messages: ServerMessage[];
  next(type: ServerMessage['type'], timeoutMs?: number): Promise<ServerMessage>;
  send(message: object): void;
}

export async function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const messages: ServerMessage[] = [];
  let cursor = 0;
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ServerMessage);
    for (const w of waiters) w();
  });
  open.push(() => ws.terminate());
  await once(ws, 'open');
  return {
    ws,
    messages,
    send: (m) => ws.send(JSON.stringify(m)),
    next(type, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          while (cursor < messages.length) {
            const m = messages[cursor++]!;
            if (m.type === type) {
              waiters.delete(check);
              clearTimeout(timer);
              return resolve(m);
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${type} within ${timeoutMs} ms; got ${messages.map((m) => m.type).join(',')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
