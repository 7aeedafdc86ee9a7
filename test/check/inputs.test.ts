/**
 * What `bluegreen check` reads, as a user runs it (the real CLI, real files, real links, real stdin and a real
 * pseudo-terminal): links inside the named folder are followed, links out of it are left out with a line, a
 * link loop ends, nothing to check is exit 2 (a CI gate must not pass having checked nothing), input has a cap,
 * and a terminal on stdin is told what the command waits for.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, killAllCli, spawnCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-check-inputs-'));
afterAll(async () => {
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], stdin?: string) {
  const cli = spawnCli(['check', ...args], {}, stdin);
  // The check may stop reading before the end of a long input: that is its answer, not the test's failure.
  cli.child.stdin?.on('error', () => undefined);
  const code = await cli.exited;
  return { code, out: cli.stdout(), err: cli.stderr() };
}

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\n`;

function folder(...parts: string[]): string {
  const path = join(dir, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

describe('bluegreen check reads', () => {
  it('follows links inside the named folder, says which lead out or nowhere, and ends a link loop', async () => {
    const outside = folder('outside');
    writeFileSync(join(outside, 'secret.yaml'), configMap('outside'));
    const set = folder('linked');
    const shared = folder('linked', 'shared');
    writeFileSync(join(shared, 'app.yaml'), configMap('app'));
    symlinkSync(join(shared, 'app.yaml'), join(set, 'app.yaml'));
    symlinkSync(join(outside, 'secret.yaml'), join(set, 'leaves.yaml'));
    symlinkSync(join(set, 'gone.yaml'), join(set, 'dangling.yaml'));
    symlinkSync(set, join(shared, 'loop'));
    const { code, out, err } = await run(['--format', 'json', set]);
    expect(code).toBe(0);
    const checked = JSON.parse(out) as { sets: string[] };
    // The folder's own files (the link to shared/app.yaml) and the sub-folder shared/, once each.
    expect(checked.sets).toHaveLength(2);
    expect(err).toMatch(/leaves\.yaml links outside .*linked \(to .*secret\.yaml\): not followed/);
    expect(err).toMatch(/dangling\.yaml is a link to nothing: left out/);
    expect(err).not.toMatch(/loop/);
  });

  it('exits 2 when there is nothing to check: an empty folder, links that all lead out, an empty stdin', async () => {
    const empty = folder('empty');
    const onlyOut = folder('only-out');
    writeFileSync(join(dir, 'elsewhere.yaml'), configMap('elsewhere'));
    symlinkSync(join(dir, 'elsewhere.yaml'), join(onlyOut, 'app.yaml'));
    const notes = folder('notes');
    writeFileSync(join(notes, 'empty.yaml'), '# nothing here yet\n');
    for (const [args, stdin, message] of [
      [[empty], undefined, /nothing to check in .*empty: no \.yaml, \.yml or \.json file/],
      [[onlyOut], undefined, /nothing to check in .*only-out: no \.yaml/],
      [[notes], undefined, /nothing to check in .*notes: no Kubernetes object in its files/],
      [['-'], '', /nothing to check in standard input: no Kubernetes object/],
    ] as const) {
      const { code, err } = await run([...args], stdin);
      expect(err).toMatch(message);
      expect(code).toBe(2);
    }
  });

  it('stops at 32 MiB of manifests with a message, from files and from stdin', async () => {
    const big = folder('big');
    const text = configMap('x') + `data:\n  blob: "${'x'.repeat(33 * 1024 * 1024)}"\n`;
    writeFileSync(join(big, 'huge.yaml'), text);
    const fromFile = await run([big]);
    expect(fromFile.err).toMatch(/more than 32 MiB of manifests \(.*huge\.yaml and before it\)/);
    expect(fromFile.code).toBe(2);
    const fromStdin = await run(['-'], text);
    expect(fromStdin.err).toMatch(/more than 32 MiB of manifests on standard input/);
    expect(fromStdin.code).toBe(2);
  });

  it('says on a terminal that it reads stdin, instead of seeming to hang', async () => {
    // util-linux `script` gives the check a pseudo-terminal as its standard input.
    const child = spawn('script', ['-qfec', `'${process.execPath}' '${cliPath}' check -`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (seen += d));
    try {
      await expect
        .poll(() => seen, { timeout: 15_000 })
        .toMatch(/reading manifests from stdin… \(end with Ctrl-D\)/);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});
