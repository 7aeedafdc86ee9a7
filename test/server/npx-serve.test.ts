/**
 * The first app command of the README, run as it is written: `npx bluegreen serve` from the project's
 * root. npm sets COLOR=0 (or 1 on a terminal) in the environment of what it runs, over any COLOR given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/package-info.js';
import { cliPath } from '../helpers/cli.js';
import { existsSync } from 'node:fs';

let child: ChildProcess | null = null;
afterEach(() => {
  // npx runs serve in a child of its own: end the whole group, whatever the test left of it.
  try {
    if (child) process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // ESRCH: nothing left.
  }
  child = null;
});

function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as unknown }));
    }).on('error', reject);
  });
}

describe('npx bluegreen serve', () => {
  it('starts without COLOR set, answers blue, and stops on Ctrl-C', async () => {
    if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', DRAIN_SECONDS: '0' };
    delete env.COLOR;
    const npx = spawn('npx', ['bluegreen', 'serve', '--port', '0', '--host', '127.0.0.1'], {
      cwd: packageRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = npx;
    let out = '';
    let err = '';
    npx.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // 'close': every process holding the output pipes (npm, its shell, serve) has ended.
    const exited = once(npx, 'close') as Promise<[number | null, string | null]>;
    const port = await new Promise<number>((resolve, reject) => {
      npx.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const ready = /"msg":"ready"/.test(out) && /"port":(\d+)/.exec(out);
        if (ready) resolve(Number(ready[1]));
      });
      void exited.then(([code]) => reject(new Error(`exited ${code} before ready\n${out}\n${err}`)));
    });

    const info = await getJson(port, '/api/info');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ color: 'blue' });

    // Ctrl-C on a terminal signals the whole foreground group: npm, its shell and serve. (A signal to npm
    // alone is forwarded to the shell it runs serve through, which dies and leaves serve behind.)
    process.kill(-npx.pid!, 'SIGINT');
    await exited;
    expect(out).toMatch(/"signal":"SIGINT"[^\n]*"msg":"draining"/);
    expect(out).toMatch(/"msg":"closed"/);
    await expect(getJson(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    expect(() => process.kill(-npx.pid!, 0), 'no process of the group is left').toThrow(/ESRCH/);
  }, 60_000);
});
