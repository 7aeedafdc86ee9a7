/**
 * One resource's list and watch against a stand-in API server (test/helpers/fake-kube-api.ts) that
 * misbehaves: each fault must cost the server no more than backoff allows (counted in requests), and a
 * silent server must be noticed. The settings are client-go's shape scaled down (20 ms doubling to 200 ms)
 * so a test takes a second or two; the bounds are what that backoff allows, with room for a slow machine,
 * and far below what a loop without backoff sends (thousands).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../../../loadtester/kube/api-client.js';
import { listWatch, type KubeObject } from '../../../loadtester/kube/list-watch.js';
import { FakeKubeApi } from '../../helpers/fake-kube-api.js';
import { NS, PATHS } from '../../helpers/rolling-update.js';
import { until as waitFor } from '../../helpers/until.js';

const TIMING = {
  minMs: 20,
  maxMs: 200,
  resetAfterMs: 120_000,
  retryAfterMaxMs: 5_000,
  // Long enough that a slow machine never times out a healthy request; the timeout tests set their own.
  listTimeoutMs: 5000,
  idleTimeoutMs: 5000,
  healthyMs: 300,
};

/** Requests a loop with TIMING's backoff can send in `ms` at most: the doubling steps, then one per maxMs/2. */
const allowed = (ms: number, perFailure = 1): number => perFailure * (5 + Math.ceil(ms / (TIMING.maxMs / 2)));

let api: FakeKubeApi;
let stopper: AbortController;
let loop: Promise<void> | null;
let seen: { synced: string[][]; changed: string[]; failed: string[]; healthy: number; skipped: string[] };

beforeEach(async () => {
  api = new FakeKubeApi();
  await api.listen();
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-list-watch-'));
  writeFileSync(join(dir, 'config'), api.kubeconfig(NS));
  process.env.KUBECONFIG = join(dir, 'config');
  stopper = new AbortController();
  loop = null;
  seen = { synced: [], changed: [], failed: [], healthy: 0, skipped: [] };
});

afterEach(async () => {
  stopper.abort();
  await loop;
  await api.close();
  delete process.env.KUBECONFIG;
});

function start(timing: Partial<typeof TIMING> = {}): void {
  loop = listWatch(
    connectApi(null),
    { path: PATHS.pods, query: {} },
    {
      sync: (items) => seen.synced.push(items.map((i) => i.metadata.name)),
      change: (type, item) => seen.changed.push(`${type} ${item.metadata.name}`),
      failed: (error) => seen.failed.push((error as Error).message),
      healthy: () => seen.healthy++,
      skipped: (what) => seen.skipped.push(what),
    },
    stopper.signal,
    { ...TIMING, ...timing },
  );
}

const lists = (): number => api.requests.filter((r) => !r.includes('watch=true')).length;
const watches = (): number => api.requests.filter((r) => r.includes('watch=true')).length;
const isWatch = (url: URL): boolean => url.searchParams.get('watch') === 'true';
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for `check`, naming `what` and what the loop saw when it times out. */
function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  return waitFor(check, () => `${what}: ${JSON.stringify(seen)}`, { timeoutMs, intervalMs: 10 });
}

function watchAnswer(res: ServerResponse, ...events: unknown[]): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(events.map((e) => JSON.stringify(e) + '\n').join(''));
}

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, labels: {} },
  ...extra,
});

