/**
 * Helpers for the demo's end-to-end tests: read what the demo printed (pods, ports, events), listen to
 * its stream, and prove that nothing it started is left behind.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { TickMessage } from '../../protocol/run.js';
import type { ServerMessage } from '../../protocol/stream.js';

export interface DemoOutput {
  pods: Set<string>;
  ports: Set<number>;
}

/** Pod names and every port the demo printed: pods' ports, the front door and the dashboard. */
export function parseDemoOutput(stdout: string): DemoOutput {
  const pods = new Set([...stdout.matchAll(/pod-added\s+(app-\S+)/g)].map((m) => m[1]!));
  const ports = new Set(
    [
      ...stdout.matchAll(/pod-ready\s+\S+\s+\S+\s+port (\d+)/g),
      ...stdout.matchAll(/(?:front door|dashboard): http:\/\/127\.0\.0\.1:(\d+)\//g),
    ].map((m) => Number(m[1])),
  );
  return { pods, ports };
}

/** Processes (pid → pod name) whose environment names one of these pods. Linux /proc. */
export function podProcesses(pods: ReadonlySet<string>): Map<number, string> {
  const found = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const match = /(?:^|\0)POD_NAME=([^\0]+)/.exec(environ);
    if (match && pods.has(match[1]!)) found.set(Number(entry), match[1]!);
  }
  return found;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Waits (a pod's own parent watch needs up to a second) until no pod process is alive and every port refuses. */
export async function leftovers(
  output: DemoOutput,
  waitMs = 5000,
): Promise<{ processes: string[]; ports: number[] }> {
  const until = Date.now() + waitMs;
  for (;;) {
    const processes = [...podProcesses(output.pods)].map(([pid, pod]) => `${pod} (pid ${pid})`);
    const open: number[] = [];
    for (const port of output.ports) if (!(await refused(port))) open.push(port);
    if ((processes.length === 0 && open.length === 0) || Date.now() > until)
      return { processes, ports: open };
    await sleep(200);
  }
}

/** Collects every message of the demo's stream (ticks, events, summary). */
export function listen(dashboardUrl: string): { messages: ServerMessage[]; close: () => void } {
  const messages: ServerMessage[] = [];
  const ws = new WebSocket(new URL('api/stream', dashboardUrl).href.replace(/^http/, 'ws'));
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  ws.on('error', () => undefined);
  return { messages, close: () => ws.terminate() };
}

export function ticksOf(messages: readonly ServerMessage[]): TickMessage[] {
  const seen = new Map<number, TickMessage>();
  for (const m of messages) {
    if (m.type === 'hello') for (const t of m.history.ticks) seen.set(t.seq, t);
    if (m.type === 'tick') seen.set(m.seq, m);
  }
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

/** The accounting invariant of a running total: every request sent is settled or still in flight. */
export function invariantHolds(tick: TickMessage): boolean {
  const t = tick.total;
  const responses = Object.values(t.responses).reduce((a, b) => a + b, 0);
  const errors = Object.values(t.errors).reduce((a, b) => a + b, 0);
  return t.sent === responses + errors + t.timeouts + t.dropped + tick.inFlight;
}

/** Seconds (on the load's clock, as printed) of the first event line matching `pattern`. */
export function eventSeconds(stdout: string, pattern: RegExp): number | null {
  for (const line of stdout.split('\n')) {
    const match = /^\s*(-?\d+(?:\.\d+)?)s\s+(rollout-|pod-)/.exec(line);
    if (match && pattern.test(line)) return Number(match[1]);
  }
  return null;
}
