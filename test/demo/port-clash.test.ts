/** A dashboard port already in use: the demo names the flag that fixes it, and how to pass it through npm. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { killAllCli, spawnCli } from '../helpers/cli.js';

afterEach(killAllCli);

describe('demo, dashboard port in use', () => {
  it.each([
    [{}, /port \d+ is in use: choose another with --ui \(0 = any free port\)$/m],
    [
      { npm_lifecycle_event: 'start' },
      /choose another with --ui \(0 = any free port, e\.g\. npm start -- --ui 0\)/,
    ],
  ])('with %j exits 2 naming --ui', async (env, message) => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const demo = spawnCli(['demo', '--ui', String(port), '--replicas', '1'], env);
      expect(await demo.exited).toBe(2);
      expect(demo.stderr()).toMatch(message);
      expect(demo.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
