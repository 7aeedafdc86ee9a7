/**
 * Kubernetes-like names: a ReplicaSet is `<deployment>-<pod-template-hash>`, a pod adds a random
 * five-character suffix (app-7c9f5b6d4-x2k4q). The same template always hashes to the same ReplicaSet
 * name, so rolling back reuses the old ReplicaSet, as `kubectl rollout undo` does.
 */

// The alphabet Kubernetes uses for generated names: no vowels (no words), no look-alikes (0/1/3).
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Like the controller's SafeEncodeString over the hash's decimal digits. */
export function templateHash(template: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(template).sort(([a], [b]) => a.localeCompare(b)));
  return [...String(fnv1a32(canonical))].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}

export function replicaSetName(deployment: string, template: Record<string, string>): string {
  return `${deployment}-${templateHash(template)}`;
}

/** A pod name not in `taken`; `random` returns [0, 1) and is injectable for tests. */
export function podName(replicaSet: string, taken: ReadonlySet<string>, random = Math.random): string {
  for (;;) {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += SAFE[Math.floor(random() * SAFE.length)];
    const name = `${replicaSet}-${suffix}`;
    if (!taken.has(name)) return name;
  }
}
