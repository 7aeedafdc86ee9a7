/** Small purpose-built servers on 127.0.0.1 for the loadtester's tests, and a helper to run `bluegreen load`. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../protocol/report.js';
import { spawnCli } from './cli.js';

export interface Target {
  url: string;
  port: number;
  /** performance.now() of each request's arrival. */
  arrivals: number[];
  connections: number;
  close(): Promise<void>;
}

export async function startTarget(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<Target> {
  const arrivals: number[] = [];
  const server: Server = createServer((req, res) => {
    arrivals.push(performance.now());
    handler(req, res, arrivals.length);
  });
  const target = { arrivals, connections: 0 } as Target;
  server.on('connection', () => target.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  target.port = port;
  target.url = `http://127.0.0.1:${port}/`;
  target.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return target;
}

/** An app-like responder: colour and pod headers, as `bluegreen serve` sends them. */
export function app(color: string, pod: string) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('color', color);
    res.setHeader('x-pod-name', pod);
    res.end(JSON.stringify({ color, pod }));
  };
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface LoadResult {
  code: number | string;
  report: Report | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `bluegreen load` with --json and returns the exit code and the parsed report. */
export async function runLoad(url: string, args: string[]): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bluegreen-load-'));
  const file = join(dir, 'report.json');
  try {
    const cli = spawnCli(['load', url, '--json', file, ...args]);
    const code = await cli.exited;
    let report: Report | null = null;
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    } catch {
      report = null;
    }
    return { code, report, stdout: cli.stdout(), stderr: cli.stderr() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

/** sent = responses + errors + timeouts + dropped. */
export function expectInvariant(report: Report): void {
  const settledCount = sum(report.responses) + sum(report.errors) + report.timeouts + report.dropped;
  if (settledCount !== report.sent) {
    throw new Error(
      `invariant broken: sent ${report.sent} ≠ settled ${settledCount}: ${JSON.stringify(report)}`,
    );
  }
  const failed =
    sum(report.errors) +
    report.timeouts +
    report.dropped +
    report.responses['1xx'] +
    report.responses['4xx'] +
    report.responses['5xx'] +
    report.rate.skipped;
  if (failed !== report.failed) throw new Error(`failed ${report.failed} ≠ ${failed}`);
  // Every due request is accounted: sent, or skipped for a reason.
  const skipped = report.skipped!.backoff + report.skipped!.busy;
  if (skipped !== report.rate.skipped)
    throw new Error(`skipped ${skipped} ≠ rate.skipped ${report.rate.skipped}`);
  if (report.due !== report.sent + skipped)
    throw new Error(`due ${report.due} ≠ sent ${report.sent} + skipped ${skipped}`);
}
