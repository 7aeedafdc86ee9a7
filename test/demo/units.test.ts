import { describe, expect, it } from 'vitest';
import { deployDir } from '../../common/package-info.js';
import { readAppDeployment } from '../../demo/manifest.js';
import { resolveDemoOptions } from '../../demo/options.js';
import { listeningPort } from '../../demo/pod.js';
import { deletionOrder } from '../../demo/cluster.js';
import { podName, replicaSetName } from '../../demo/names.js';
import { DelayedView } from '../../demo/propagation.js';

/** What deploy/'s app Deployment recommends (demo/manifest.ts is tested in manifest.test.ts). */
const RECOMMENDED = readAppDeployment(deployDir);

describe('resolveDemoOptions', () => {
  it('takes the manifest, lets flags and DRAIN_SECONDS override it, and sizes the run by mode', () => {
    const headless = resolveDemoOptions(
      { headless: true, replicas: '3', maxSurge: '50%', drainSeconds: '0' },
      { START_DELAY_SECONDS: '1' },
      RECOMMENDED,
    );
    expect(headless.rolling).toEqual({ replicas: 3, maxSurge: 2, maxUnavailable: 0 });
    expect(headless.appEnv).toMatchObject({ DRAIN_SECONDS: '0', START_DELAY_SECONDS: '1' });
    expect(headless.appEnv.COLOR).toBeUndefined();
    expect(headless.rolloutAfterMs).toBe(10_000);
    expect(headless.load.durationMs).toBe(60_000);
    expect(headless.load.ui).toBeNull();
    expect(headless.minReadyMs).toBe(5000);

    const interactive = resolveDemoOptions({}, { DRAIN_SECONDS: '0' }, RECOMMENDED);
    expect(interactive.appEnv.DRAIN_SECONDS).toBe('0');
    expect(interactive.rolloutAfterMs).toBeNull();
    expect(interactive.load.durationMs).toBeNull();
    expect(interactive.load.ui).toEqual({ port: 8090, host: '127.0.0.1', origins: [] });
    const inContainer = resolveDemoOptions({ uiHost: '0.0.0.0' }, {}, RECOMMENDED);
    expect(inContainer.load.ui).toEqual({ port: 8090, host: '0.0.0.0', origins: [] });
    expect(interactive.strategy).toBe('rolling');
    expect(resolveDemoOptions({}, {}, { ...RECOMMENDED, strategy: 'Recreate' }).strategy).toBe('recreate');
  });

  it('keeps the app hard limit above a long drain', () => {
    const options = resolveDemoOptions({ drainSeconds: '30' }, {}, RECOMMENDED);
    expect(Number(options.appEnv.SHUTDOWN_TIMEOUT_SECONDS)).toBeGreaterThan(30);
  });

  it('rejects bad values with the flag named', () => {
    const bad =
      (flags: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
      () =>
        resolveDemoOptions(flags, env, RECOMMENDED);
    expect(bad({ replicas: '0' })).toThrow(/--replicas: "0"/);
    expect(bad({ maxSurge: 'lots' })).toThrow(/--max-surge: "lots"/);
    expect(bad({ color: 'not a colour!' })).toThrow(/--color/);
    expect(bad({}, { DRAIN_SECONDS: '-1' })).toThrow(/DRAIN_SECONDS: "-1"/);
    expect(bad({ propagationDelay: 'soon' })).toThrow(/--propagation-delay/);
    expect(bad({ strategy: 'sideways' })).toThrow(/--strategy: "sideways"/);
  });
});

describe('small parts', () => {
  it("reads the port from the app's listening log line", () => {
    // The three lines `bluegreen serve` writes at start: fastify's (no port field), then the app's own two.
    const base =
      '"level":"info","time":"2026-01-01T00:00:00.000Z","pod":"blue-1","color":"blue","version":"v1"';
    expect(listeningPort(`{${base},"msg":"reachable at http://127.0.0.1:41234"}`)).toBeNull();
    expect(
      listeningPort(`{${base},"port":41234,"host":"127.0.0.1","startDelaySeconds":0,"msg":"listening"}`),
    ).toBe(41234);
    expect(listeningPort(`{${base},"port":41234,"startupMs":331,"msg":"ready"}`)).toBeNull();
    expect(listeningPort('not json')).toBeNull();
  });

  it('deletes surplus pods as the ReplicaSet controller ranks them', () => {
    const pod = (name: string, ready: boolean, readySince: number | null, createdAt: number) => ({
      name,
      ready,
      readySince,
      createdAt,
    });
    const order = deletionOrder([
      pod('old-ready', true, 100, 1),
      pod('unready', false, null, 2),
      pod('new-ready', true, 500, 3),
    ]).map((p) => p.name);
    expect(order).toEqual(['unready', 'new-ready', 'old-ready']);
  });

  it('names ReplicaSets by template and pods with a fresh suffix', () => {
    const blue = replicaSetName('app', { COLOR: 'blue', APP_VERSION: 'v1' });
    expect(blue).toMatch(/^app-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(replicaSetName('app', { APP_VERSION: 'v1', COLOR: 'blue' })).toBe(blue);
    expect(replicaSetName('app', { COLOR: 'green', APP_VERSION: 'v2' })).not.toBe(blue);
    const values = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5];
    const random = () => values.shift()!;
    const first = podName(blue, new Set(), random);
    expect(first).toBe(`${blue}-bbbbb`);
    expect(podName(blue, new Set([first]), random)).not.toBe(first);
  });

  it('applies endpoint changes after the propagation delay, in order', async () => {
    const seen: string[][] = [];
    const view = new DelayedView<string[]>(50, (v) => seen.push(v));
    view.set(['a', 'b']);
    view.set(['b']);
    expect(seen).toEqual([]);
    await new Promise((r) => setTimeout(r, 120));
    expect(seen).toEqual([['a', 'b'], ['b']]);
    view.set(['c']);
    view.close();
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toHaveLength(2);
  });
});
