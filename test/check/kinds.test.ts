import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { BUILT_IN_KINDS, GATEWAY_API_KINDS } from '../../check/kinds.js';

it('BUILT_IN_KINDS lists every stable kind kubernetes-models has a model for', () => {
  const root = dirname(createRequire(import.meta.url).resolve('kubernetes-models/package.json'));
  const found: Record<string, string[]> = {};
  const visit = (dir: string, apiVersion: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== '_schemas') {
        visit(join(dir, entry.name), apiVersion ? `${apiVersion}/${entry.name}` : entry.name);
      } else if (/^v\d+$/.test(apiVersion.split('/').at(-1)!) && entry.name.endsWith('.mjs')) {
        const kind = entry.name.slice(0, -4);
        const source = readFileSync(join(dir, entry.name), 'utf8');
        if (!kind.endsWith('List') && source.includes(`${kind}.apiVersion="`))
          (found[apiVersion] ??= []).push(kind);
      }
    }
  };
  visit(root, '');
  const sorted = (table: Readonly<Record<string, readonly string[]>>) =>
    Object.fromEntries(Object.entries(table).map(([k, v]) => [k, [...v].sort()]));
  expect(sorted(BUILT_IN_KINDS)).toEqual(sorted(found));
});

it('GATEWAY_API_KINDS lists every kind @kubernetes-models/gateway-api has a model for', () => {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve('@kubernetes-models/gateway-api')), 'gateway.networking.k8s.io');
  const found: Record<string, string[]> = {};
  for (const version of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const file of readdirSync(join(root, version.name))) {
      const kind = file.slice(0, -4);
      if (file.endsWith('.mjs') && kind !== 'index' && !kind.endsWith('List'))
        (found[`gateway.networking.k8s.io/${version.name}`] ??= []).push(kind);
    }
  }
  const sorted = (table: Readonly<Record<string, readonly string[]>>) =>
    Object.fromEntries(Object.entries(table).map(([k, v]) => [k, [...v].sort()]));
  expect(sorted(GATEWAY_API_KINDS)).toEqual(sorted(found));
});
