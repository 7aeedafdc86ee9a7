import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
function reading<T>(path: string, read: () => T): T {
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

/** A folder's manifest files (sorted by name, as kubectl applies them) and its sub-folders (hidden ones skipped). */
function folder(path: string): { files: string[]; folders: string[] } {
  const entries = reading(path, () => readdirSync(path, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return {
    files: entries.filter((e) => e.isFile() && MANIFEST_FILE.test(e.name)).map((e) => join(path, e.name)),
    folders: entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(path, e.name)),
  };
}

function isFolder(path: string): boolean {
  return path !== STDIN && reading(path, () => statSync(path)).isDirectory();
}

function readSet(files: readonly string[], root: string, name: string, stdin: () => string): ManifestSet {
  const set: ManifestSet = { name, manifests: [], findings: [] };
  for (const path of files) {
    const text = path === STDIN ? stdin() : reading(path, () => readFileSync(path, 'utf8'));
    const file = path === STDIN ? STDIN : relative(root, path).split('\\').join('/');
    const parsed = parseManifestText(file, text);
    set.manifests.push(...parsed.manifests);
    set.findings.push(...parsed.findings);
  }
  return set;
}

const readStdin = () => reading(STDIN, () => readFileSync(0, 'utf8'));

/**
 * Loads what `kubectl apply -f <path> -f <path> …` would apply, in its order, as one set: files as given,
 * a folder's own files (not its sub-folders), `-` for standard input. File names are relative to `root`.
 * A path that cannot be read throws a UsageError naming it.
 */
export function loadManifests(paths: readonly string[], root: string, stdin = readStdin): ManifestSet {
  const files = paths.flatMap((p) => (isFolder(p) ? folder(p).files : [p]));
  return readSet(files, root, paths.join(' '), stdin);
}

/**
 * The sets to check for `bluegreen check PATH…`: the files given and the given folders' own files form one
 * set (one `kubectl apply -f … -f …`); every sub-folder, at any depth, is a set of its own (a variant applied
 * with its own `kubectl apply -f <folder>`). Sets without files are left out.
 */
export function loadSets(paths: readonly string[], root: string, stdin = readStdin): ManifestSet[] {
  const top: string[] = [];
  const sub: ManifestSet[] = [];
  const walk = (dir: string): void => {
    const { files, folders } = folder(dir);
    if (files.length > 0) sub.push(readSet(files, root, relative(root, dir) || '.', stdin));
    folders.forEach(walk);
  };
  for (const path of paths) {
    if (!isFolder(path)) {
      top.push(path);
      continue;
    }
    const { files, folders } = folder(path);
    top.push(...files);
    folders.forEach(walk);
  }
  const sets = top.length > 0 ? [readSet(top, root, paths.join(' '), stdin), ...sub] : sub;
  return sets;
}

/** What `kubectl apply -f <dir>` would apply. */
export function loadManifestDir(dir: string, root: string): ManifestSet {
  return loadManifests([dir], root);
}
