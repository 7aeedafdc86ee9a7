/**
 * `bluegreen load` at maximum rate vs bare autocannon (no hooks) vs wrk, in alternating rounds against
 * one warmed node:http target in its own process. Compares the generator's CPU time per completed
 * request (user + system of the generator process) and req/s, then checks that the loadtester's memory
 * stays flat over a longer run. Ratios are paired: each generator against bare autocannon in the same
 * round, the median over rounds (a busy machine moves both). Env: BENCH_ROUNDS (3), BENCH_SECONDS (5),
 * BENCH_MEMORY_SECONDS (60), BENCH_CONNECTIONS (10), BENCH_LOAD_BASELINE (another build's dist/cli.js, run
 * as `bg-baseline` with the undici engine: before and after a change, in the same rounds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { packageRoot } from '../common/package-info.js';
import type { Report } from '../protocol/report.js';
import { slope } from './slope.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const BASELINE = process.env.BENCH_LOAD_BASELINE ?? null;
const WRK = '/usr/bin/wrk';
const TIME = '/usr/bin/time';
const cli = join(packageRoot, 'dist', 'cli.js');

interface Result {
  requests: number;
  cpuMs: number;
  wallMs: number;
}

const TARGET = `
import http from 'node:http';
const server = http.createServer((req, res) => {
  res.setHeader('color', 'blue');
  res.setHeader('x-pod-name', 'bench-1');
  res.end('ok');
}).listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`;

const BARE_AUTOCANNON = `
import autocannon from 'autocannon';
const [url, connections, seconds] = process.argv.slice(2);
const result = await autocannon({ url, connections: Number(connections), duration: Number(seconds) });
console.log('result ' + JSON.stringify({ requests: result.requests.total }));
`;

// Loaded into each node generator: reports the process's own CPU time as it exits.
const CPU_PRELOAD = `process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('\\ncpu ' + (c.user + c.system) + '\\n'); });`;

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { out: () => out, err: () => err };
}

async function runNode(
  args: string[],
  preload: string,
): Promise<{ out: string; err: string; cpuMs: number; wallMs: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', preload, ...args], {
    cwd: packageRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const io = collect(child);
  await once(child, 'exit');
  const cpu = /cpu (\d+)/.exec(io.err());
  if (!cpu) throw new Error(`no cpu figure from ${args.join(' ')}: ${io.err()}`);
  return { out: io.out(), err: io.err(), cpuMs: Number(cpu[1]) / 1000, wallMs: performance.now() - start };
}

async function bareAutocannon(url: string, dir: string, preload: string): Promise<Result> {
  const script = join(dir, 'bare-autocannon.mjs');
  writeFileSync(script, BARE_AUTOCANNON);
  const r = await runNode([script, url, String(CONNECTIONS), String(SECONDS)], preload);
  const m = /result (\{.*\})/.exec(r.out);
  if (!m) throw new Error(`bare autocannon printed no result: ${r.out} ${r.err}`);
  return { requests: (JSON.parse(m[1]!) as { requests: number }).requests, cpuMs: r.cpuMs, wallMs: r.wallMs };
}

async function bluegreen(
  url: string,
  dir: string,
  preload: string,
  engine: string,
  entry: string = cli,
): Promise<Result> {
  const file = join(dir, 'report.json');
  const r = await runNode(
    [
      entry,
      'load',
      url,
      '--engine',
      engine,
      '--rate',
      'max',
      '-c',
      String(CONNECTIONS),
      '-d',
      `${SECONDS}s`,
      '-q',
      '--json',
      file,
    ],
    preload,
  );
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  return { requests: report.responses['2xx'], cpuMs: r.cpuMs, wallMs: r.wallMs };
}

/** null when wrk (or /usr/bin/time, which measures its CPU) is not installed. */
async function wrk(url: string): Promise<Result | null> {
  if (!existsSync(WRK) || !existsSync(TIME)) return null;
  const start = performance.now();
  const child = spawn(TIME, ['-f', 'time %U %S', WRK, '-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const io = collect(child);
  await once(child, 'exit');
  const requests = /(\d+) requests in/.exec(io.out());
  const time = /time ([\d.]+) ([\d.]+)/.exec(io.err());
  if (!requests || !time) return null;
  return {
    requests: Number(requests[1]),
    cpuMs: (Number(time[1]) + Number(time[2])) * 1000,
    wallMs: performance.now() - start,
  };
}

function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// Loaded into the memory run: the live heap after a full GC every 5 s, which RSS (allocator and
// young-generation sizing) does not show.
const HEAP_PRELOAD = `const t0 = performance.now(); setInterval(() => { globalThis.gc(); process.stderr.write('heap ' + ((performance.now() - t0) / 1000).toFixed(1) + ' ' + Math.round(process.memoryUsage().heapUsed / 1024) + '\\n'); }, 5000).unref();`;

interface MemoryResult {
  samples: [number, number][];
  slopeKbPerMin: number;
  heap: [number, number][];
  heapSlopeKbPerMin: number;
  requests: number;
}

async function memoryRun(url: string, heapPreload: string): Promise<MemoryResult> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      heapPreload,
      cli,
      'load',
      url,
      '--rate',
      'max',
      '-c',
      String(CONNECTIONS),
      '-d',
      `${MEMORY_SECONDS}s`,
      '-q',
    ],
    {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const io = collect(child);
  const samples: [number, number][] = [];
  const start = performance.now();
  const timer = setInterval(() => {
    const kb = rssKb(child.pid!);
    if (kb !== null) samples.push([(performance.now() - start) / 1000, kb]);
  }, 1000);
  await once(child, 'exit');
  clearInterval(timer);
  const sent = /Requests\s+(?:\d+ due, \d+ skipped, )?(\d+) sent/.exec(io.out());
  // The first 10 s are warm-up (JIT, buffers): the slope is taken over the rest.
  const steady = samples.filter(([t]) => t >= Math.min(10, MEMORY_SECONDS / 3));
  const heap = [...io.err().matchAll(/heap ([\d.]+) (\d+)/g)].map((m): [number, number] => [
    Number(m[1]),
    Number(m[2]),
  ]);
  const steadyHeap = heap.filter(([t]) => t >= Math.min(10, MEMORY_SECONDS / 3));
  return {
    samples,
    slopeKbPerMin: slope(steady) * 60,
    heap,
    heapSlopeKbPerMin: slope(steadyHeap) * 60,
    requests: sent ? Number(sent[1]) : 0,
  };
}

const perReq = (r: Result): number => (r.cpuMs * 1000) / r.requests;
const rps = (r: Result): number => (r.requests * 1000) / r.wallMs;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  // Inside the package so the bare autocannon script resolves autocannon from node_modules.
  const dir = mkdtempSync(join(packageRoot, '.bench-loadtester-'));
  const preload = join(dir, 'cpu.mjs');
  writeFileSync(preload, CPU_PRELOAD);
  writeFileSync(join(dir, 'target.mjs'), TARGET);
  const target = spawn(process.execPath, [join(dir, 'target.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      target.stdout!.setEncoding('utf8').on('data', (d: string) => {
        const m = /port (\d+)/.exec(d);
        if (m) resolve(Number(m[1]));
      });
      target.once('exit', () => reject(new Error('target exited')));
    });
    const url = `http://127.0.0.1:${port}/`;
    console.log(`target ${url}; ${ROUNDS} rounds of ${SECONDS}s, ${CONNECTIONS} connections`);
    await bareAutocannon(url, dir, preload); // warm the target
    type Name = 'autocannon' | 'bg-undici' | 'bg-autocannon' | 'bg-baseline';
    const runners: Partial<Record<Name, () => Promise<Result>>> = {
      autocannon: () => bareAutocannon(url, dir, preload),
      'bg-undici': () => bluegreen(url, dir, preload, 'undici'),
      'bg-autocannon': () => bluegreen(url, dir, preload, 'autocannon'),
      ...(BASELINE ? { 'bg-baseline': () => bluegreen(url, dir, preload, 'undici', BASELINE) } : {}),
    };
    const names = Object.keys(runners) as Name[];
    if (BASELINE) console.log(`bg-baseline: ${BASELINE}`);
    const results: Record<Name | 'wrk', Result[]> = {
      autocannon: [],
      'bg-undici': [],
      'bg-autocannon': [],
      'bg-baseline': [],
      wrk: [],
    };
    const show = (round: number, name: string, r: Result): void =>
      console.log(
        `round ${round} ${name.padEnd(14)} ${String(Math.round(rps(r))).padStart(6)} req/s  ${perReq(r).toFixed(1)} µs CPU/req`,
      );
    for (let round = 1; round <= ROUNDS; round++) {
      // Rotate the order so no generator always runs first (or last) in a round.
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const name of order) {
        const r = await runners[name]!();
        results[name].push(r);
        show(round, name, r);
      }
      const w = await wrk(url);
      if (w) {
        results.wrk.push(w);
        show(round, 'wrk', w);
      }
    }
    const summary = (name: keyof typeof results) => ({
      rps: median(results[name].map(rps)),
      usPerReq: median(results[name].map(perReq)),
    });
    console.log('\nmedians (bg-* = bluegreen load with the full tally, by engine)');
    for (const name of ['wrk', ...names] as const) {
      if (results[name].length === 0) continue;
      const s = summary(name);
      console.log(
        `  ${name.padEnd(14)} ${String(Math.round(s.rps)).padStart(6)} req/s  ${s.usPerReq.toFixed(1)} µs CPU/req`,
      );
    }
    const hasWrk = results.wrk.length === ROUNDS;
    if (results.wrk.length === 0)
      console.log(
        '  wrk not installed (Debian: apt-get install wrk, with /usr/bin/time): its row is left out',
      );
    /** Round by round, `of` ÷ `to` in the same round; the median and the range over rounds. */
    const paired = (of: Name, to: Name | 'wrk', measure: (r: Result) => number): string => {
      const ratios = results[of].map((r, i) => measure(r) / measure(results[to][i]!)).sort((a, b) => a - b);
      return `${median(ratios).toFixed(2)}× (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)})`;
    };
    console.log('\npaired ratios (median over rounds, range)');
    for (const name of names.filter((n) => n !== 'autocannon')) {
      const cpu = median(results[name].map((r, i) => perReq(r) / perReq(results.autocannon[i]!)));
      console.log(
        `  ${name} / bare autocannon: CPU per request ${paired(name, 'autocannon', perReq)} (target ≤ 0.9: ${cpu <= 0.9 ? 'met' : 'MISSED'}), req/s ${paired(name, 'autocannon', rps)} (target ≥ 0.9)` +
          (hasWrk ? `; / wrk: CPU per request ${paired(name, 'wrk', perReq)} (toward 1)` : ''),
      );
    }
    if (BASELINE)
      console.log(
        `  bg-undici / bg-baseline: CPU per request ${paired('bg-undici', 'bg-baseline', perReq)}, req/s ${paired('bg-undici', 'bg-baseline', rps)}`,
      );

    if (MEMORY_SECONDS > 0) {
      console.log(`\nmemory: bluegreen load (undici engine) at max rate for ${MEMORY_SECONDS}s`);
      const heapPreload = join(dir, 'heap.mjs');
      writeFileSync(heapPreload, HEAP_PRELOAD);
      const mem = await memoryRun(url, heapPreload);
      const kb = mem.samples.map((s) => s[1]);
      console.log(
        `  ${mem.requests} requests; RSS min ${Math.round(Math.min(...kb) / 1024)} MB, max ${Math.round(Math.max(...kb) / 1024)} MB, last ${Math.round(kb.at(-1)! / 1024)} MB; slope after warm-up ${Math.round(mem.slopeKbPerMin)} kB/min`,
      );
      const heapKb = mem.heap.map((h) => h[1]);
      if (heapKb.length > 0) {
        console.log(
          `  heap after GC: min ${(Math.min(...heapKb) / 1024).toFixed(1)} MB, max ${(Math.max(...heapKb) / 1024).toFixed(1)} MB; slope after warm-up ${Math.round(mem.heapSlopeKbPerMin)} kB/min`,
        );
      }
    }
  } finally {
    target.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
