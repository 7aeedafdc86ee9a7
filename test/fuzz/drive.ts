/**
 * Sends hostile inputs to one listening part and keeps the score: every status seen, every 5xx the part
 * does not design, client-side errors, and what was in flight when the process died. The part runs as a
 * child process (test/helpers/cli.ts); this module only talks to its sockets and reads /proc.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { CliProcess } from '../helpers/cli.js';
import type { Report } from '../../protocol/report.js';
import type { HostileRequest } from './generate.js';

/** Whether a 5xx is one the part answers on purpose (documented in each test file). */
export type Designed5xx = (status: number, path: string, body: string, method: string) => boolean;

const LOCAL = '127.0.0.1';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process in MiB, from /proc/<pid>/status (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

/** Child processes of `pid` (from /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function describe(input: string | Buffer): string {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const shown = JSON.stringify(text.length > 240 ? `${text.slice(0, 240)}… (${text.length} chars)` : text);
  return shown;
}

export interface Undesigned {
  status: number;
  input: string;
  body: string;
}

/** The score of one part's fuzz run, and the process it is aimed at. */
export class Fuzz {
  /** Hostile inputs put on the wire: HTTP requests, raw payloads, WebSocket frames, slow connections. */
  sent = 0;
  readonly statuses = new Map<number, number>();
  readonly clientErrors = new Map<string, number>();
  readonly undesigned: Undesigned[] = [];
  /** Set when the process exited during the fuzz: the phase and the inputs in flight or just sent. */
  crash: { phase: string; code: number | string; suspects: string[]; stderr: string } | null = null;
  private phase = 'start';
  private readonly inFlight = new Set<string>();
  private readonly recent: string[] = [];

  constructor(
    readonly cli: CliProcess,
    private readonly designed: Designed5xx,
  ) {
    void cli.exited.then((code) => {
      if (this.phase === 'done') return;
      this.crash = {
        phase: this.phase,
        code,
        // Sockets the dying process reset may have closed before its exit is seen: the recent ones too.
        suspects: [...new Set([...this.inFlight, ...this.recent.slice(-32)])],
        stderr: cli.stderr().slice(-3000),
      };
    });
  }

  get alive(): boolean {
    return this.cli.child.exitCode === null && this.cli.child.signalCode === null;
  }

  /** Marks the end of the fuzz: an exit after this is the test's own SIGTERM, not a crash. */
  done(): void {
    this.endPhase();
    this.phase = 'done';
  }

  /** Each phase's length and the process's RSS at its end, for the log. */
  readonly timeline: string[] = [];
  private phaseStart = performance.now();

  begin(phase: string): void {
    this.endPhase();
    this.phase = phase;
  }

  private endPhase(): void {
    const ms = Math.round(performance.now() - this.phaseStart);
    const rss = this.alive ? `${rssMb(this.cli.child.pid!).toFixed(0)} MiB` : 'exited';
    if (this.phase !== 'start') this.timeline.push(`${this.phase} ${ms} ms → ${rss}`);
    this.phaseStart = performance.now();
  }

  private track(input: string): () => void {
    this.sent++;
    this.inFlight.add(input);
    this.recent.push(input);
    if (this.recent.length > 50) this.recent.shift();
    return () => this.inFlight.delete(input);
  }

  private status(status: number, input: string, path: string, body: string, method = 'GET'): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500 && !this.designed(status, path, body, method)) {
      if (this.undesigned.length < 50) this.undesigned.push({ status, input, body: body.slice(0, 300) });
    }
  }

  private clientError(kind: string): void {
    this.clientErrors.set(kind, (this.clientErrors.get(kind) ?? 0) + 1);
  }

  /** Sends `count` requests from `next`, `concurrency` at a time over keep-alive connections. */
  async http(port: number, count: number, concurrency: number, next: () => HostileRequest): Promise<void> {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    let left = count;
    const worker = async (): Promise<void> => {
      while (left > 0 && this.alive) {
        left--;
        await this.one(port, agent, next());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    agent.destroy();
  }

  private one(port: number, agent: Agent, r: HostileRequest): Promise<void> {
    const input = describe(
      `${r.method} ${r.path} ${JSON.stringify(r.headers)}${r.body ? ` body ${describe(r.body.subarray(0, 120))} (${r.body.length} bytes)` : ''}`,
    );
    return new Promise((resolve) => {
      let settled = false;
      let untrack = (): void => undefined;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        untrack();
        resolve();
      };
      let req;
      try {
        req = request({
          host: LOCAL,
          port,
          method: r.method,
          path: r.path,
          headers: r.headers,
          agent,
          setHost: r.headers.host === undefined,
        });
      } catch {
        // The Node client refused to send it: not an input, not counted.
        this.clientError('unsendable');
        return finish();
      }
      untrack = this.track(input);
      req.setTimeout(5000, () => {
        this.clientError('timeout');
        req.destroy();
        finish();
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        const end = (): void => {
          this.status(res.statusCode ?? 0, input, r.path, Buffer.concat(chunks).toString('utf8'), r.method);
          finish();
        };
        res.on('end', end);
        res.on('error', end);
        res.on('aborted', end);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!settled) this.clientError(error.code ?? error.message);
        finish();
      });
      req.end(r.body);
    });
  }

  /** Writes each payload on a fresh socket, reads whatever comes back for up to `waitMs`, then closes. */
  async raw(
    port: number,
    count: number,
    concurrency: number,
    waitMs: number,
    next: () => Buffer,
  ): Promise<void> {
    let left = count;
    const worker = async (): Promise<void> => {
      while (left > 0 && this.alive) {
        left--;
        await this.rawOne(port, next(), waitMs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private rawOne(port: number, payload: Buffer, waitMs: number): Promise<void> {
    const input = `raw ${describe(payload)}`;
    const untrack = this.track(input);
    const [, method = '', target = ''] = /^(\S+) (\S+)/.exec(payload.toString('latin1')) ?? [];
    return new Promise((resolve) => {
      const socket = connect({ host: LOCAL, port });
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => socket.destroy(), waitMs);
      socket.on('connect', () => socket.end(payload));
      socket.on('data', (chunk: Buffer) => {
        if (size < 65_536) chunks.push(chunk);
        size += chunk.length;
      });
      socket.on('error', (error: NodeJS.ErrnoException) => this.clientError(`raw ${error.code ?? 'error'}`));
      socket.on('close', () => {
        clearTimeout(timer);
        untrack();
        const text = Buffer.concat(chunks).toString('latin1');
        // Pipelined answers follow each other without a separator.
        for (const m of text.matchAll(/HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n([\s\S]{0,800})/g)) {
          const body = m[2]!.split('\r\n\r\n')[1] ?? '';
          this.status(Number(m[1]), input, target, body, method);
        }
        resolve();
      });
    });
  }

  /**
   * Slowloris: `sockets` connections each trickle a request's header lines (or a body) a few bytes every
   * 200 ms and never finish it, for `durationMs`. Meanwhile `probe` must keep answering; returns the
   * slowest probe in ms.
   */
  async slowloris(
    port: number,
    sockets: number,
    durationMs: number,
    probe: () => Promise<unknown>,
  ): Promise<number> {
    const open = Array.from({ length: sockets }, (_, i) => {
      const socket = connect({ host: LOCAL, port });
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      const body = i % 2 === 1;
      socket.write(
        body
          ? 'POST /api/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{'
          : 'GET / HTTP/1.1\r\nHost: x\r\n',
      );
      this.track(`slowloris ${body ? 'body' : 'headers'} #${i}`)();
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write(body ? '"a":1,' : `X-${i}: ${'y'.repeat(8)}\r\n`);
      }, 200);
      return { socket, timer };
    });
    let slowest = 0;
    const until = Date.now() + durationMs;
    while (Date.now() < until && this.alive) {
      const started = performance.now();
      await probe().catch(() => undefined);
      slowest = Math.max(slowest, performance.now() - started);
      await sleep(150);
    }
    for (const { socket, timer } of open) {
      clearInterval(timer);
      socket.destroy();
    }
    return slowest;
  }

  /**
   * WebSocket clients that send hostile frames in rapid bursts; a client the server closes (huge frame,
   * rate limit, refused origin) reconnects until `frames` have been sent. Also clients that connect and
   * vanish, and one that never reads.
   */
  async websocket(
    url: string,
    origins: () => string,
    clients: number,
    frames: number,
    next: () => string | Buffer,
  ): Promise<{ replies: number; closes: Map<number, number>; refused: number }> {
    const closes = new Map<number, number>();
    let replies = 0;
    let refused = 0;
    let left = frames;
    const stuck = new WebSocket(url, { origin: origins() });
    stuck.on('error', () => undefined);
    stuck.on('open', () => stuck.pause());
    const client = async (): Promise<void> => {
      while (left > 0 && this.alive) {
        const ws = new WebSocket(url, { origin: origins(), handshakeTimeout: 3000 });
        ws.on('message', () => replies++);
        ws.on('error', () => undefined);
        ws.on('unexpected-response', (_req, res) => {
          refused++;
          this.status(res.statusCode ?? 0, `ws upgrade ${url}`, url, '');
          res.resume();
          ws.terminate();
        });
        const opened = await Promise.race([
          once(ws, 'open').then(() => true),
          once(ws, 'close').then(() => false),
          sleep(4000).then(() => false),
        ]).catch(() => false);
        const input = `ws connect ${url}`;
        this.track(input)();
        if (!opened) {
          ws.terminate();
          await sleep(50);
          continue;
        }
        const closed = once(ws, 'close').then(([code]) => {
          closes.set(code as number, (closes.get(code as number) ?? 0) + 1);
        });
        const burst = 1 + Math.min(left, 200);
        for (let i = 0; i < burst && left > 0 && ws.readyState === WebSocket.OPEN; i++) {
          const frame = next();
          left--;
          this.track(`ws frame ${describe(frame)}`)();
          ws.send(frame, { binary: typeof frame !== 'string' });
        }
        // Let the server answer the burst (or close us) before the next one.
        await Promise.race([closed, sleep(100)]);
        ws.terminate();
        await closed;
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    stuck.terminate();
    return { replies, closes, refused };
  }
}

/** A well-formed request at the end: the part still answers. */
export function normalRequest(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: LOCAL, port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }),
      );
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Opens the stream as the page does and resolves with its first message (the hello). */
export function helloOf(url: string, origin: string): Promise<{ type: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no hello within 5 s'));
    }, 5000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(JSON.parse(String(data)) as { type: string });
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Collects every run's summary from the stream, reconnecting when the server drops the connection. */
export function collectReports(url: string, origin: string): { reports: Report[]; stop: () => void } {
  const reports: Report[] = [];
  let stopped = false;
  let ws: WebSocket;
  const open = (): void => {
    ws = new WebSocket(url, { origin });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; report?: Report };
      if (message.type === 'summary' && message.report) reports.push(message.report);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (!stopped) setTimeout(open, 200);
    });
  };
  open();
  return {
    reports,
    stop: () => {
      stopped = true;
      ws.terminate();
    },
  };
}

