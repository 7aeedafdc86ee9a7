/**
 * One resource kept in sync with the API server, the way client-go's reflector does it: list (the full set
 * and its resourceVersion), then watch from that version (newline-delimited JSON events, with bookmarks),
 * and again from the last version seen when the watch ends. `410 Gone` (the version is too old for the
 * server's watch cache) means list again.
 *
 * Nothing here may cost the API server more than a well-behaved client would (client-go's reflector is
 * the model):
 * - every failure waits, with capped, jittered exponential backoff (backoff.ts): an error answer, a 410, an
 *   ERROR event in the stream, a watch that ends before it was healthy, a dropped connection before that,
 *   a timeout. The server's `Retry-After` is honoured. Only a watch that was healthy (open for
 *   `healthyMs`) and then ends, cleanly or by a drop (load balancers cut long requests), is watched again
 *   at once: that is the server's own timeoutSeconds.
 * - a LIST must answer within `listTimeoutMs` and a watch must answer its headers within the same; an
 *   open watch that sends nothing for `idleTimeoutMs` is dead (we ask the server to end each watch well
 *   before that, and it sends a bookmark about once a minute), so it is closed and counted as a failure.
 * - an object without a name (or a line that is not JSON) is skipped and said, never a reason to relist.
 * The loop tries forever: the load goes on, and the cluster view comes back when the API server does.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiStatusError, type ApiClient } from './api-client.js';
import { Backoff, CLIENT_GO_BACKOFF, type BackoffSettings } from './backoff.js';

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
  /** A failure; the loop waits (backoff) and tries again. */
  failed(error: unknown): void;
  /** A watch has been open for `healthyMs` without a failure: the resource is followed again. */
  healthy(): void;
  /** An object or line that is not one was skipped (why, e.g. "an object without metadata.name"). */
  skipped(what: string): void;
}

export interface ListWatchSpec {
  /** e.g. `/api/v1/namespaces/bluegreen/pods` */
  path: string;
  /** labelSelector / fieldSelector */
  query: Record<string, string>;
}

export interface ListWatchTiming extends BackoffSettings {
  /** A LIST must be read whole, and a watch must answer its headers, within this. */
  listTimeoutMs: number;
  /** An open watch that sends not a byte for this long is dead. */
  idleTimeoutMs: number;
  /** A watch open this long is healthy: its end is normal and it is watched again at once. */
  healthyMs: number;
}

/**
 * The API server sends a bookmark on a watch about once a minute (allowWatchBookmarks), and ends it at the
 * timeoutSeconds we ask: a watch silent for two bookmark intervals is dead. kube-apiserver cuts a request
 * that is not a watch at one minute (--request-timeout), so a LIST still unanswered then never will be.
 */
export const CLIENT_GO_TIMING: ListWatchTiming = {
  ...CLIENT_GO_BACKOFF,
  listTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  healthyMs: 5_000,
};

/** One watch line longer than this is not a Kubernetes object we want. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** One LIST larger than this is not the few objects of one app. */
const MAX_LIST_BYTES = 64 * 1024 * 1024;
/** Stands for a line that was too long to keep (a watch line is JSON, never a lone NUL). */
const TOO_LONG = '\u0000';
/** resourceVersions are opaque but short (etcd revisions): a longer one is not sent back in a URL. */
const MAX_VERSION_LENGTH = 256;

/**
 * A version the server has not reached (after an etcd restore, or from a server that lied): kube-apiserver
 * answers 504 "Too large resource version" and client-go lists again, as for a version too old.
 */
const TOO_LARGE = /too large resource version/i;

/** `410 Gone`: the version we watch from is older than the server's history; list again. */
export class Gone extends Error {}
/** A watch that ended before it was healthy (client-go: "very short watch"). */
export class ShortWatch extends Error {}
/** No answer in time: `what` says which (the list's headers, a watch that went silent). */
export class TimedOut extends Error {}
/** An answer that is not a list or a watch stream (not JSON, no items, too large). */
export class Malformed extends Error {}

