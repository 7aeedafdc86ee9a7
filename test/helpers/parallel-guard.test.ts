/** The parallel project's guard (parallel-guard.ts, its setup file) turns a misplaced test into a failure. */
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('a test file in the parallel project', () => {
  it('cannot start a child process', () => {
    expect(() => spawn(process.execPath, ['-e', ''])).toThrow(/belongs in the serial project/);
    expect(() => execFileSync(process.execPath, ['-e', ''])).toThrow(/belongs in the serial project/);
  });

  it('cannot listen on a fixed port, and can on an ephemeral one', async () => {
    const server = createServer();
    expect(() => server.listen(8090, '127.0.0.1')).toThrow(/listens on fixed port 8090/);
    expect(() => server.listen({ port: 8090 })).toThrow(/listens on fixed port 8090/);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    server.close();
  });
});
