/**
 * common/cached-bundle.ts in real Node processes: bundles in a temporary folder, run by a starter like the
 * one the build writes (bundled here with esbuild, as scripts/bundle.ts does), with a cache folder of
 * their own. On Node 22.1+ the module leaves caching to Node, so the cache file checks apply to older Nodes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/package-info.js';

const base = mkdtempSync(join(tmpdir(), 'bluegreen-cached-bundle-'));
const cacheDir = join(base, 'cache');
const starter = join(base, 'start.mjs');
const app = join(base, 'app.cjs');
const nodeCachesItself =
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

beforeAll(async () => {
  await build({
    stdin: {
      contents: `import { pathToFileURL } from 'node:url';
import { runCachedBundle } from ${JSON.stringify(join(packageRoot, 'common', 'cached-bundle.ts'))};
runCachedBundle(pathToFileURL(process.argv[2]));\n`,
      resolveDir: packageRoot,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: starter,
    logLevel: 'error',
  });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

async function run(
  bundle: string,
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_COMPILE_CACHE: cacheDir, ...options.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_DISABLE_COMPILE_CACHE;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), starter, bundle], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}

/** Prints `word` and stays up past the cache's write delay, so a run that should write the cache does. */
const printing = (word: string): string =>
  `console.log(${JSON.stringify(word)});\nsetTimeout(() => {}, 1300);\n`;

function cacheFile(): string {
  const files = readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'));
  expect(files).toHaveLength(1);
  return join(cacheDir, files[0]!);
}

describe.skipIf(nodeCachesItself)('runCachedBundle on a Node without its own compile cache', () => {
  it('runs the bundle, writes the cache once, then runs from it without rewriting it', async () => {
    writeFileSync(app, printing('one'));
    expect(await run(app)).toEqual({ code: 0, out: 'one\n', err: '' });
    const written = readFileSync(cacheFile());
    const writtenAt = statSync(cacheFile()).mtimeMs;
    expect(readdirSync(cacheDir)).toHaveLength(1);

    expect(await run(app)).toEqual({ code: 0, out: 'one\n', err: '' });
    expect(readFileSync(cacheFile())).toEqual(written);
    expect(statSync(cacheFile()).mtimeMs).toBe(writtenAt);
  }, 20_000);

  it('never runs stale code: a rewritten bundle of the same length runs as written', async () => {
    // V8 itself checks only the source's length: the cache must not be taken for the old file's.
    writeFileSync(app, printing('one'));
    await run(app);
    const before = readFileSync(cacheFile());
    writeFileSync(app, printing('two'));
    expect(await run(app)).toEqual({ code: 0, out: 'two\n', err: '' });
    expect(readFileSync(cacheFile())).not.toEqual(before);
    expect(await run(app)).toEqual({ code: 0, out: 'two\n', err: '' });
  }, 20_000);

  it('replaces a corrupt cache', async () => {
    writeFileSync(app, printing('three'));
    await run(app);
    const file = cacheFile();
    const content = readFileSync(file);
    const header = content.subarray(0, content.indexOf(0x0a) + 1);
    const garbage = Buffer.concat([header, Buffer.alloc(content.length - header.length, 0x5a)]);
    writeFileSync(file, garbage);
    expect(await run(app)).toEqual({ code: 0, out: 'three\n', err: '' });
    expect(readFileSync(file)).not.toEqual(garbage);
  }, 20_000);

  it('runs as well when the cache cannot be written', async () => {
    const notADirectory = join(base, 'not-a-directory');
    writeFileSync(notADirectory, '');
    writeFileSync(app, printing('four'));
    expect(await run(app, { env: { NODE_COMPILE_CACHE: join(notADirectory, 'cache') } })).toEqual({
      code: 0,
      out: 'four\n',
      err: '',
    });
  }, 20_000);
});

describe('runCachedBundle and source maps', () => {
  it('with --enable-source-maps, stack traces name the source lines; without, the bundle', async () => {
    const source = join(base, 'thrower.ts');
    const bundle = join(base, 'thrower.cjs');
    writeFileSync(
      source,
      `// first line\n\nfunction fail(): never {\n  throw new Error('boom');\n}\nfail();\n`,
    );
    await build({
      entryPoints: [source],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      sourcemap: true,
      outfile: bundle,
      logLevel: 'error',
    });
    const mapped = await run(bundle, { nodeArgs: ['--enable-source-maps'] });
    expect(mapped.code).toBe(1);
    expect(mapped.err).toMatch(/thrower\.ts:4\b/);

    const plain = await run(bundle);
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/boom/);
    expect(plain.err).not.toMatch(/thrower\.ts/);
    expect(plain.err).toMatch(/thrower\.cjs:\d+/);
  }, 20_000);
});
