/** Which outcome kind each request error counts as. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client } from 'undici';
import { classifyError } from '../../loadtester/run/classify.js';

describe('classifyError', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_SOCKET', 'dropped'],
    ['UND_ERR_DESTROYED', 'dropped'],
    ['ENOTFOUND', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (code, kind) => {
    expect(classifyError(Object.assign(new Error('x'), { code }))).toBe(kind);
  });
});

describe('a server that stops without a drain', () => {
  it('drops the request it had taken, then refuses the next (as docs/loadtester.md says)', async () => {
    const server = spawn(
      process.execPath,
      [
        '-e',
        `require('http').createServer(() => console.log('taken')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [data] = (await once(server.stdout!, 'data')) as [Buffer];
    const client = new Client(`http://127.0.0.1:${Number(String(data))}`, { pipelining: 1 });
    try {
      const inFlight = client.request({ path: '/', method: 'GET' }).then(
        () => null,
        (e: unknown) => e,
      );
      // Killed once it holds the request (a fixed wait lost that race on a busy machine).
      await once(server.stdout!, 'data');
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      expect(classifyError(await inFlight)).toBe('dropped');
      // Until the process is gone its listening socket can still accept (then reset) a connection.
      await exited;
      const next = await client.request({ path: '/', method: 'GET' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(classifyError(next)).toBe('refused');
    } finally {
      server.kill('SIGKILL');
      await client.destroy();
    }
  });
});
