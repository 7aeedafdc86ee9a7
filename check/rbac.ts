/**
 * RBAC: a Role or ClusterRole should grant what its pods read and no more. Wildcards, write verbs and
 * Secrets are flagged (an object that needs them waives the rule with its reason), so a read-only role
 * such as the dashboard's (get/list/watch on pods, ReplicaSets, Deployments, EndpointSlices, Events) stays so.
 */
import type { Finding } from './findings.js';
import type { Manifest } from './manifest.js';
import { obj, reporter } from './objects.js';

const READ_VERBS = new Set(['get', 'list', 'watch']);

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  nonResourceURLs?: string[];
}

export function checkRbac(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) {
    const kind = m.obj['kind'];
    if (kind !== 'Role' && kind !== 'ClusterRole') continue;
    const report = reporter(m, out);
    const rules = (obj(m) as unknown as { rules?: PolicyRule[] }).rules ?? [];
    rules.forEach((rule, i) => {
      const path = `rules[${i}]`;
      const wild = (['apiGroups', 'resources', 'verbs'] as const).filter((f) => rule[f]?.includes('*'));
      if (wild.length > 0)
        report('rbac-beyond-read', `${path}.${wild[0]}`, `grants "*" in ${wild.join(', ')}`);
      const writes = (rule.verbs ?? []).filter((v) => v !== '*' && !READ_VERBS.has(v));
      if (writes.length > 0)
        report(
          'rbac-beyond-read',
          `${path}.verbs`,
          `grants ${writes.join(', ')}: more than get, list and watch`,
        );
      if (rule.resources?.some((r) => r === 'secrets' || r.startsWith('secrets/')))
        report('rbac-beyond-read', `${path}.resources`, 'grants access to Secrets (credentials)');
    });
  }
  return out;
}
