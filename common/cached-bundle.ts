/**
 * Runs a CommonJS bundle (scripts/bundle.ts) with V8's compiled code kept between runs, so a restarted
 * `bluegreen serve` skips most of its parsing and compiling (about a quarter of its CPU to the first
 * answer on Node 20).
 *
 * Node 22.1+ keeps such a cache itself (module.enableCompileCache, which cli.ts turns on), and Node maps
 * stack traces (--enable-source-maps) only for code its own loader compiled: in both cases, and with
 * NODE_DISABLE_COMPILE_CACHE set, the bundle is simply required. Otherwise it is compiled through
 * vm.Script with the data cached by an earlier run; when there was none, or it was stale or rejected, the
 * cache is written a moment after start-up, once the code start-up runs has been compiled. A cache that
 * cannot be read or written is no error: the bundle then compiles from source, as without one.
 *
 * Where: $NODE_COMPILE_CACHE (the directory Node 22 reads too), else <tmpdir>/bluegreen-compile-cache.
 * A cache file is used only when this user owns it and it was written for this very bundle file (its
 * device, inode, size and change time: any rewrite changes them), this Node and this CPU architecture;
 * V8 itself rejects data from another V8 version or other V8 flags.
 */
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** Long enough for start-up (and the first requests) to have compiled what they run. */
const WRITE_DELAY_MS = 1000;
const NEWLINE = 0x0a;

function nodeCachesItself(): boolean {
  return typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
}

function cacheDir(): string {
  return process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'bluegreen-compile-cache');
}

/** FNV-1a: a short, stable file name per bundle path, so two checkouts keep separate caches. */
function pathHash(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

interface Source {
  code: string;
  /** What a cache must have been written for. */
  key: string;
}

function readSource(file: string): Source {
  const fd = openSync(file, 'r');
  try {
    // One descriptor for both, so the key describes the very file read.
    const stat = fstatSync(fd, { bigint: true });
    const key = [stat.dev, stat.ino, stat.size, stat.ctimeNs, process.version, process.arch].join(' ');
    return { code: readFileSync(fd, 'utf8'), key };
  } finally {
    closeSync(fd);
  }
}

/** The cached data, if this user wrote it for `key`; else undefined. */
function readCache(cacheFile: string, key: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(cacheFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const owner = fstatSync(fd).uid;
    if (process.getuid && owner !== process.getuid()) return undefined;
    const content = readFileSync(fd);
    const headerEnd = content.indexOf(NEWLINE);
    if (headerEnd < 0 || content.toString('utf8', 0, headerEnd) !== key) return undefined;
    return content.subarray(headerEnd + 1);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Written beside and renamed into place, so a reader (another pod of the demo) never sees half a file. */
function writeCache(cacheFile: string, key: string, data: Buffer): void {
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(partial, Buffer.concat([Buffer.from(`${key}\n`), data]), { mode: 0o600 });
    renameSync(partial, cacheFile);
  } catch {
    try {
      rmSync(partial, { force: true });
    } catch {
      // Nothing was written where nothing can be.
    }
  }
}

/** Runs the CommonJS bundle at `bundle` and returns its exports. */
export function runCachedBundle(bundle: URL): unknown {
  const file = fileURLToPath(bundle);
  const require = createRequire(file);
  if (nodeCachesItself() || process.sourceMapsEnabled || process.env.NODE_DISABLE_COMPILE_CACHE)
    return require(file) as unknown;

  const source = readSource(file);
  const cacheFile = join(cacheDir(), `${basename(file)}-${pathHash(file)}.v8cache`);
  const cachedData = readCache(cacheFile, source.key);
  // Node's own CommonJS wrapper, on the first line so that line numbers stay those of the file.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) { ${source.code}\n})`,
    { filename: file, cachedData },
  );
  if (cachedData === undefined || script.cachedDataRejected)
    setTimeout(() => writeCache(cacheFile, source.key, script.createCachedData()), WRITE_DELAY_MS).unref();

  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const bundleModule = { exports: {} as unknown, filename: file };
  wrapper.call(bundleModule.exports, bundleModule.exports, require, bundleModule, file, dirname(file));
  return bundleModule.exports;
}
