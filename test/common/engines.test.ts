/**
 * Every installed package runs on the Node this project declares (package.json `engines`): `npm ci` on
 * Node 20 printed EBADENGINE for cookie@2 (Node ≥ 22), pulled in by fastify's light-my-request 6.8; the
 * override in package.json keeps light-my-request at 6.6, whose cookie@1 runs on Node 20.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/package-info.js';

const read = (file: string) =>
  JSON.parse(readFileSync(join(packageRoot, file), 'utf8')) as Record<string, unknown>;

describe('the installed packages', () => {
  it('all accept the oldest Node that package.json declares', () => {
    const declared = (read('package.json').engines as { node: string }).node;
    const oldest = semver.minVersion(declared)!.version;
    const lock = read('package-lock.json') as { packages: Record<string, { engines?: unknown }> };
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, info]) => {
        const node = (info.engines as { node?: unknown } | undefined)?.node;
        return typeof node === 'string' && !semver.satisfies(oldest, node) ? [`${path} (${node})`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