/** The accounting invariant of a finished run; null when it holds. */
export function invariantProblem(report: Report): string | null {
  const r = report.responses;
  const e = report.errors;
  const responses = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  const errors = e.refused + e.reset + e.other;
  const total = responses + errors + report.timeouts + report.dropped;
  return report.sent === total
    ? null
    : `sent ${report.sent} ≠ responses ${responses} + errors ${errors} + timeouts ${report.timeouts} + dropped ${report.dropped} (= ${total})`;
}

/** SIGTERM, then the exit code, or 'no exit' (and SIGKILL) when it does not exit within `timeoutMs`. */
export async function terminate(cli: CliProcess, timeoutMs: number): Promise<number | string> {
  if (cli.child.exitCode !== null || cli.child.signalCode !== null)
    return `already exited: ${await cli.exited}`;
  cli.kill('SIGTERM');
  const code = await Promise.race([cli.exited, sleep(timeoutMs).then(() => 'no exit' as const)]);
  if (code === 'no exit') {
    cli.kill('SIGKILL');
    await cli.exited;
    return `no exit within ${timeoutMs} ms of SIGTERM`;
  }
  return code;
}

/** Node's own warnings (TimeoutOverflowWarning, MaxListenersExceededWarning, …) in a process's stderr. */
export function nodeWarnings(stderr: string): string[] {
  return [...new Set([...stderr.matchAll(/\b([A-Za-z]*Warning):[^\n]*/g)].map((m) => m[0].slice(0, 200)))];
}

