/**
 * Setup file of the `parallel` project (see vitest.config.ts): a file that starts a child process
 * (the CLI, the demo's pods, Chromium) or listens on a fixed port fails here at once, saying it belongs
 * in the serial list, instead of quietly skewing the timing of the files running beside it.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { expect } from 'vitest';

function misplaced(what: string): Error {
  const file = expect.getState().testPath ?? 'this test file';
  return new Error(
    `${file} ${what}: it belongs in the serial project; add it to \`serial\` in vitest.config.ts`,
  );
}

for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'] as const) {
  Object.defineProperty(childProcess, name, {
    value: () => {
      throw misplaced('starts a child process');
    },
    configurable: true,
    writable: true,
  });
}
syncBuiltinESMExports();

/** The port a listen() call asks for: a number first argument, or an options object's `port`. */
function requestedPort(args: unknown[]): number {
  const [first] = args;
  if (typeof first === 'number') return first;
  if (typeof first === 'string' && /^\d+$/.test(first)) return Number(first);
  if (first && typeof first === 'object' && 'port' in first)
    return Number((first as { port: unknown }).port) || 0;
  return 0;
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  const port = requestedPort(args);
  if (port !== 0) throw misplaced(`listens on fixed port ${port}`);
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;
