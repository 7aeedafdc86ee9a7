/** The in-cluster dashboard's API access, in every deploy/ variant: read-only, namespaced, for its pod only. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readFileSync } from 'node:fs';
import { packageRoot } from '../../common/package-info.js';

const VARIANTS = ['deploy', 'deploy/blue-green', 'deploy/canary'];

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

function docs(dir: string): Doc[] {
  return readdirSync(join(packageRoot, dir))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(packageRoot, dir, f), 'utf8')).map((d) => d.toJSON() as Doc),
    );
}

describe.each(VARIANTS)('%s', (dir) => {
  const all = docs(dir);

  it('grants the dashboard get/list/watch on pods, replicasets, deployments, endpointslices and events, no more', () => {
    expect(all.filter((d) => d.kind === 'ClusterRole' || d.kind === 'ClusterRoleBinding')).toEqual([]);
    const roles = all.filter((d) => d.kind === 'Role');
    expect(roles.map((r) => r.metadata.name)).toEqual(['dashboard-watch']);
    const grants = (
      roles[0]!['rules'] as { apiGroups: string[]; resources: string[]; verbs: string[] }[]
    ).flatMap((r) =>
      r.apiGroups.flatMap((g) =>
        r.resources.map((res) => `${g || 'core'}/${res}: ${[...r.verbs].sort().join(',')}`),
      ),
    );
    expect(grants.sort()).toEqual([
      'apps/deployments: get,list,watch',
      'apps/replicasets: get,list,watch',
      'core/events: get,list,watch',
      'core/pods: get,list,watch',
      'discovery.k8s.io/endpointslices: get,list,watch',
    ]);
    const binding = all.find((d) => d.kind === 'RoleBinding')!;
    expect(binding).toMatchObject({
      roleRef: { kind: 'Role', name: 'dashboard-watch' },
      subjects: [{ kind: 'ServiceAccount', name: 'dashboard', namespace: 'bluegreen' }],
    });
    expect(all.find((d) => d.kind === 'ServiceAccount')).toMatchObject({
      metadata: { name: 'dashboard', namespace: 'bluegreen' },
      automountServiceAccountToken: false,
    });
  });

  it('mounts a token in the dashboard pod only, which runs with --kube', () => {
    const pods = all
      .filter((d) => d.kind === 'Deployment')
      .map((d) => ({
        name: d.metadata.name,
        spec: (d['spec'] as { template: { spec: Record<string, unknown> } }).template.spec,
      }));
    const mounted = pods.filter((p) => p.spec['automountServiceAccountToken'] !== false).map((p) => p.name);
    expect(mounted).toEqual(['dashboard']);
    const dashboard = pods.find((p) => p.name === 'dashboard')!.spec;
    expect(dashboard['serviceAccountName']).toBe('dashboard');
    const args = (dashboard['containers'] as { args: string[] }[])[0]!.args;
    expect(args).toEqual(expect.arrayContaining(['--kube', '--selector', '--service', 'app']));
    for (const p of pods.filter((p) => p.name !== 'dashboard'))
      expect(p.spec['serviceAccountName']).toBeUndefined();
  });
});
