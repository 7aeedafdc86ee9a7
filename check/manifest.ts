import { readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { UsageError } from '../common/usage-error.js';
import { type Finding, makeFinding } from './findings.js';

/** One object of a manifest file, as plain JSON, with the line of each of its fields. */
export interface Manifest {
  file: string;
  /** 1-based position of the document in its file. */
  doc: number;
  obj: Record<string, unknown>;
  /** Field path (`spec.template`, `spec.ports[0]`; '' for the object) → 1-based line. Plain data, so copies keep it. */
  lines: Record<string, number>;
}

/** What one `kubectl apply -f` takes: `name` is the folder (or the files) it came from. */
export interface ManifestSet {
  name?: string;
  manifests: Manifest[];
  findings: Finding[];
}

/** Where the standard input's documents are said to come from. */
export const STDIN = '-';

/** `Kind/namespace/name` (`Kind/name` without a namespace) for messages, or the document's position. */
export function label(m: Pick<Manifest, 'obj' | 'doc'>): string {
  const kind = m.obj['kind'];
  const metadata = m.obj['metadata'];
  const meta = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {};
  const { name, namespace } = meta;
  if (typeof kind !== 'string' || typeof name !== 'string' || !kind || !name) return `document ${m.doc}`;
  return typeof namespace === 'string' && namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** The line of `path` in `m`, or of its nearest parent that the file has (a missing field's object). */
export function lineOf(m: Manifest, path: string): number {
  for (let p = path; ;) {
    const line = m.lines[p];
    if (line !== undefined) return line;
    if (p === '') return 1;
    const parent = p.replace(/(\.[^.[]*|\[\d+\])$/, '');
    // A top-level field ('apiVersion') has no separator left to strip: its parent is the object.
    p = parent === p ? '' : parent;
  }
}

/** Records the line of every field below `node`; a field's line is its key's. */
function recordLines(
  node: unknown,
  path: string,
  lineAt: (offset: number) => number,
  out: Record<string, number>,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const childPath = path ? `${path}.${key}` : key;
      const range = (pair.key as Node | null)?.range;
      if (range) out[childPath] = lineAt(range[0]);
      recordLines(pair.value, childPath, lineAt, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const childPath = `${path}[${i}]`;
      const range = (item as Node | null)?.range;
      if (range) out[childPath] = lineAt(range[0]);
      recordLines(item, childPath, lineAt, out);
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses one file's text (YAML or JSON, several documents). YAML errors and non-object documents become
 * findings and the other documents are still read; empty documents are skipped; a `kind: List` (what
 * `kubectl get -o yaml` prints) becomes its items.
 */
export function parseManifestText(file: string, text: string): ManifestSet {
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  const counter = new LineCounter();
  const lineAt = (offset: number) => counter.linePos(offset).line;
  parseAllDocuments(text, { prettyErrors: true, lineCounter: counter }).forEach((document, i) => {
    const doc = i + 1;
    const object = `document ${doc}`;
    if (!('errors' in document)) return;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const line = error.linePos?.[0].line ?? lineAt(document.range[0]);
        findings.push(makeFinding('yaml', { file, line, object }, '', error.message.split('\n')[0] ?? ''));
      }
      return;
    }
    let obj: unknown;
    try {
      obj = document.toJS();
    } catch (error) {
      // An alias to an anchor of another document, say: valid syntax that has no value.
      const message = error instanceof Error ? error.message : String(error);
      findings.push(makeFinding('yaml', { file, line: lineAt(document.range[0]), object }, '', message));
      return;
    }
    if (obj === null || obj === undefined) return;
    const start = lineAt(document.contents?.range[0] ?? document.range[0]);
    if (!isObject(obj)) {
      findings.push(
        makeFinding('yaml', { file, line: start, object }, '', 'document is not a mapping (object)'),
      );
      return;
    }
    const lines: Record<string, number> = { '': start };
    recordLines(document.contents, '', lineAt, lines);
    if (obj['kind'] === 'List' && Array.isArray(obj['items'])) {
      obj['items'].forEach((item: unknown, n) => {
        const prefix = `items[${n}]`;
        if (!isObject(item)) {
          const at = { file, line: lines[prefix] ?? start, object };
          findings.push(makeFinding('yaml', at, prefix, 'list item is not a mapping (object)'));
          return;
        }
        const itemLines = Object.fromEntries(
          Object.entries(lines).flatMap(([path, line]) =>
            path === prefix
              ? [['', line]]
              : path.startsWith(`${prefix}.`)
                ? [[path.slice(prefix.length + 1), line]]
                : [],
          ),
        );
        manifests.push({ file, doc, obj: item, lines: itemLines });
      });
      return;
    }
    manifests.push({ file, doc, obj, lines });
  });
  return { manifests, findings };
}

/** Runs a file-system read; an unreadable path becomes a UsageError that names it. */
function read<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : error instanceof Error
            ? error.message
            : String(error);
    throw new UsageError(`cannot read manifests from ${path === STDIN ? 'standard input' : path}: ${why}`);
  }
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/**
 * At most this much manifest text in one check. Parsing costs about 45 ms and 45 MB of memory per MB of YAML
 * (50 MB took 23 s and 2.2 GB), so a runaway input (a log piped in by mistake) stops here with a message.
 */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** How one check reads the file system: the bytes read so far, against the cap; what it said about links. */
interface Reading {
  bytes: number;
  maxBytes: number;
  warn: (line: string) => void;
  stdin: () => string;
}

function counted(reading: Reading, path: string, text: string): string {
  reading.bytes += Buffer.byteLength(text);
  if (reading.bytes > reading.maxBytes)
    throw new UsageError(
      `more than ${reading.maxBytes / 1024 / 1024} MiB of manifests (${path === STDIN ? 'standard input' : path} and before it): ` +
        'check fewer files at a time',
    );
  return text;
}

/**
 * A folder's manifest files (sorted by name, as kubectl applies them) and its sub-folders (hidden ones
 * skipped). A symbolic link is followed when it stays inside `inside` (the folder the user named: a link to
 * a shared file beside it is common) and left out with a line when it leads outside it or nowhere.
 */
function folder(path: string, inside: string, reading: Reading): { files: string[]; folders: string[] } {
  const entries = read(path, () => readdirSync(path, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const files: string[] = [];
  const folders: string[] = [];
  for (const entry of entries) {
    const at = join(path, entry.name);
    let kind: 'file' | 'folder' | null = entry.isFile() ? 'file' : entry.isDirectory() ? 'folder' : null;
    if (entry.isSymbolicLink()) kind = followedLink(at, inside, reading);
    if (kind === 'file' && MANIFEST_FILE.test(entry.name)) files.push(at);
    if (kind === 'folder' && !entry.name.startsWith('.')) folders.push(at);
  }
  return { files, folders };
}

function followedLink(at: string, inside: string, reading: Reading): 'file' | 'folder' | null {
  let target: string;
  try {
    target = realpathSync(at);
  } catch {
    reading.warn(`${at} is a link to nothing: left out`);
    return null;
  }
  const root = realpathSync(inside);
  if (target !== root && !target.startsWith(root + sep)) {
    reading.warn(
      `${at} links outside ${inside} (to ${target}): not followed; name it on its own to check it`,
    );
    return null;
  }
  const info = statSync(target);
  return info.isFile() ? 'file' : info.isDirectory() ? 'folder' : null;
}

function isFolder(path: string): boolean {
  return path !== STDIN && read(path, () => statSync(path)).isDirectory();
}

function readSet(files: readonly string[], root: string, name: string, reading: Reading): ManifestSet {
  const set: ManifestSet = { name, manifests: [], findings: [] };
  for (const path of files) {
    const text = counted(
      reading,
      path,
      path === STDIN ? reading.stdin() : read(path, () => readFileSync(path, 'utf8')),
    );
    const file = path === STDIN ? STDIN : relative(root, path).split('\\').join('/');
    const parsed = parseManifestText(file, text);
    set.manifests.push(...parsed.manifests);
    set.findings.push(...parsed.findings);
  }
  return set;
}

/**
 * Standard input, read to its end in chunks so that no more than the cap is ever held. On a terminal it says
 * what it waits for: `bluegreen check -` typed by hand otherwise looks hung.
 */
export function readStdin(maxBytes = MAX_INPUT_BYTES): string {
  if (process.stdin.isTTY) process.stderr.write('reading manifests from stdin… (end with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking pipe with nothing yet: wait a moment without spinning.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      return read(STDIN, () => {
        throw error;
      });
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes)
      throw new UsageError(`more than ${maxBytes / 1024 / 1024} MiB of manifests on standard input`);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How a check reads: the standard input's reader, the cap, where lines about links go. */
export interface ReadOptions {
  stdin?: () => string;
  maxBytes?: number;
  warn?: (line: string) => void;
}

function reading(options: ReadOptions): Reading {
  return {
    bytes: 0,
    maxBytes: options.maxBytes ?? MAX_INPUT_BYTES,
    warn: options.warn ?? ((line) => process.stderr.write(`bluegreen check: ${line}\n`)),
    stdin: options.stdin ?? (() => readStdin(options.maxBytes)),
  };
}

/**
 * Loads what `kubectl apply -f <path> -f <path> …` would apply, in its order, as one set: files as given,
 * a folder's own files (not its sub-folders), `-` for standard input. File names are relative to `root`.
 * A path that cannot be read throws a UsageError naming it.
 */
export function loadManifests(
  paths: readonly string[],
  root: string,
  options: ReadOptions = {},
): ManifestSet {
  const r = reading(options);
  const files = paths.flatMap((p) => (isFolder(p) ? folder(p, p, r).files : [p]));
  return readSet(files, root, paths.join(' '), r);
}

/**
 * The sets to check for `bluegreen check PATH…`: the files given and the given folders' own files form one
 * set (one `kubectl apply -f … -f …`); every sub-folder, at any depth, is a set of its own (a variant applied
 * with its own `kubectl apply -f <folder>`). Sets without files are left out. Nothing to check at all (no
 * manifest file, or files without one object) is a UsageError: a CI gate must not pass having checked nothing.
 */
export function loadSets(paths: readonly string[], root: string, options: ReadOptions = {}): ManifestSet[] {
  const r = reading(options);
  const top: string[] = [];
  const sub: ManifestSet[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, inside: string): void => {
    // A link back to a folder above would walk forever.
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const { files, folders } = folder(dir, inside, r);
    if (files.length > 0) sub.push(readSet(files, root, relative(root, dir) || '.', r));
    for (const f of folders) walk(f, inside);
  };
  for (const path of paths) {
    if (!isFolder(path)) {
      top.push(path);
      continue;
    }
    seen.add(realpathSync(path));
    const { files, folders } = folder(path, path, r);
    top.push(...files);
    for (const f of folders) walk(f, path);
  }
  const sets = top.length > 0 ? [readSet(top, root, paths.join(' '), r), ...sub] : sub;
  const named = paths.map((p) => (p === STDIN ? 'standard input' : p)).join(', ');
  if (sets.length === 0) throw new UsageError(`nothing to check in ${named}: no .yaml, .yml or .json file`);
  if (sets.every((s) => s.manifests.length === 0 && s.findings.length === 0))
    throw new UsageError(`nothing to check in ${named}: no Kubernetes object in its files`);
  return sets;
}

/** What `kubectl apply -f <dir>` would apply. */
export function loadManifestDir(dir: string, root: string): ManifestSet {
  return loadManifests([dir], root);
}
