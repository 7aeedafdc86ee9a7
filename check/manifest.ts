import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../common/usage-error.js';
import type { Finding } from './findings.js';

/** One YAML document of a manifest file, as plain JSON. */
export interface Manifest {
  file: string;
  /** 1-based position of the document in its file. */
  doc: number;
  obj: Record<string, unknown>;
}

export interface ManifestSet {
  manifests: Manifest[];
  findings: Finding[];
}

/** `Kind/name` for messages, falling back to the document's position when either is missing. */
export function label(m: Manifest): string {
  const kind = m.obj['kind'];
  const metadata = m.obj['metadata'];
  const name =
    metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)['name'] : undefined;
  return typeof kind === 'string' && typeof name === 'string' && kind && name
    ? `${kind}/${name}`
    : `document ${m.doc}`;
}

/** Parses one file's text; YAML errors and non-object documents become findings, empty documents are skipped. */
export function parseManifestText(file: string, text: string): ManifestSet {
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  parseAllDocuments(text, { prettyErrors: true }).forEach((document, i) => {
    const doc = i + 1;
    const object = `document ${doc}`;
    if (!('errors' in document)) return;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        findings.push({ rule: 'yaml', file, object, path: '', message: error.message.split('\n')[0] ?? '' });
      }
      return;
    }
    const obj: unknown = document.toJS();
    if (obj === null || obj === undefined) return;
    if (typeof obj !== 'object' || Array.isArray(obj)) {
      findings.push({ rule: 'yaml', file, object, path: '', message: 'document is not a mapping (object)' });
      return;
    }
    manifests.push({ file, doc, obj: obj as Record<string, unknown> });
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
    throw new UsageError(`cannot read manifests from ${path}: ${why}`);
  }
}

/** The files `kubectl apply -f <path>` reads: a file itself; for a directory, its .yaml/.yml/.json files (not sub-folders) sorted by name. */
function manifestFiles(path: string): string[] {
  if (!reading(path, () => statSync(path)).isDirectory()) return [path];
  return reading(path, () => readdirSync(path, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => join(path, name));
}

/**
 * Loads what `kubectl apply -f <path> -f <path> …` would apply, in its order, as one set. File names in
 * findings are relative to `root`. A path that cannot be read throws a UsageError naming it.
 */
export function loadManifests(paths: readonly string[], root: string): ManifestSet {
  const set: ManifestSet = { manifests: [], findings: [] };
  for (const path of paths.flatMap(manifestFiles)) {
    const text = reading(path, () => readFileSync(path, 'utf8'));
    const parsed = parseManifestText(relative(root, path).split('\\').join('/'), text);
    set.manifests.push(...parsed.manifests);
    set.findings.push(...parsed.findings);
  }
  return set;
}

/** What `kubectl apply -f <dir>` would apply. */
export function loadManifestDir(dir: string, root: string): ManifestSet {
  return loadManifests([dir], root);
}
