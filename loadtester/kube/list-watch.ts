/**
 * One resource kept in sync with the API server, the way client-go's reflector does it: list (the full set
 * and its resourceVersion), then watch from that version (newline-delimited JSON events, with bookmarks),
 * and again from the last version seen when the watch ends or drops. `410 Gone` (the version is too old
 * for the server's watch cache) means list again. Every other failure waits with capped, jittered backoff
 * and tries again, forever: the load goes on, and the cluster view comes back when the API server does.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiStatusError, type ApiClient } from './api-client.js';

export interface KubeObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListWatchHandlers {
  /** After each (re)list: every object there is now. */
  sync(items: KubeObject[]): void;
  change(type: WatchType, object: KubeObject): void;
  /** A failure, and how many in a row; the loop goes on trying. */
  failed(error: unknown, inARow: number): void;
  /** A list succeeded (after failures, the resource is back). */
  listed(): void;
}

export interface ListWatchSpec {
  /** e.g. `/api/v1/namespaces/bluegreen/pods` */
  path: string;
  /** labelSelector / fieldSelector */
  query: Record<string, string>;
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Asked of the server so a quiet watch still ends and restarts now and then, as client-go does (5–10 min). */
const WATCH_TIMEOUT_S = 300;
/** One watch line longer than this is not a Kubernetes object we want. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

class Gone extends Error {}

export async function listWatch(
  api: ApiClient,
  spec: ListWatchSpec,
  handlers: ListWatchHandlers,
  signal: AbortSignal,
  backoff = { minMs: BACKOFF_MIN_MS, maxMs: BACKOFF_MAX_MS },
): Promise<void> {
  // The last resourceVersion seen, kept across a watch that fails midway (null: list first).
  const at: { version: string | null } = { version: null };
  let failures = 0;
  while (!signal.aborted) {
    try {
      if (at.version === null) {
        at.version = await list(api, spec, handlers, signal);
        handlers.listed();
      }
      failures = 0;
      await watch(api, spec, at as { version: string }, handlers, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof Gone || (error instanceof ApiStatusError && error.status === 410)) {
        at.version = null;
        continue;
      }
      failures++;
      handlers.failed(error, failures);
      const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** (failures - 1));
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2), undefined, { signal }).catch(() => undefined);
    }
  }
}

async function list(
  api: ApiClient,
  spec: ListWatchSpec,
  handlers: ListWatchHandlers,
  signal: AbortSignal,
): Promise<string> {
  const response = await api.get(spec.path, spec.query, signal);
  const body = JSON.parse(await readAll(response)) as {
    metadata?: { resourceVersion?: string };
    items?: KubeObject[];
  };
  const version = body.metadata?.resourceVersion;
  if (typeof version !== 'string' || !Array.isArray(body.items))
    throw new Error(`the list of ${spec.path} has no items or resourceVersion`);
  handlers.sync(body.items);
  return version;
}

/** Watches from `at.version` until the server ends the watch or the connection drops, moving `at.version` on. */
async function watch(
  api: ApiClient,
  spec: ListWatchSpec,
  at: { version: string },
  handlers: ListWatchHandlers,
  signal: AbortSignal,
): Promise<void> {
  const response = await api.get(
    spec.path,
    {
      ...spec.query,
      watch: 'true',
      resourceVersion: at.version,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(WATCH_TIMEOUT_S),
    },
    signal,
  );
  for await (const line of lines(response)) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as {
      type?: string;
      object?: KubeObject & { code?: number; message?: string };
    };
    const object = event.object;
    if (!object) continue;
    if (event.type === 'ERROR') {
      if (object.code === 410) throw new Gone(object.message ?? 'resourceVersion too old');
      throw new ApiStatusError(object.code ?? 500, object.message ?? 'watch error');
    }
    const next = object.metadata?.resourceVersion;
    if (typeof next === 'string') at.version = next;
    if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
      handlers.change(event.type, object);
  }
  // A dropped connection shows as an error from the response stream above; a clean end is the server's
  // timeout: the caller watches again from where we are.
}

async function readAll(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}

async function* lines(response: IncomingMessage): AsyncGenerator<string> {
  response.setEncoding('utf8');
  let pending = '';
  for await (const chunk of response) {
    pending += chunk as string;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
    if (pending.length > MAX_LINE_BYTES) throw new Error('a watch event too large to be an object');
  }
  if (pending.trim() !== '') yield pending;
}
