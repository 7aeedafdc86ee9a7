/**
 * A signal at any moment of start-up ends `bluegreen serve` within drain + shutdown timeout: before it
 * listens, while it loads, between listening and ready, during the start delay, right after ready.
 * Start-up is slowed on purpose (every module loads late, as on a busy node) so those windows are wide.
 * (The build bundles serve into one file, read after the dispatcher took the signals: the window while
 * that file loads is the one left.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { packageRoot } from '../../common/package-info.js';
import { cliPath } from '../helpers/cli.js';

const slowStart = join(packageRoot, 'test', 'server', 'fixtures', 'slow-start.mjs');
const DRAIN_S = 0.3;
const TIMEOUT_S = 2;
/** drain + shutdown timeout, plus room for a busy machine to deliver the signal and reap the process. */
const BOUND_MS = (DRAIN_S + TIMEOUT_S) * 1000 + 3000;

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

interface Outcome {
  /** Exit code, or the signal that killed it (before our handlers were in place). */
  exit: number | string;
  exitedAfterSignalMs: number;
  output: string;
}

async function signalAt(
  when: { afterMs: number } | { onLog: RegExp },
  env: Record<string, string> = {},
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<Outcome> {
  const { COLOR: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', slowStart, cliPath, 'serve'], {
    cwd: packageRoot,
    env: {
      ...inherited,
      PORT: '0',
      HOST: '127.0.0.1',
      COLOR: 'blue',
      LOG_LEVEL: 'info',
      DRAIN_SECONDS: String(DRAIN_S),
      SHUTDOWN_TIMEOUT_SECONDS: String(TIMEOUT_S),
      SLOW_START_MS_PER_MODULE: '8',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  let signalledAt = 0;
  const send = (): void => {
    if (signalledAt) return;
    signalledAt = performance.now();
    child.kill(signal);
  };
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  const onData = (d: string): void => {
    output += d;
    if ('onLog' in when && when.onLog.test(output)) send();
  };
  child.stderr!.on('data', onData);
  child.stdout!.on('data', onData);
  if ('afterMs' in when) setTimeout(send, when.afterMs);
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, killedBy] = await exited;
  clearTimeout(limit);
  children.delete(child);
  expect(signalledAt, `the signal was never sent; output:\n${output}`).toBeGreaterThan(0);
  return {
    exit: code ?? killedBy ?? 'unknown',
    exitedAfterSignalMs: performance.now() - signalledAt,
    output,
  };
}

const messages = (output: string): string[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg)
    // fastify's own line naming the address; the lifecycle's lines are what matter here.
    .filter((m) => !m.startsWith('reachable at'));

describe('signals during start-up', () => {
  it('at any fixed moment after spawn, SIGTERM or SIGINT ends the process within drain + timeout', async () => {
    const offsets = [0, 30, 80, 150, 250, 400, 600, 900, 1300, 1800];
    const results: string[] = [];
    for (const [i, afterMs] of offsets.entries()) {
      const signal = i % 2 === 0 ? 'SIGTERM' : 'SIGINT';
      const outcome = await signalAt({ afterMs }, {}, signal);
      results.push(
        `${signal}@${afterMs}ms→${outcome.exit} in ${Math.round(outcome.exitedAfterSignalMs)}ms [${messages(outcome.output).join(',')}]`,
      );
      expect(outcome.exitedAfterSignalMs, results.at(-1)).toBeLessThan(BOUND_MS);
      // Killed by the signal itself only while Node has not yet run our first module; never another code.
      expect([0, 'SIGTERM', 'SIGINT'], results.at(-1)).toContain(outcome.exit);
      // Once the app has started listening, it drains and closes in order.
      if (messages(outcome.output).includes('listening'))
        expect(messages(outcome.output)).toContain('closed');
    }
    console.log(results.join('\n'));
  }, 120_000);

  it('between listening and ready (during the start delay): drains, never turns ready, exits 0', async () => {
    const outcome = await signalAt({ onLog: /"msg":"listening"/ }, { START_DELAY_SECONDS: '2' });
    expect(outcome.exit).toBe(0);
    expect(outcome.exitedAfterSignalMs).toBeLessThan(BOUND_MS);
    expect(messages(outcome.output)).toEqual(['listening', 'draining', 'closing', 'closed']);
  }, 60_000);

  it('right after ready: drains and exits 0', async () => {
    const outcome = await signalAt({ onLog: /"msg":"ready"/ }, {}, 'SIGINT');
    expect(outcome.exit).toBe(0);
    expect(outcome.exitedAfterSignalMs).toBeLessThan(BOUND_MS);
    expect(messages(outcome.output)).toEqual(['listening', 'ready', 'draining', 'closing', 'closed']);
  }, 60_000);

  it('before the app is built: exits 0 at once and says why', async () => {
    // The dispatcher (dist/cli.js) takes the signals first; serve's entry, which holds the app (fastify
    // and the routes), loads after it (scripts/bundle.ts): signal while that entry is being loaded.
    const outcome = await signalAt(
      { onLog: /^slow-start: loading \S*\/dist\/cli\/serve\.js$/m },
      { SLOW_START_MS_PER_MODULE: '1000' },
    );
    expect(outcome.exit).toBe(0);
    expect(messages(outcome.output)[0]).toBe('signal before listening: exiting');
  }, 60_000);
});
