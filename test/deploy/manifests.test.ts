import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { type Contract, checkManifestDir, formatFinding, loadManifestDir } from '../../check/index.js';
import { realContract } from '../../check/real-contract.js';

let contract: Contract;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ contract, close } = await realContract());
});
afterAll(() => close());

describe.each(['.', 'blue-green', 'canary'])('deploy/%s', (variant) => {
  const dir = join(deployDir, variant);

  it('passes every check with zero findings', () => {
    expect(checkManifestDir(dir, packageRoot, contract).map(formatFinding)).toEqual([]);
  });

  it('is self-contained: creates its namespace and runs the app and the dashboard', () => {
    const kinds = loadManifestDir(dir, packageRoot).manifests.map((m) => m.obj['kind']);
    expect(kinds).toContain('Namespace');
    expect(kinds).toContain('Deployment');
    expect(kinds).toContain('Service');
    expect(kinds).toContain('Ingress');
  });
});

it('deploy/ holds what `kubectl apply -f deploy/` applies: its own files, not the variant folders', () => {
  const files = new Set(loadManifestDir(deployDir, packageRoot).manifests.map((m) => m.file));
  expect([...files].filter((f) => !/^deploy\/[^/]+\.yaml$/.test(f))).toEqual([]);
  expect(files).toContain('deploy/20-app-deployment.yaml');
});
