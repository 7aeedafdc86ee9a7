import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLoadOptions } from '../../loadtester/options.js';
import { startUiServer } from '../../loadtester/dashboard/ui-server.js';
import type { Incident } from '../../protocol/report.js';
import { closeSessions, connect, idleHub } from './sessions.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await closeSessions();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const incident: Incident = {
  window: { start: 1, end: 2, startMs: 0, endMs: 1 },
  failed: 3,
  counts: { reset: 3 },
  pods: { p: 3 },
  cause: 'missing-drain',
  summary: 's',
  evidence: ['e'],
};

describe('the hub and incidents', () => {
  it('gives a late joiner the latest incidents after its hello, until a new run starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-hub-'));
    writeFileSync(join(dir, 'index.html'), '<html></html>');
    const hub = await idleHub(resolveLoadOptions('http://127.0.0.1:1/', {}));
    const ui = await startUiServer({ port: 0, hub, webDir: dir });
    cleanups.push(() => ui.close());
    const url = `${ui.url.replace('http', 'ws')}api/stream`;
    hub.publish({ type: 'incidents', incidents: [] });
    hub.publish({ type: 'incidents', incidents: [incident] });
    const late = await connect(url);
    await late.next('incidents');
    expect(late.messages.map((m) => m.type)).toEqual(['hello', 'incidents']);
    expect(late.messages[1]).toEqual({ type: 'incidents', incidents: [incident] });
    hub.resetTicks();
    const next = await connect(url);
    await next.next('hello');
    await new Promise((r) => setTimeout(r, 100));
    expect(next.messages.map((m) => m.type)).toEqual(['hello']);
  });
});