export async function listWatch(
  api: ApiClient,
  spec: ListWatchSpec,
  handlers: ListWatchHandlers,
  signal: AbortSignal,
  timing: ListWatchTiming = CLIENT_GO_TIMING,
): Promise<void> {
  const backoff = new Backoff(timing);
  // The last resourceVersion seen, kept across a watch that fails midway (null: list first).
  let version: string | null = null;
  while (!signal.aborted) {
    try {
      if (version === null) version = await list(api, spec, handlers, signal, timing);
      const watched: Watch = new Watch(api, spec, version, handlers, signal, timing);
      let healthy: boolean;
      try {
        healthy = await watched.run();
      } finally {
        version = watched.version;
      }
      if (!healthy) throw new ShortWatch('the watch ended as soon as it began');
    } catch (error) {
      if (signal.aborted) return;
      if (
        error instanceof Gone ||
        (error instanceof ApiStatusError && (error.status === 410 || TOO_LARGE.test(error.message)))
      )
        version = null;
      const wait = backoff.failure(error instanceof ApiStatusError ? error.retryAfterMs : null);
      handlers.failed(error);
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** A request of ours with its own deadline, ended with the loop's signal too. */
class Request {
  private readonly own = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  readonly signal: AbortSignal;

  constructor(stop: AbortSignal) {
    this.signal = AbortSignal.any([stop, this.own.signal]);
  }

  /** `ms` from now the request ends with `reason`; a new deadline replaces the last. */
  deadline(ms: number, reason: () => Error): void {
    this.clear();
    this.timer = setTimeout(() => this.own.abort(reason()), ms);
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The deadline's reason when it ended the request, else null. */
  get timedOut(): Error | null {
    return this.own.signal.aborted ? (this.own.signal.reason as Error) : null;
  }

  /** Turns an error from a request we ended ourselves into the reason we ended it. */
  explain(error: unknown): unknown {
    return this.timedOut ?? error;
  }
}

async function list(
  api: ApiClient,
  spec: ListWatchSpec,
  handlers: ListWatchHandlers,
  signal: AbortSignal,
  timing: ListWatchTiming,
): Promise<string> {
  const request = new Request(signal);
  const seconds = Math.round(timing.listTimeoutMs / 100) / 10;
  request.deadline(timing.listTimeoutMs, () => new TimedOut(`no answer to the list within ${seconds} s`));
  let text: string;
  try {
    const response = await api.get(spec.path, spec.query, request.signal);
    text = await readAll(response, MAX_LIST_BYTES);
  } catch (error) {
    throw request.explain(error);
  } finally {
    request.clear();
  }
  let body: { metadata?: { resourceVersion?: unknown }; items?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Malformed('the list is not JSON');
  }
  const version = body?.metadata?.resourceVersion;
  if (!isVersion(version) || !Array.isArray(body.items))
    throw new Malformed('the list has no items or resourceVersion');
  const items: KubeObject[] = [];
  for (const item of body.items as unknown[]) {
    const wrong = whatIsWrong(item);
    if (wrong) handlers.skipped(wrong);
    else items.push(item as KubeObject);
  }
  handlers.sync(items);
  return version;
}

/** One watch, from `version` until the server ends it, the connection drops or it goes silent. */
class Watch {
  private healthy = false;

  constructor(
    private readonly api: ApiClient,
    private readonly spec: ListWatchSpec,
    public version: string,
    private readonly handlers: ListWatchHandlers,
    private readonly stop: AbortSignal,
    private readonly timing: ListWatchTiming,
  ) {}

  /** Resolves with whether it was healthy when it ended; throws on a failure. */
  async run(): Promise<boolean> {
    const { timing } = this;
    const request = new Request(this.stop);
    const headers = Math.round(timing.listTimeoutMs / 100) / 10;
    const idle = Math.round(timing.idleTimeoutMs / 100) / 10;
    request.deadline(timing.listTimeoutMs, () => new TimedOut(`no answer to the watch within ${headers} s`));
    let healthyTimer: NodeJS.Timeout | null = null;
    try {
      const response = await this.api.get(
        this.spec.path,
        {
          ...this.spec.query,
          watch: 'true',
          resourceVersion: this.version,
          allowWatchBookmarks: 'true',
          timeoutSeconds: String(askedTimeoutSeconds(timing.idleTimeoutMs)),
        },
        request.signal,
      );
      const silent = (): TimedOut => new TimedOut(`the watch sent nothing for ${idle} s`);
      request.deadline(timing.idleTimeoutMs, silent);
      healthyTimer = setTimeout(() => {
        this.healthy = true;
        this.handlers.healthy();
      }, timing.healthyMs);
      healthyTimer.unref();
      for await (const line of lines(response, () => request.deadline(timing.idleTimeoutMs, silent)))
        this.event(line);
      if (request.timedOut) throw request.timedOut;
      return this.healthy;
    } catch (error) {
      if (request.timedOut) throw request.timedOut;
      // A connection dropped after a healthy while is the normal end of a long request.
      if (this.healthy && isDrop(error)) return true;
      throw error;
    } finally {
      request.clear();
      if (healthyTimer) clearTimeout(healthyTimer);
    }
  }

  private event(line: string): void {
    if (line.trim() === '') return;
    if (line === TOO_LONG)
      return this.handlers.skipped(`a watch event larger than ${MAX_LINE_BYTES / 1024 / 1024} MB`);
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return this.handlers.skipped('a watch line that is not JSON');
    }
    const object = event?.object as (KubeObject & { code?: unknown; message?: unknown }) | undefined;
    if (event?.type === 'ERROR') {
      const code = typeof object?.code === 'number' ? object.code : 500;
      const message = typeof object?.message === 'string' ? object.message.slice(0, 200) : 'watch error';
      if (code === 410 || TOO_LARGE.test(message)) throw new Gone(message);
      throw new ApiStatusError(code, message);
    }
    const next = (object?.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    if (event?.type === 'BOOKMARK') {
      if (isVersion(next)) this.version = next;
      return;
    }
    if (event?.type !== 'ADDED' && event?.type !== 'MODIFIED' && event?.type !== 'DELETED')
      return this.handlers.skipped('a watch event of no known type');
    const wrong = whatIsWrong(object);
    // The version moves on past a bad object, so the next watch does not replay it.
    if (isVersion(next)) this.version = next;
    if (wrong) return this.handlers.skipped(wrong);
    this.handlers.change(event.type, object!);
  }
}

/**
 * The timeoutSeconds asked of the server: 60–80% of the idle timeout, jittered so the watches of the
 * resources do not all end at once; a healthy server ends the watch before it could look dead.
 */
function askedTimeoutSeconds(idleTimeoutMs: number): number {
  return Math.max(1, Math.floor((idleTimeoutMs * (0.6 + Math.random() * 0.2)) / 1000));
}

/** A connection that ended under us (not an answer, not one of our own verdicts on it). */
function isDrop(error: unknown): boolean {
  return !(
    error instanceof ApiStatusError ||
    error instanceof Gone ||
    error instanceof TimedOut ||
    error instanceof Malformed
  );
}

function isVersion(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_VERSION_LENGTH;
}

/** Why this is not an object the view can keep (it needs a name), or null when it is one. */
function whatIsWrong(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'an object that is not one';
  const metadata = (value as { metadata?: unknown }).metadata;
  if (metadata === null || typeof metadata !== 'object') return 'an object without metadata';
  const name = (metadata as { name?: unknown }).name;
  if (typeof name !== 'string' || name === '') return 'an object without a metadata.name';
  return null;
}

async function readAll(response: IncomingMessage, limit: number): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) {
    text += chunk as string;
    if (text.length > limit) {
      response.destroy();
      throw new Malformed(`the list is larger than ${limit / 1024 / 1024} MB`);
    }
  }
  return text;
}

/**
 * The stream's lines; `progress` is called on every chunk (the watch is alive). A line longer than
 * MAX_LINE_BYTES is dropped as it arrives (never held whole) and yields TOO_LONG in its place.
 */
async function* lines(response: IncomingMessage, progress: () => void): AsyncGenerator<string> {
  response.setEncoding('utf8');
  // The unfinished line, in pieces: a long line arriving in many chunks is not copied for each.
  let pending: string[] = [];
  let pendingLength = 0;
  let tooLong = false;
  for await (const chunk of response) {
    progress();
    let text = chunk as string;
    let newline: number;
    while ((newline = text.indexOf('\n')) >= 0) {
      pending.push(text.slice(0, newline));
      yield tooLong ? TOO_LONG : pending.join('');
      pending = [];
      pendingLength = 0;
      tooLong = false;
      text = text.slice(newline + 1);
    }
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength > MAX_LINE_BYTES) {
      tooLong = true;
      pending = [];
    }
  }
  if (tooLong) yield TOO_LONG;
  else if (pending.join('').trim() !== '') yield pending.join('');
}