/** Counts as one line for a test's log. */
export function summary(fuzz: Fuzz): string {
  const statuses = [...fuzz.statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  const errors = [...fuzz.clientErrors].map(([k, n]) => `${k}×${n}`).join(' ');
  return `${fuzz.sent} hostile inputs; statuses ${statuses}; client-side ${errors || 'none'}; ${fuzz.timeline.join(', ')}`;
}

/** Every report printed on stdout ("Requests   N sent: R responses, E errors, T timeouts, D dropped"). */
export function printedReportProblems(stdout: string): { count: number; problems: string[] } {
  const lines = [
    ...stdout.matchAll(
      /Requests\s+(?:\d+ due, \d+ skipped, )?(\d+) sent: (\d+) responses, (\d+) errors, (\d+) timeouts, (\d+) dropped/g,
    ),
  ];
  const problems = lines
    .filter((m) => Number(m[1]) !== Number(m[2]) + Number(m[3]) + Number(m[4]) + Number(m[5]))
    .map((m) => `printed: ${m[0]}`);
  return { count: lines.length, problems };
}

/** The first asset file of the built dashboard, e.g. `assets/index-abc.js`. */
export function someAsset(webDir: string): string {
  const file = readdirSync(join(webDir, 'assets')).find((f) => f.endsWith('.js'));
  return file ? `/assets/${file}` : '/assets/';
}

/**
 * The heap a part gets in its deployed pod: Node sizes its heap from the container's memory limit (256Mi in
 * deploy/), while on a test machine with gigabytes free V8 lets garbage pile up before collecting it, so RSS
 * after a burst measures the machine, not the part. The fuzzed processes run with the pod's heap.
 */
export const POD_HEAP = { NODE_OPTIONS: '--max-old-space-size=128' } as const;
