/**
 * The preload every demo pod runs (demo/parent-watch.ts, as built): a pod outlives its demo by at most a
 * moment, also when the demo died before the pod's preload ran (the pod starts already re-parented).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distDir } from '../../common/package-info.js';
import { DEMO_PARENT_ENV } from '../../demo/parent-env.js';

const preload = pathToFileURL(join(distDir, 'demo', 'parent-watch.js')).href;
const IDLE = 'setInterval(() => {}, 1000)';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('parent-watch', () => {
  it(
    'keeps a pod whose demo is alive, and ends one whose demo is not its parent any more',
    { timeout: 20_000 },
    async () => {
      const kept = spawn(process.execPath, ['--import', preload, '-e', IDLE], {
        env: { ...process.env, [DEMO_PARENT_ENV]: String(process.pid) },
        stdio: 'ignore',
      });
      const orphan = spawn(process.execPath, ['--import', preload, '-e', IDLE], {
        // Named a demo that is not this process's parent: as if the demo had died and the pod been re-parented.
        env: { ...process.env, [DEMO_PARENT_ENV]: String(process.ppid) },
        stdio: 'ignore',
      });
      const ended = once(orphan, 'exit') as Promise<[number | null]>;
      const late = setTimeout(() => orphan.kill('SIGKILL'), 10_000);
      const [code] = await ended;
      clearTimeout(late);
      expect(code).toBe(1);
      await new Promise((r) => setTimeout(r, 1200));
      expect(kept.exitCode).toBeNull();
      kept.kill('SIGTERM');
      const [keptCode, signal] = (await once(kept, 'exit')) as [number | null, string | null];
      expect([keptCode, signal]).toEqual([null, 'SIGTERM']);
    },
  );

  it('ends a pod whose demo exited before the pod had started', { timeout: 20_000 }, async () => {
    // The "demo": starts a pod naming itself, prints the pod's pid and exits at once, before the pod's
    // preload has run.
    const demo = `
      const { spawn } = require('node:child_process');
      const pod = spawn(process.execPath, ['--import', ${JSON.stringify(preload)}, '-e', ${JSON.stringify(IDLE)}], {
        env: { ...process.env, ${DEMO_PARENT_ENV}: String(process.pid) },
        stdio: 'ignore',
        detached: true,
      });
      console.log(pod.pid);
      process.exit(0);
    `;
    const parent = spawn(process.execPath, ['-e', demo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await once(parent, 'exit');
    const pod = Number(out.trim());
    expect(pod).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (alive(pod) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const leaked = alive(pod);
    if (leaked) process.kill(pod, 'SIGKILL');
    expect(leaked).toBe(false);
  });
});
