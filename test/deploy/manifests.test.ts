import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { envNames } from '../../common/settings.js';
import { UsageError } from '../../common/usage-error.js';
import { checkPaths, formatFinding, loadManifestDir, loadManifests } from '../../check/index.js';
import { useRealContract } from './edit.js';
import { LOAD_TABLE } from '../../loadtester/options.js';

const contract = useRealContract();

describe.each(['.', 'blue-green', 'canary'])('deploy/%s', (variant) => {
  const dir = join(deployDir, variant);

  it('passes every check with zero errors and zero warnings', async () => {
    const findings = await checkPaths([dir], contract(), packageRoot);
    expect(findings.filter((f) => f.severity !== 'info').map(formatFinding)).toEqual([]);
    // The canary is the one intended split: its Service selects two versions.
    expect(findings.map((f) => `${f.object} ${f.rule}`)).toEqual(
      variant === 'canary' ? ['Service/bluegreen/app mixed-versions'] : [],
    );
  });

  it('is self-contained: creates its namespace and runs the app and the dashboard', () => {
    const kinds = loadManifestDir(dir, packageRoot).manifests.map((m) => m.obj['kind']);
    expect(kinds).toContain('Namespace');
    expect(kinds).toContain('Deployment');
    expect(kinds).toContain('Service');
    expect(kinds).toContain('Ingress');
  });

  it('the dashboard takes its control token from a Secret that may be absent (kubectl apply works without it)', () => {
    const dashboard = loadManifestDir(dir, packageRoot).manifests.find(
      (m) => m.obj['kind'] === 'Deployment' && (m.obj['metadata'] as { name?: string }).name === 'dashboard',
    )!;
    const spec = dashboard.obj['spec'] as {
      template: { spec: { containers: { env?: { name: string; valueFrom?: unknown }[] }[] } };
    };
    const env = spec.template.spec.containers[0]!.env ?? [];
    expect(env.find((e) => e.name === 'LOAD_CONTROL_TOKEN')).toEqual({
      name: 'LOAD_CONTROL_TOKEN',
      valueFrom: { secretKeyRef: { name: 'dashboard-control-token', key: 'token', optional: true } },
    });
    expect(envNames(LOAD_TABLE)).toContain('LOAD_CONTROL_TOKEN');
  });
});

it('deploy/ holds what `kubectl apply -f deploy/` applies: its own files, not the variant folders', () => {
  const files = new Set(loadManifestDir(deployDir, packageRoot).manifests.map((m) => m.file));
  expect([...files].filter((f) => !/^deploy\/[^/]+\.yaml$/.test(f))).toEqual([]);
  expect(files).toContain('deploy/20-app-deployment.yaml');
});

describe('the paths the check takes, as `kubectl apply -f <path> -f <path>` takes them', () => {
  const app = join(deployDir, '20-app-deployment.yaml');

  it('reads a file given by name, and several paths as one set in the order given', () => {
    const set = loadManifests([join(deployDir, 'canary'), app], packageRoot);
    const files = [...new Set(set.manifests.map((m) => m.file))];
    expect(files[0]).toBe('deploy/canary/00-namespace.yaml');
    expect(files.at(-1)).toBe('deploy/20-app-deployment.yaml');
    expect(files.filter((f) => !f.startsWith('deploy/canary/'))).toEqual(['deploy/20-app-deployment.yaml']);
  });

  it('checks the objects of several paths against each other', async () => {
    // The app Deployment alone has no PDB or NetworkPolicy beside it; given with deploy/, it is the same
    // object twice.
    expect((await checkPaths([app], contract(), packageRoot)).map((f) => f.rule)).toEqual(
      expect.arrayContaining(['pdb', 'networkpolicy']),
    );
    expect((await checkPaths([deployDir, app], contract(), packageRoot)).map(formatFinding)).toEqual([
      'deploy/20-app-deployment.yaml: Deployment/bluegreen/app: metadata.name: same kind and name as in deploy/20-app-deployment.yaml [duplicate]',
    ]);
  });

  it('names a path it cannot read, as bad usage', async () => {
    const missing = join(deployDir, 'no-such-file.yaml');
    expect(() => loadManifests([missing], packageRoot)).toThrow(UsageError);
    await expect(checkPaths([deployDir, missing], contract(), packageRoot)).rejects.toThrow(
      `cannot read manifests from ${missing}: no such file or directory`,
    );
  });
});