describe('list and watch against a misbehaving API server', () => {
  it('backs off when every watch is answered 410 Gone (relist and watch)', async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url)) return false;
      watchAnswer(res, { type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } });
      return true;
    };
    start();
    await pause(2000);
    expect(api.requests.length).toBeLessThanOrEqual(allowed(2000, 2));
    expect(lists()).toBeGreaterThan(3);
  });

  it('backs off when every watch answers 200 and ends at once', async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url)) return false;
      watchAnswer(res);
      return true;
    };
    start();
    await pause(2000);
    expect(watches()).toBeLessThanOrEqual(allowed(2000));
    expect(watches()).toBeGreaterThan(3);
    // The watch resumes from the version listed: a short watch is not a reason to list again.
    expect(lists()).toBe(1);
  });

  it('backs off on an ERROR event in the stream', async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url)) return false;
      watchAnswer(res, { type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcd is sad' } });
      return true;
    };
    start();
    await pause(2000);
    expect(watches()).toBeLessThanOrEqual(allowed(2000));
    expect(seen.failed).toContain('etcd is sad');
  });

  it('keeps doubling its wait across failed watches (the count is not reset by a good list)', async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url)) return false;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"kind":"Status","message":"no"}');
      return true;
    };
    start({ maxMs: 5_000 });
    await pause(2000);
    // 10–20, 20–40, 40–80 … ms: at most 8 waits fit in 2 s (a flat wait of 10–20 ms: about 130).
    expect(watches()).toBeLessThanOrEqual(9);
    expect(watches()).toBeGreaterThanOrEqual(4);
  });

  it("honours the server's Retry-After", async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url)) return false;
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
        .end('{"kind":"Status","message":"too many requests"}');
      return true;
    };
    start();
    await pause(2300);
    // Watches at 0 s, ≥1 s, ≥2 s: three at most (without it, about 25).
    expect(watches()).toBeLessThanOrEqual(3);
    expect(watches()).toBeGreaterThanOrEqual(2);
  });

  it('gives up on a LIST that never answers, says so, and recovers when the server does', async () => {
    let stall = true;
    api.misbehave = () => stall; // holds the request, never answering
    start({ listTimeoutMs: 300 });
    await until(() => seen.failed.length >= 2, 'two list timeouts');
    expect(seen.failed[0]).toMatch(/no answer to the list within 0\.3 s/);
    expect(lists()).toBeLessThanOrEqual(allowed(1000));
    stall = false;
    await until(() => seen.synced.length === 1 && seen.healthy === 1, 'a list and a healthy watch');
  });

  it('closes a watch that went silent, says so, and watches again', async () => {
    let silent = true;
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url) || !silent) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders(); // accepted, then nothing, ever
      return true;
    };
    api.put(PATHS.pods, pod('a'));
    start({ idleTimeoutMs: 400 });
    await until(() => seen.failed.length >= 1, 'an idle timeout');
    expect(seen.failed[0]).toMatch(/the watch sent nothing for 0\.4 s/);
    silent = false;
    api.put(PATHS.pods, pod('b'));
    await until(() => seen.changed.includes('ADDED b'), 'the change after the silence');
    expect(seen.synced).toEqual([['a']]);
  });

  it('re-watches at once, without penalty, when a healthy watch ends', async () => {
    start();
    await until(() => seen.healthy === 1, 'a healthy watch');
    for (let i = 0; i < 5; i++) {
      api.bookmarkAll();
      api.dropWatches();
      await until(() => api.openWatches === 1, 'the watch again');
      await until(() => seen.healthy === i + 2, 'healthy again');
    }
    expect(seen.failed).toEqual([]);
    expect(lists()).toBe(1);
  });

  it('lists again when it watches from a version the server has not reached', async () => {
    let first = true;
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url) || !first) return false;
      first = false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(
        JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x', resourceVersion: '999999' } } }) +
          '\n',
      );
      setTimeout(() => res.socket?.destroy(), TIMING.healthyMs + 100);
      return true;
    };
    start();
    await until(() => lists() === 2, 'a second list');
    expect(seen.failed).toEqual(['Timeout: Too large resource version: 999999, current: 100']);
    api.put(PATHS.pods, pod('after'));
    await until(() => seen.changed.includes('ADDED after'), 'a change after the relist');
  });

  it('skips a malformed object, says what was wrong, and goes on with the next', async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url) || url.searchParams.get('resourceVersion') !== '101') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { kind: 'Pod' } }) + '\n');
      res.write(
        JSON.stringify({ type: 'ADDED', object: { metadata: { name: 42, resourceVersion: '102' } } }) + '\n',
      );
      res.write('{not json\n');
      res.write(JSON.stringify({ type: 'ADDED', object: pod('fine', {}) }) + '\n');
      return true;
    };
    api.put(PATHS.pods, { metadata: { name: 'first' } });
    start();
    await until(() => seen.changed.includes('ADDED fine'), 'the good object after the bad ones');
    expect(seen.skipped).toEqual([
      'an object without metadata',
      'an object without a metadata.name',
      'a watch line that is not JSON',
    ]);
    expect(seen.failed).toEqual([]);
  });

  it('skips a line too long to be an object without holding it', async () => {
    api.misbehave = (_req, res, url) => {
      if (!isWatch(url) || url.searchParams.get('resourceVersion') !== '101') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      const block = 'x'.repeat(1024 * 1024);
      res.write('{"type":"ADDED","object":{"metadata":{"name":"');
      for (let i = 0; i < 9; i++) res.write(block);
      res.write('"}}}\n');
      res.write(JSON.stringify({ type: 'ADDED', object: pod('after') }) + '\n');
      return true;
    };
    api.put(PATHS.pods, pod('first'));
    start();
    await until(() => seen.changed.includes('ADDED after'), 'the object after the long line', 10_000);
    expect(seen.skipped).toEqual(['a watch event larger than 8 MB']);
    expect(seen.failed).toEqual([]);
  });
});
