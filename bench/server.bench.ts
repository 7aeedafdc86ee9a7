/**
 * `bluegreen serve` against a bare node:http server answering the same `/api/info` JSON and headers,
 * both loaded by wrk on 127.0.0.1 in alternating rounds (fresh processes each round, order swapped
 * every round so drift on a shared machine hits both alike). Prints median req/s, p99 and RSS under
 * load for both, the paired ratio, and serve's process start → ready time.
 * Tune with BENCH_ROUNDS (default 5), BENCH_SECONDS (per measurement, default 5), BENCH_CONNECTIONS (32).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../common/package-info.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_SECONDS = 2;
const run$ = promisify(execFile);

// The same identity, headers and body shape as serve's /api/info, the way one would write it by hand.
const BARE_SERVER = `
import { createServer } from 'node:http';
import { hostname } from 'node:os';
const startedAtMs = Date.now();
const identity = { color: 'blue', version: 'v1', pod: hostname(), namespace: null, node: null, podIP: null,
  hostname: hostname(), startedAt: new Date(startedAtMs).toISOString() };
const headers = { color: 'blue', 'x-pod-name': identity.pod, 'x-app-version': 'v1',
  'access-control-allow-origin': '*', 'access-control-expose-headers': 'color, x-pod-name, x-app-version',
  'content-type': 'application/json; charset=utf-8' };
let requestsServed = 0;
const server = createServer((req, res) => {
  const body = JSON.stringify({ ...identity, uptimeSeconds: Math.round((Date.now() - startedAtMs) / 100) / 10, requestsServed });
  requestsServed += 1;
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'ready', port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));
`;

interface Started {
  child: ChildProcess;
  port: number;
  /** Wall time from spawn to the ready line. */
  startMs: number;
  /** serve's own figure: ms from its process start (performance.timeOrigin) to ready. */
  startupMs: number;
}

async function start(kind: 'serve' | 'bare'): Promise<Started> {
  const startedAt = performance.now();
  const child =
    kind === 'serve'
      ? spawn(process.execPath, [join(packageRoot, 'dist', 'cli.js'), 'serve'], {
          env: {
            ...process.env,
            PORT: '0',
            HOST: '127.0.0.1',
            COLOR: 'blue',
            LOG_LEVEL: 'info',
            DRAIN_SECONDS: '0',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        })
      : spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
  let out = '';
  const ready = await new Promise<{ port: number; startupMs?: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} exited ${code}: ${out}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = /\{[^\n]*"msg":"ready"[^\n]*\}/.exec(out);
      if (line) resolve(JSON.parse(line[0]) as { port: number; startupMs?: number });
    });
  });
  const startMs = performance.now() - startedAt;
  return { child, port: ready.port, startMs, startupMs: ready.startupMs ?? NaN };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

interface Load {
  rps: number;
  p99Ms: number;
  rssMb: number;
  errors: number;
}

async function load(target: Started, seconds: number): Promise<Load> {
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(target.child.pid!))), 200);
  try {
    const { stdout } = await run$('wrk', [
      '-t1',
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      '--latency',
      `http://127.0.0.1:${target.port}/api/info`,
    ]);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
    const p99Ms = toMs(/^\s+99%\s+(\S+)$/m.exec(stdout)?.[1] ?? '');
    const errors = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1];
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
    const socketTotal = socketErrors ? socketErrors.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
    return { rps, p99Ms, rssMb: peak, errors: Number(errors ?? 0) + socketTotal };
  } finally {
    clearInterval(sampler);
  }
}

type Measured = Load & { startMs: number; startupMs: number };

async function measure(kind: 'serve' | 'bare'): Promise<Measured> {
  const target = await start(kind);
  try {
    await load(target, WARMUP_SECONDS);
    return { ...(await load(target, SECONDS)), startMs: target.startMs, startupMs: target.startupMs };
  } finally {
    await stop(target.child);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fixed = (n: number, digits = 0): string => n.toFixed(digits);

export async function run(): Promise<void> {
  await run$('wrk', ['--version']).catch((error: { stdout?: string; code?: unknown }) => {
    // wrk --version exits 1 after printing its version; only a missing binary is a problem.
    if (error.code === 'ENOENT') throw new Error('wrk is not installed (Debian: apt-get install wrk)');
  });
  console.log(
    `${ROUNDS} rounds × ${SECONDS}s per server, wrk -t1 -c${CONNECTIONS}, GET /api/info on 127.0.0.1`,
  );
  const serve: Measured[] = [];
  const bare: Measured[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order: ('serve' | 'bare')[] = round % 2 ? ['serve', 'bare'] : ['bare', 'serve'];
    for (const kind of order) (kind === 'serve' ? serve : bare).push(await measure(kind));
    const s = serve.at(-1)!;
    const b = bare.at(-1)!;
    console.log(
      `round ${round}: serve ${fixed(s.rps)} req/s p99 ${fixed(s.p99Ms, 2)} ms rss ${fixed(s.rssMb)} MB | ` +
        `node:http ${fixed(b.rps)} req/s p99 ${fixed(b.p99Ms, 2)} ms rss ${fixed(b.rssMb)} MB | ratio ${fixed(s.rps / b.rps, 3)}`,
    );
  }
  const ratios = serve.map((s, i) => s.rps / bare[i]!.rps);
  const p99Ratios = serve.map((s, i) => s.p99Ms / bare[i]!.p99Ms);
  const errors = [...serve, ...bare].reduce((sum, r) => sum + r.errors, 0);
  console.log('\n                      serve     node:http');
  console.log(
    `median req/s     ${fixed(median(serve.map((r) => r.rps))).padStart(10)} ${fixed(median(bare.map((r) => r.rps))).padStart(13)}`,
  );
  console.log(
    `median p99 ms    ${fixed(median(serve.map((r) => r.p99Ms)), 2).padStart(10)} ${fixed(median(bare.map((r) => r.p99Ms)), 2).padStart(13)}`,
  );
  console.log(
    `median peak RSS  ${fixed(median(serve.map((r) => r.rssMb))).padStart(7)} MB ${fixed(median(bare.map((r) => r.rssMb))).padStart(10)} MB`,
  );
  console.log(
    `median start→ready ${fixed(median(serve.map((r) => r.startMs))).padStart(5)} ms ${fixed(median(bare.map((r) => r.startMs))).padStart(10)} ms  (spawn to ready line)`,
  );
  console.log(
    `serve's own start→ready (process start to ready, as logged): median ${fixed(median(serve.map((r) => r.startupMs)))} ms (target ≤ 200)`,
  );
  console.log(`paired req/s ratio (median): ${fixed(median(ratios), 3)}  (target ≥ 0.9)`);
  console.log(`paired p99 ratio (median):   ${fixed(median(p99Ratios), 3)}  (target ≤ 1.25)`);
  console.log(`errors (non-2xx or socket):  ${errors}`);
}
