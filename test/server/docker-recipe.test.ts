/**
 * No Docker engine runs where the tests do, so this replays the Dockerfile's recipe by hand: the build
 * stage's RUN steps in a clean copy of the tracked files (minus .dockerignore), then only what the
 * runtime stage copies, made read-only, started the way the image's ENTRYPOINT and CMD start it.
 * The Dockerfile is parsed, so a change there that this replay does not follow fails here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { packageRoot } from '../../common/package-info.js';

const dockerfile = readFileSync(join(packageRoot, 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = dockerfile.split(/^FROM /m).slice(1);
const buildStage = stages[0]!;
const runtimeStage = stages[1]!;

function ignored(path: string, patterns: string[]): boolean {
  return patterns.some((p) =>
    p.startsWith('*') ? path.endsWith(p.slice(1)) : path === p || path.startsWith(`${p}/`),
  );
}

const temp = mkdtempSync(join(tmpdir(), 'bluegreen-image-'));
let server: ChildProcess | undefined;

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
    await once(server, 'exit');
  }
  chmodSync(temp, 0o755);
  execFileSync('chmod', ['-R', 'u+w', temp]);
  rmSync(temp, { recursive: true, force: true });
});

describe('the Dockerfile', () => {
  it('follows the image rules: pinned LTS slim base, numeric non-root user, port, entrypoint, labels', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-(bookworm|trixie)-slim$/m);
    expect(stages).toHaveLength(2);
    expect(runtimeStage).toMatch(/^USER (\d+):(\d+)$/m);
    expect(Number(/^USER (\d+)/m.exec(runtimeStage)![1])).toBeGreaterThanOrEqual(10000);
    expect(lines).toContain('EXPOSE 8080');
    expect(lines).toContain('ENTRYPOINT ["bluegreen"]');
    expect(lines).toContain('CMD ["serve"]');
    for (const label of ['title', 'description', 'licenses', 'version', 'revision']) {
      expect(runtimeStage).toContain(`org.opencontainers.image.${label}=`);
    }
  });

  it(
    'builds and starts from a clean copy as the image would, on a read-only tree',
    async () => {
      const runSteps = [...buildStage.matchAll(/^RUN (.+)$/gm)].map((m) => m[1]!);
      expect(runSteps).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'npm prune --omit=dev']);

      // Build stage: the tracked files the build context would send.
      const patterns = readFileSync(join(packageRoot, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: packageRoot, encoding: 'utf8' })
        .split('\0')
        .filter((f) => f && !ignored(f, patterns));
      const buildDir = join(temp, 'build');
      for (const file of tracked) {
        const from = join(packageRoot, file);
        // A tracked file deleted in the working tree is not in the context either.
        if (!statSync(from, { throwIfNoEntry: false })) continue;
        mkdirSync(dirname(join(buildDir, file)), { recursive: true });
        cpSync(from, join(buildDir, file));
      }
      const run = (command: string, args: string[]): void => {
        execFileSync(command, args, { cwd: buildDir, stdio: 'pipe', env: { ...process.env, CI: 'true' } });
      };
      // Offline-first from the npm cache: this is about the recipe, not the network.
      run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline']);
      run('npm', ['run', 'build']);
      run('npm', ['prune', '--omit=dev']);
      expect(readdirSync(join(buildDir, 'node_modules'))).not.toContain('vitest');

      // Runtime stage: only what it copies from the build stage.
      const copies = [...runtimeStage.matchAll(/^COPY --from=build \/app\/(\S+) \.\/(\S+)$/gm)];
      expect(copies.map((m) => m[1])).toEqual(['package.json', 'node_modules', 'dist', 'bin', 'deploy']);
      const appDir = join(temp, 'app');
      for (const [, from, to] of copies)
        cpSync(join(buildDir, from!), join(appDir, to!), { recursive: true });
      rmSync(buildDir, { recursive: true, force: true });
      execFileSync('chmod', ['-R', 'a-w', appDir]);

      // ENTRYPOINT ["bluegreen"] is a symlink to bin/bluegreen.js; CMD ["serve"].
      server = spawn(join(appDir, 'bin', 'bluegreen.js'), ['serve'], {
        cwd: temp,
        env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      server.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
      server.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line:\n${output}`)), 30_000);
        server!.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
        server!.stdout!.on('data', () => {
          const line = /\{[^\n]*"msg":"listening"[^\n]*\}/.exec(output);
          if (line) {
            clearTimeout(timer);
            resolve((JSON.parse(line[0]) as { port: number }).port);
          }
        });
      });
      let ready = 0;
      for (let i = 0; i < 100 && ready !== 200; i++) {
        ready = (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('color')).toBe('blue');

      server.kill('SIGTERM');
      const [code] = (await once(server, 'exit')) as [number | null];
      expect(code).toBe(0);
    },
    15 * 60_000,
  );
});
