/** Small helpers to break the real manifests in one place, for the negative tests. */
import { deployDir, packageRoot } from '../../common/package-info.js';
import { afterAll, beforeAll } from 'vitest';
import {
  type Contract,
  type Manifest,
  type ManifestSet,
  loadManifestDir,
  realContract,
} from '../../check/index.js';

/** The real contract for the tests of one file: built before them, closed after. Call at the top level. */
export function useRealContract(): () => Contract {
  let built: Awaited<ReturnType<typeof realContract>> | undefined;
  beforeAll(async () => {
    built = await realContract();
  });
  afterAll(() => built?.close());
  return () => built!.contract;
}

type Key = string | number;
type Node = Record<string, unknown> | unknown[];

/** `a.b[0].c` → ['a', 'b', 0, 'c']; use an array for keys that contain dots (annotations, labels). */
function keys(path: string | readonly Key[]): Key[] {
  if (typeof path !== 'string') return [...path];
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

function parentOf(root: unknown, path: Key[]): [Node, Key] {
  let node = root as Node;
  for (const key of path.slice(0, -1)) {
    const next = (node as Record<Key, unknown>)[key];
    if (next === null || typeof next !== 'object')
      throw new Error(`no object at ${String(key)} in ${path.join('.')}`);
    node = next as Node;
  }
  return [node, path[path.length - 1]!];
}

export function setAt(root: unknown, path: string | readonly Key[], value: unknown): void {
  const [node, key] = parentOf(root, keys(path));
  (node as Record<Key, unknown>)[key] = value;
}

export function deleteAt(root: unknown, path: string | readonly Key[]): void {
  const [node, key] = parentOf(root, keys(path));
  if (Array.isArray(node)) node.splice(Number(key), 1);
  else delete node[key];
}

export function getAt(root: unknown, path: string | readonly Key[]): unknown {
  const [node, key] = parentOf(root, keys(path));
  return (node as Record<Key, unknown>)[key];
}

/** A fresh copy of a real manifest directory (deploy/ by default). */
export function realSet(variant = '.'): ManifestSet {
  return structuredClone(loadManifestDir(`${deployDir}/${variant}`, packageRoot));
}

/** The manifest of `set` loaded from a file whose name ends with `fileName`. */
export function manifest(set: ManifestSet, fileName: string): Manifest {
  const found = set.manifests.find((m) => m.file.endsWith(`/${fileName}`));
  if (!found) throw new Error(`no manifest from ${fileName}`);
  return found;
}

export const APP_CONTAINER = 'spec.template.spec.containers[0]';

/** Path of the app container's env entry named `name`. */
export function envPath(m: Manifest, name: string): string {
  const env = getAt(m.obj, `${APP_CONTAINER}.env`) as { name: string }[];
  const i = env.findIndex((e) => e.name === name);
  if (i < 0) throw new Error(`no env ${name}`);
  return `${APP_CONTAINER}.env[${i}]`;
}
