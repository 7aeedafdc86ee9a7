/**
 * `bluegreen serve` against a bare node:http server written by hand for the same answers (`/api/info`'s
 * identity JSON and `/delay/:ms`'s echo, same headers), both loaded by wrk on 127.0.0.1 in alternating
 * rounds: fresh processes each round, the order swapped every round so drift on a shared machine hits
 * both alike. Each round measures spawn → first 200, req/s and p99 on `/api/info` and on `/delay/0`, and
 * peak RSS under that load; the summary prints medians, the paired ratios (serve ÷ bare within a round)
 * and each target.
 *
 * BENCH_SEED_SERVER=path adds the workshop's original Go server as a third row (never downloaded or built
 * here): started with PORT set, measured on `/delay/0`. BENCH_SOAK=10m (s, m or h) then loads serve for
 * that long and prints its RSS slope; it does not run by default.
 * Tune with BENCH_ROUNDS (5), BENCH_SECONDS (5 per measurement), BENCH_CONNECTIONS (50),
 * BENCH_START_SAMPLES (4 more start-ups per round and server, for the start-up ratios).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { distDir } from '../common/package-info.js';
import { slope } from './slope.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SEED = process.env.BENCH_SEED_SERVER || null;
const SOAK = process.env.BENCH_SOAK || null;
/** Extra start-ups per round and server (start-up is short and noisy: more samples, paired). */
const START_SAMPLES = Number(process.env.BENCH_START_SAMPLES ?? 4);
const WARMUP_SECONDS = 2;
const exec = promisify(execFile);

