/** The paths `bluegreen check` reads: files and folders, several as one set, and a path it cannot read. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { UsageError } from '../../common/usage-error.js';
import { checkPaths, formatFinding, loadManifests } from '../../check/index.js';
import { useRealContract } from '../helpers/manifest-edits.js';

const contract = useRealContract();

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
