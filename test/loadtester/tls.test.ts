/**
 * TLS targets and credentials in the target URL: a self-signed HTTPS server on 127.0.0.1 (its certificate
 * made by openssl in a temp dir: node:crypto cannot issue X.509 certificates), and a plain one that
 * records the Authorization header.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { closeSessions, connect } from './sessions.js';
import { app, expectInvariant, runLoad, startTarget } from '../helpers/targets.js';

let dir: string;
let certFile: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bluegreen-tls-'));
  certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, app('blue', 'tls-1'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCli();
  await closeSessions();
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a self-signed HTTPS target', () => {
  it('fails with the reason in the report, text and JSON', async () => {
    const { code, report, stdout } = await runLoad(url, ['--rate', '20', '-n', '5', '-c', '1']);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.errors.other).toBe(5);
    expect(report!.firstErrors).toEqual({ other: expect.stringMatching(/self-signed certificate/) });
    expect(stdout).toMatch(/other\s+first: self-signed certificate/);
  });

  it('--insecure: succeeds, and says loudly that nothing is verified', async () => {
    const { code, report, stdout, stderr } = await runLoad(url, ['--rate', '20', '-n', '5', '--insecure']);
    expect(code).toBe(0);
    expect(report!.responses['2xx']).toBe(5);
    expect(report!.byPod).toEqual({ 'tls-1': { color: 'blue', count: 5 } });
    expect(stderr).toMatch(/WARNING: --insecure: the target's TLS certificate is NOT verified/);
    expect(stdout).toMatch(/TLS NOT VERIFIED/);
  });

  it('--ca with its certificate: succeeds, verified', async () => {
    const { code, report, stderr } = await runLoad(url, ['--rate', '20', '-n', '5', '--ca', certFile]);
    expect(code).toBe(0);
    expect(report!.responses['2xx']).toBe(5);
    expect(report!.firstErrors).toEqual({});
    expect(stderr).not.toMatch(/insecure/i);
  });

  it('--ca, but the certificate names another host: each request fails at once with the reason, none stalls', async () => {
    const byName = url.replace('127.0.0.1', 'localhost');
    const { code, report } = await runLoad(byName, [
      '--rate',
      '20',
      '-n',
      '4',
      '-c',
      '1',
      '--timeout',
      '3s',
      '--ca',
      certFile,
    ]);
    expect(code).toBe(0);
    expectInvariant(report!);
    expect(report!.errors.other).toBe(4);
    expect(report!.firstErrors).toEqual({
      other: expect.stringMatching(/does not match certificate's altnames/),
    });
  });

  it('--ca with a missing or non-certificate file: exit 2 naming it', async () => {
    const missing = join(dir, 'nope.pem');
    const cli = spawnCli(['load', url, '-n', '1', '--ca', missing]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(`--ca: cannot read "${missing}" (ENOENT)`);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    const bad = spawnCli(['load', url, '-n', '1'], { LOAD_CA: junk });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain(`LOAD_CA: "${junk}" holds no PEM certificate`);
  });

  it('the autocannon engine, which never verifies, is refused without --insecure', async () => {
    const cli = spawnCli(['load', url, '--engine', 'autocannon', '--rate', 'max', '-d', '1s']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/autocannon does not verify TLS certificates: add --insecure/);
  });
});

describe('credentials in the target URL', () => {
  it('are sent as basic auth, and shown nowhere: live line, report, JSON, stream', async () => {
    const seen: (string | undefined)[] = [];
    const t = await startTarget((req, res) => {
      seen.push(req.headers.authorization);
      app('green', 'g-1')(req, res);
    });
    cleanups.push(() => t.close());
    const secret = 'pa55-w0rd:x';
    const withCreds = t.url.replace('http://', `http://ops:${encodeURIComponent(secret)}@`);
    const file = join(dir, 'creds.json');
    const cli = spawnCli(['load', withCreds, '--rate', '20', '-d', '2s', '--ui', '0', '--json', file]);
    const [, base] = await cli.waitFor(/dashboard: (http:\S+)/);
    const client = await connect(`${base!.replace('http', 'ws')}api/stream`);
    const hello = await client.next('hello');
    expect(hello).toMatchObject({ settings: { target: t.url } });
    await client.next('summary', 15_000);
    expect(await cli.exited).toBe(0);

    const json = readFileSync(file, 'utf8');
    expect(JSON.parse(json)).toMatchObject({ target: t.url, responses: { '2xx': expect.any(Number) } });
    const shown = [cli.stdout(), cli.stderr(), json, JSON.stringify(client.messages)];
    for (const text of shown) {
      expect(text).not.toContain('pa55');
      expect(text).not.toContain('ops:');
    }
    expect(cli.stdout()).toContain(`load ${t.url}:`);
    expect(seen.length).toBeGreaterThan(0);
    const basic = `Basic ${Buffer.from(`ops:${secret}`).toString('base64')}`;
    expect(new Set(seen)).toEqual(new Set([basic]));
  });
});