// What one would write by hand: the same identity, headers and body shapes as serve's routes.
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
function send(res, body) {
  requestsServed += 1;
  res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
const server = createServer((req, res) => {
  const delay = /^\\/delay\\/(\\d+)$/.exec(req.url);
  if (delay) {
    const ms = Number(delay[1]);
    const answer = () => send(res, JSON.stringify({ ...identity, host: req.headers.host ?? null, method: req.method,
      url: req.url, headers: req.headers, remote_addr: req.socket.remoteAddress + ':' + req.socket.remotePort, delayMs: ms }));
    if (ms > 0) setTimeout(answer, ms); else answer();
    return;
  }
  send(res, JSON.stringify({ ...identity, uptimeSeconds: Math.round((Date.now() - startedAtMs) / 100) / 10, requestsServed }));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

type Kind = 'serve' | 'bare' | 'seed';
const INFO = '/api/info';
const DELAY = '/delay/0';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function status(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

interface Started {
  child: ChildProcess;
  port: number;
  /** Spawn → the first 200 on the path the process is measured on (polled every 2 ms). */
  startMs: number;
  /** CPU time the process used until then (all its threads): steadier than wall time on a busy machine. */
  startCpuMs: number;
}

function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    return NaN;
  }
}

async function start(kind: Kind): Promise<Started> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', COLOR: 'blue', LOG_LEVEL: 'warn' };
  const began = performance.now();
  const child =
    kind === 'serve'
      ? spawn(process.execPath, [join(distDir, 'cli.js'), 'serve'], {
          env: { ...env, DRAIN_SECONDS: '0' },
          stdio: 'ignore',
        })
      : kind === 'bare'
        ? spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], { env, stdio: 'ignore' })
        : spawn(SEED!, [], { env, stdio: 'ignore' });
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `${kind} exited (${code ?? signal}) before answering`));
  const path = kind === 'seed' ? DELAY : INFO;
  while ((await status(port, path)) !== 200) {
    if (exited) throw new Error(exited);
    await new Promise((r) => setTimeout(r, 2));
  }
  return { child, port, startMs: performance.now() - began, startCpuMs: cpuMs(child.pid!) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

interface Load {
  rps: number;
  p99Ms: number;
  errors: number;
}

/** wrk against one path; `peak` is raised to the highest RSS seen meanwhile. */
async function load(target: Started, path: string, seconds: number, peak: { mb: number }): Promise<Load> {
  const sampler = setInterval(() => (peak.mb = Math.max(peak.mb, rssMb(target.child.pid!))), 100);
  try {
    const url = `http://127.0.0.1:${target.port}${path}`;
    const { stdout } = await exec('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url]);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
    const p99Ms = toMs(/^\s+99%\s+(\S+)$/m.exec(stdout)?.[1] ?? '');
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
    const socketErrors = socket ? socket.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
    return { rps, p99Ms, errors: non2xx + socketErrors };
  } finally {
    clearInterval(sampler);
  }
}

interface Round {
  startMs: number;
  startCpuMs: number;
  info: Load | null;
  delay: Load;
  rssMb: number;
}

async function measure(kind: Kind): Promise<Round> {
  const target = await start(kind);
  try {
    const peak = { mb: 0 };
    const first = kind === 'seed' ? DELAY : INFO;
    await load(target, first, WARMUP_SECONDS, peak);
    const info = kind === 'seed' ? null : await load(target, INFO, SECONDS, peak);
    const delay = await load(target, DELAY, SECONDS, peak);
    return { startMs: target.startMs, startCpuMs: target.startCpuMs, info, delay, rssMb: peak.mb };
  } finally {
    await stop(target.child);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const fixed = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (!m) throw new Error(`BENCH_SOAK="${text}": give a duration like 600s, 10m or 1h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** Serve under wrk for the whole soak, RSS sampled each second; the slope leaves out the first minute. */
async function soak(seconds: number): Promise<void> {
  console.log(`\nsoak: serve under wrk -c${CONNECTIONS} on ${INFO} for ${seconds} s`);
  const target = await start('serve');
  const samples: [number, number][] = [];
  const began = performance.now();
  const sampler = setInterval(
    () => samples.push([(performance.now() - began) / 60_000, rssMb(target.child.pid!)]),
    1000,
  );
  try {
    const result = await load(target, INFO, seconds, { mb: 0 });
    const warm = Math.min(1, seconds / 180);
    const steady = samples.filter(([min]) => min >= warm);
    const mbs = samples.map(([, mb]) => mb);
    console.log(
      `  ${fixed(result.rps)} req/s, ${result.errors} errors; RSS min ${fixed(Math.min(...mbs))} MB, ` +
        `max ${fixed(Math.max(...mbs))} MB, last ${fixed(mbs.at(-1)!)} MB; ` +
        `slope after ${fixed(warm * 60)} s: ${fixed(slope(steady), 2)} MB/min (flat: |slope| < 0.5)`,
    );
  } finally {
    clearInterval(sampler);
    await stop(target.child);
  }
}

async function wrkInstalled(): Promise<boolean> {
  try {
    await exec('wrk', ['--version']);
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is a problem.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export async function run(): Promise<void> {
  // A bad BENCH_SOAK stops the bench before its rounds, not after.
  const soakSeconds = SOAK ? parseDuration(SOAK) : null;
  if (!(await wrkInstalled())) {
    console.log('wrk not installed (Debian: apt-get install wrk): server figures skipped');
    return;
  }
  const kinds: Kind[] = SEED ? ['serve', 'bare', 'seed'] : ['serve', 'bare'];
  console.log(
    `${ROUNDS} rounds × ${SECONDS} s per path and server, wrk -t1 -c${CONNECTIONS} on 127.0.0.1; ` +
      `load average at start ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}` +
      (SEED ? `; seed: ${SEED}` : ''),
  );
  const rounds: Record<Kind, Round[]> = { serve: [], bare: [], seed: [] };
  const starts: Record<Kind, Started[]> = { serve: [], bare: [], seed: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? kinds : [...kinds].reverse();
    for (const kind of order) rounds[kind].push(await measure(kind));
    for (let i = 0; i < START_SAMPLES; i++) {
      for (const kind of order) {
        const started = await start(kind);
        await stop(started.child);
        starts[kind].push(started);
      }
    }
    const line = kinds.map((kind) => {
      const r = rounds[kind].at(-1)!;
      const info = r.info ? `info ${fixed(r.info.rps)}/s ` : '';
      return `${kind} ${info}delay ${fixed(r.delay.rps)}/s start ${fixed(r.startMs)} ms rss ${fixed(r.rssMb)} MB`;
    });
    console.log(`round ${round}: ${line.join(' | ')}`);
  }

  const s = rounds.serve;
  const b = rounds.bare;
  const paired = (f: (r: Round) => number): number => median(s.map((r, i) => f(r) / f(b[i]!)));
  const med = (rs: Round[], f: (r: Round) => number): number => median(rs.map(f));
  const infoRps = (r: Round): number => r.info!.rps;
  const infoP99 = (r: Round): number => r.info!.p99Ms;
  const delayRps = (r: Round): number => r.delay.rps;
  const delayP99 = (r: Round): number => r.delay.p99Ms;
  // Start-ups: the one before each round's load plus START_SAMPLES more, paired in order.
  const allStarts = (kind: Kind): { wall: number; cpu: number }[] => [
    ...rounds[kind].map((r) => ({ wall: r.startMs, cpu: r.startCpuMs })),
    ...starts[kind].map((st) => ({ wall: st.startMs, cpu: st.startCpuMs })),
  ];
  const startPaired = (f: (x: { wall: number; cpu: number }) => number): number => {
    const bareStarts = allStarts('bare');
    return median(allStarts('serve').map((x, i) => f(x) / f(bareStarts[i]!)));
  };
  const startWall = (r: Round): number => r.startMs;
  const startCpu = (r: Round): number => r.startCpuMs;
  const rss = (r: Round): number => r.rssMb;

  const rows: [string, (r: Round) => number, number, string][] = [
    ['/api/info req/s', infoRps, 0, ''],
    ['/api/info p99 ms', infoP99, 2, ''],
    ['/delay/0 req/s', delayRps, 0, ''],
    ['/delay/0 p99 ms', delayP99, 2, ''],
    ['spawn → first 200 ms', startWall, 0, ''],
    ['CPU to first 200 ms', startCpu, 0, ''],
    ['peak RSS under load MB', rss, 0, ''],
  ];
  console.log(
    `\nmedians${' '.repeat(17)}${'serve'.padStart(9)}${'node:http'.padStart(11)}${SEED ? 'seed'.padStart(9) : ''}`,
  );
  for (const [name, f, digits] of rows) {
    const seedCell = SEED
      ? (name.startsWith('/api/info') ? '–' : fixed(med(rounds.seed, f), digits)).padStart(9)
      : '';
    console.log(
      `  ${name.padEnd(23)}${fixed(med(s, f), digits).padStart(9)}${fixed(med(b, f), digits).padStart(11)}${seedCell}`,
    );
  }

  const bareRss = med(b, rss);
  const rssLimit = Math.max(80, 1.1 * bareRss);
  const ratios: [string, number, string, boolean][] = [
    ['/api/info req/s, serve ÷ node:http', paired(infoRps), '≥ 0.95', paired(infoRps) >= 0.95],
    ['/delay/0 req/s, serve ÷ node:http', paired(delayRps), '≥ 1.0', paired(delayRps) >= 1.0],
    ['/api/info p99, serve ÷ node:http', paired(infoP99), '≤ 1.0', paired(infoP99) <= 1.0],
    ['/delay/0 p99, serve ÷ node:http', paired(delayP99), '≤ 1.0', paired(delayP99) <= 1.0],
    [
      'spawn → first 200, serve ÷ node:http',
      startPaired((x) => x.wall),
      '≤ 1.5',
      startPaired((x) => x.wall) <= 1.5,
    ],
    [
      'CPU to first 200, serve ÷ node:http',
      startPaired((x) => x.cpu),
      '(≤ 1.5 on a quiet machine)',
      startPaired((x) => x.cpu) <= 1.5,
    ],
    [
      'peak RSS, serve ÷ node:http',
      paired(rss),
      `≤ ${fixed(rssLimit)} MB (80, or 1.1× bare)`,
      med(s, rss) <= rssLimit,
    ],
  ];
  console.log('\npaired ratios (median over rounds)                 target');
  for (const [name, ratio, target, ok] of ratios)
    console.log(`  ${name.padEnd(38)}${fixed(ratio, 3).padStart(7)}  ${target.padEnd(28)} ${met(ok)}`);
  if (SEED) {
    const seed = rounds.seed;
    console.log(
      `  seed vs serve on /delay/0: serve req/s ${fixed(median(s.map((r, i) => r.delay.rps / seed[i]!.delay.rps)), 3)}× seed's, ` +
        `start ${fixed(median(s.map((r, i) => r.startMs / seed[i]!.startMs)), 1)}× seed's, RSS ${fixed(med(s, rss) - med(seed, rss))} MB more`,
    );
  }
  const errors = kinds
    .flatMap((k) => rounds[k])
    .reduce((sum, r) => sum + r.delay.errors + (r.info?.errors ?? 0), 0);
  console.log(`errors (non-2xx or socket): ${errors}`);

  if (soakSeconds !== null) await soak(soakSeconds);
}
