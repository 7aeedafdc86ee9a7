import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
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

/**
 * Loads what `kubectl apply -f <dir>` would: the .yaml/.yml/.json files directly in `dir` (not sub-folders),
 * in the order kubectl applies them (sorted by name). File names in findings are relative to `root`.
 */
export function loadManifestDir(dir: string, root: string): ManifestSet {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const set: ManifestSet = { manifests: [], findings: [] };
  for (const name of files) {
    const path = join(dir, name);
    const parsed = parseManifestText(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    set.manifests.push(...parsed.manifests);
    set.findings.push(...parsed.findings);
  }
  return set;
}
