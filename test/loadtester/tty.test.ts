/**
 * The report on a real terminal: `bluegreen load` under a pseudo-terminal (util-linux `script`), so the
 * TTY-only behaviour runs: colour on a TTY, none with NO_COLOR or --no-color, none in a pipe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { cliPath, killAllCli, spawnCli } from '../helpers/cli.js';

const ESC = '\x1b';

const servers: Server[] = [];
afterEach(async () => {
  await killAllCli();
  for (const s of servers.splice(0)) s.close();
});

async function target(): Promise<string> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { color: 'blue', 'x-pod-name': 'p1' }).end('{}'),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Runs the CLI under a pseudo-terminal; resolves with everything the terminal showed. */
async function underTty(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { COLOR: _c, NO_COLOR: _n, ...inherited } = process.env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...inherited, TERM: 'xterm-256color', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out };
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/;

describe('the terminal', () => {
  it(
    'colours the report on a TTY: green for what held, red for what broke',
    { timeout: 60_000 },
    async () => {
      const url = await target();
      const ok = await underTty(['load', url, '-d', '2s', '-r', '20', '--max-p99', '5000']);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('\x1b[32m✓\x1b[0m max-p99');
      expect(ok.out).toContain(`Result     ${ESC}[32mpass${ESC}[0m`);

      const broken = await underTty(['load', url, '-d', '1s', '-r', '20', '--max-p99', '0.001']);
      expect(broken.code).toBe(1);
      expect(broken.out).toContain('\x1b[1;31m✗\x1b[0m');
      expect(broken.out).toContain(`Result     ${ESC}[1;31mFAIL${ESC}[0m`);
    },
  );

  it('has no colour with NO_COLOR, with --no-color, or in a pipe', { timeout: 60_000 }, async () => {
    const url = await target();
    const args = ['load', url, '-d', '1s', '-r', '20', '--max-errors', '0'];
    for (const run of [await underTty(args, { NO_COLOR: '1' }), await underTty([...args, '--no-color'])]) {
      expect(run.code).toBe(0);
      expect(run.out).toContain('✓ max-errors 0 failed ≤ 0 failed');
      expect(run.out).not.toMatch(SGR);
    }
    const piped = spawnCli(args);
    expect(await piped.exited).toBe(0);
    expect(piped.stdout()).toContain('Result     pass');
    expect(piped.stdout()).not.toMatch(SGR);
    expect(piped.stdout()).not.toMatch(/[\ue000-\ue003]/);
  });

  it(
    'counts in the live line what has not answered: waiting on each connection, and not sent',
    { timeout: 60_000 },
    async () => {
      // Takes connections and never answers, as a hung pod behind a Service does.
      const hung = createNetServer((socket) => socket.on('error', () => undefined));
      hung.listen(0, '127.0.0.1');
      await once(hung, 'listening');
      const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/`;
      try {
        const run = await underTty(['load', url, '-d', '3s', '-r', '20', '-c', '4', '--timeout', '2s']);
        const live = run.out.split(/\r?\n|\r/).filter((l) => / req\/s /.test(l));
        // Before the first timeout: nothing failed yet, but nothing answered either.
        expect(
          live.some((l) => /fail 0\S* +waiting 4 +\S*not sent \d+/.test(l)),
          live.join('\n'),
        ).toBe(true);
      } finally {
        hung.close();
      }
    },
  );

  it(
    'warns loudly when a run got no responses at all, and says pass when no threshold was set',
    { timeout: 60_000 },
    async () => {
      const url = await target();
      servers.splice(0).forEach((s) => s.close());
      const run = spawnCli(['load', url, '-d', '1s', '-r', '20']);
      expect(await run.exited).toBe(0);
      expect(run.stdout().match(/WARNING {4}no responses at all/g)).toHaveLength(2);
      expect(run.stdout()).toContain('Result     pass (no thresholds set)');
      expect(run.stdout()).toContain('Latency    – (no responses)');
    },
  );
});
