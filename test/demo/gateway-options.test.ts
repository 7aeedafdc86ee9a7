import { describe, expect, it } from 'vitest';
import { deployDir } from '../../common/package-info.js';
import { UsageError } from '../../common/usage-error.js';
import { readAppDeployment } from '../../demo/manifest.js';
import { resolveDemoOptions } from '../../demo/options.js';

const RECOMMENDED = readAppDeployment(deployDir);

describe('bluegreen demo --via gateway', () => {
  it('defaults to a canary, and takes blue-green', () => {
    expect(resolveDemoOptions({ via: 'gateway' }, {}, RECOMMENDED).strategy).toBe('canary');
    const blueGreen = resolveDemoOptions({ via: 'gateway', strategy: 'blue-green' }, {}, RECOMMENDED);
    expect(blueGreen).toMatchObject({ via: 'gateway', strategy: 'blue-green' });
  });

  it('refuses strategies that do not move weights, and a rollout to the colour the pods start with', () => {
    const bad = (flags: Record<string, unknown>) => () => resolveDemoOptions(flags, {}, RECOMMENDED);
    expect(bad({ via: 'gateway', strategy: 'rolling' })).toThrow(UsageError);
    expect(bad({ via: 'gateway', strategy: 'rolling' })).toThrow(
      /--strategy rolling: with --via gateway .* use canary or blue-green/,
    );
    expect(bad({ via: 'gateway', color: 'blue' })).toThrow(/--color blue: the pods start blue/);
    expect(bad({ via: 'gatway' })).toThrow(/--via: "gatway"/);
  });
});
