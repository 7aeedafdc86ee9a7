/**
 * Starts the real `bluegreen` CLI (the built dist/, which `npm test` builds first) as a child process,
 * and makes sure no child outlives its test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { packageRoot } from '../../common/package-info.js';

export const cliPath = join(packageRoot, 'dist', 'cli.js');

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout/stderr match of `pattern`; rejects on exit or timeout. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  kill: (signal?: NodeJS.Signals) => void;
}

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}
process.once('exit', killAll);

/**
 * The test runner's environment without the variables the app reads as settings: vitest's workers set
 * COLOR=0 (for terminal colours), which `serve` would take as its colour and reject.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.COLOR;
  return env;
}

/** `stdin`: text piped to the child's standard input (which is closed after it); else no standard input. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): CliProcess {
  return spawnWith(process.execPath, [cliPath, ...args], env, stdin);
}

/**
 * The CLI with every file it writes limited to `kib` KiB (the shell's `ulimit -f`, RLIMIT_FSIZE): a write
 * past it fails with EFBIG (Node ignores SIGXFSZ), as on a disk that is full at that size.
 */
export function spawnCliWithFileLimit(kib: number, args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  // bash counts ulimit -f in KiB, dash (Debian's sh) in 512-byte blocks: ask for bash.
  const script = `ulimit -f ${kib} && exec "$0" "$@"`;
  return spawnWith('bash', ['-c', script, process.execPath, cliPath, ...args], env);
}

function spawnWith(command: string, argv: string[], env: NodeJS.ProcessEnv, stdin?: string): CliProcess {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  const child = spawn(command, argv, {
    cwd: packageRoot,
    env: { ...inheritedEnv(), LOG_LEVEL: 'warn', ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  running.add(child);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const l of listeners) l();
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    for (const l of listeners) l();
    return (code ?? signal) as number | string;
  });

  function waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = out.match(pattern) ?? err.match(pattern);
        if (match) return done(() => resolve(match));
        if (child.exitCode !== null || child.signalCode !== null) {
          done(() => reject(new Error(`process exited before ${pattern}\nstdout: ${out}\nstderr: ${err}`)));
        }
      };
      const timer = setTimeout(
        () =>
          done(() => reject(new Error(`timed out waiting for ${pattern}\nstdout: ${out}\nstderr: ${err}`))),
        timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });
  }

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor,
    exited,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  };
}

/** Kills every CLI child still running (for afterEach/afterAll) and waits for them to exit. */
export async function killAllCli(): Promise<void> {
  const waits = [...running].map((child) => once(child, 'exit'));
  killAll();
  await Promise.all(waits);
}
