import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { envNames } from '../../common/settings.js';
import { checkPaths, formatFinding, loadManifestDir } from '../../check/index.js';
import { useRealContract } from '../helpers/manifest-edits.js';
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
