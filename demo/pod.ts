/**
 * One pod: a real `bluegreen serve` child process on an ephemeral port, with a kubelet-like readiness
 * probe on /readyz, SIGTERM on termination and SIGKILL when the grace period runs out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distDir } from '../common/package-info.js';
import { SERVE_ENV_NAMES } from '../server/options.js';
import { DEMO_PARENT_ENV } from './parent-env.js';

export interface ProbeConfig {
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface PodConfig {
  name: string;
  replicaSet: string;
  color: string;
  version: string;
  /** The app's environment, without identity and port (the pod adds those). */
  env: Record<string, string>;
  probe: ProbeConfig;
  terminationGraceMs: number;
}

export type PodPhase = 'starting' | 'running' | 'terminating' | 'gone';

export interface PodExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Not asked to stop: the pod crashed (or exited by itself). */
  crashed: boolean;
  /** The last lines the process wrote, for crash reports. */
  output: string[];
}

export type PodChange = 'listening' | 'ready' | 'not-ready' | 'gone';

const HOST = '127.0.0.1';
const OUTPUT_LINES = 20;

// From sources (tests), the sibling .ts files; from the build, the files scripts/bundle.ts writes (this
// module's code may sit in a shared chunk there, so not beside them).
const fromSources = extname(fileURLToPath(import.meta.url)) === '.ts';
const cliPath = fromSources ? fileURLToPath(new URL('../cli.ts', import.meta.url)) : join(distDir, 'cli.js');
const watchUrl = fromSources
  ? new URL('./parent-watch.ts', import.meta.url).href
  : pathToFileURL(join(distDir, 'demo', 'parent-watch.js')).href;

/** The `port` of the app's `listening` log line: `{…,"port":N,…,"msg":"listening"}` (server/main.ts). */
export function listeningPort(line: string): number | null {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return typeof entry.port === 'number' && entry.msg === 'listening' ? entry.port : null;
  } catch {
    return null;
  }
}

/** The demo's own environment minus the app's settings: a pod gets those from its template only. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SERVE_ENV_NAMES) delete env[name];
  return env;
}

export class Pod {
  readonly name: string;
  readonly replicaSet: string;
  readonly color: string;
  readonly version: string;
  readonly createdAt = Date.now();
  readonly host = HOST;
  phase: PodPhase = 'starting';
  port: number | null = null;
  ready = false;
  /** When the pod last turned ready; null while not ready. */
  readySince: number | null = null;
  exit: PodExit | null = null;
  readonly exited: Promise<PodExit>;

  private readonly child: ChildProcess;
  private readonly output: string[] = [];
  private probeTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private successes = 0;
  private failures = 0;
  private stopping = false;

  constructor(
    private readonly config: PodConfig,
    private readonly onChange: (pod: Pod, change: PodChange) => void,
  ) {
    this.name = config.name;
    this.replicaSet = config.replicaSet;
    this.color = config.color;
    this.version = config.version;
    this.child = spawn(process.execPath, [...process.execArgv, '--import', watchUrl, cliPath, 'serve'], {
      env: {
        ...inheritedEnv(),
        ...config.env,
        // The demo reads the `listening` line for the port.
        LOG_LEVEL: 'info',
        PORT: '0',
        HOST,
        COLOR: config.color,
        APP_VERSION: config.version,
        POD_NAME: config.name,
        POD_NAMESPACE: 'bluegreen',
        POD_IP: HOST,
        [DEMO_PARENT_ENV]: String(process.pid),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal, crashed: !this.stopping, output: this.output.slice() };
        resolve(this.exit);
        this.gone();
      });
    });
    // A spawn failure also emits 'exit' (with code -2 or similar) only sometimes; make sure it ends.
    this.child.once('error', (error) => {
      this.record(`spawn failed: ${error.message}`);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    });
    this.readLines(this.child.stdout!, true);
    this.readLines(this.child.stderr!, false);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM now (the caller removes the pod from the endpoints at the same moment); SIGKILL after the grace period. */
  terminate(): void {
    if (this.phase === 'terminating' || this.phase === 'gone') return;
    this.phase = 'terminating';
    this.stopping = true;
    this.stopProbing();
    this.setReady(false, false);
    this.child.kill('SIGTERM');
    this.graceTimer = setTimeout(() => this.child.kill('SIGKILL'), this.config.terminationGraceMs);
  }

  /** Ends the process at once (demo shutdown); resolves when it has exited. */
  async kill(): Promise<PodExit> {
    this.stopping = true;
    if (this.exit === null) this.child.kill('SIGKILL');
    return this.exited;
  }

  private record(line: string): void {
    this.output.push(line);
    if (this.output.length > OUTPUT_LINES) this.output.shift();
  }

  private readLines(stream: NodeJS.ReadableStream, lookForPort: boolean): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (data: string) => {
      const lines = (partial + data).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        this.record(line);
        if (lookForPort && this.port === null) {
          const port = listeningPort(line);
          if (port !== null) this.listening(port);
        }
      }
    });
  }

  private listening(port: number): void {
    if (this.phase !== 'starting') return;
    this.port = port;
    this.phase = 'running';
    this.onChange(this, 'listening');
    this.probe();
  }

  private probe(): void {
    const started = Date.now();
    const request = get({
      host: HOST,
      port: this.port!,
      path: '/readyz',
      agent: false,
      timeout: this.config.probe.timeoutMs,
    });
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      request.destroy();
      if (this.phase !== 'running') return;
      this.result(ok);
      const wait = Math.max(0, this.config.probe.periodMs - (Date.now() - started));
      this.probeTimer = setTimeout(() => this.probe(), wait);
    };
    request.on('response', (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    request.on('timeout', () => done(false));
    request.on('error', () => done(false));
  }

  private result(ok: boolean): void {
    const { successThreshold, failureThreshold } = this.config.probe;
    if (ok) {
      this.failures = 0;
      this.successes++;
      if (!this.ready && this.successes >= successThreshold) this.setReady(true, true);
    } else {
      this.successes = 0;
      this.failures++;
      if (this.ready && this.failures >= failureThreshold) this.setReady(false, true);
    }
  }

  private setReady(ready: boolean, notify: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    this.readySince = ready ? Date.now() : null;
    if (notify) this.onChange(this, ready ? 'ready' : 'not-ready');
  }

  private stopProbing(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private gone(): void {
    this.stopProbing();
    clearTimeout(this.graceTimer);
    this.ready = false;
    this.readySince = null;
    this.phase = 'gone';
    this.onChange(this, 'gone');
  }
}
