/**
 * Offline validation of Kubernetes manifests (deploy/ and its variants): what `kubectl apply -f <path>` would
 * take, checked against the Kubernetes schema, against itself (wiring), against the code it runs (contract)
 * and against hardening rules. A caller builds the contract once (`realContract()`), then checks paths
 * (`checkPaths`) or already parsed documents (`checkManifests`) and prints the findings (`formatFinding`).
 */
import { checkContract, type Contract } from './contract.js';
import type { Finding } from './findings.js';
import { checkHardening } from './hardening.js';
import { type ManifestSet, label, loadManifests } from './manifest.js';
import { obj } from './objects.js';
import { checkSchema } from './schema.js';
import { checkWiring } from './wiring.js';

export type { Contract, LoadSettings } from './contract.js';
export { type Finding, formatFinding } from './findings.js';
export {
  type Manifest,
  type ManifestSet,
  loadManifestDir,
  loadManifests,
  parseManifestText,
} from './manifest.js';
export { realContract } from './real-contract.js';

/** Every rule id, for waivers: `ignore-check.bluegreen.dev/<rule>: <reason>` on the object. */
export const RULES = [
  'yaml',
  'type-meta',
  'schema',
  'unknown-field',
  'namespace',
  'duplicate',
  'selector',
  'service-selector',
  'service-port',
  'probe-port',
  'ingress-backend',
  'ingress-tls',
  'pdb-selector',
  'pdb-allows-disruption',
  'networkpolicy-selector',
  'networkpolicy-port',
  'env-name',
  'env-value',
  'downward-api',
  'app-port',
  'drain-grace',
  'probe-path',
  'prometheus',
  'loadtester-args',
  'loadtester-target',
  'loadtester-ui',
  'image',
  'labels',
  'probes',
  'resources',
  'security-context',
  'host-access',
  'service-account-token',
  'topology-spread',
  'min-replicas',
  'pdb',
  'rolling-update',
  'networkpolicy',
  'networkpolicy-egress',
  'networkpolicy-namespace-wide',
  'ignore-check',
] as const;

const IGNORE_PREFIX = 'ignore-check.bluegreen.dev/';

/** Drops findings an object waives with a reason; reports waivers without a reason or for unknown rules. */
function applyWaivers(set: ManifestSet, findings: Finding[]): Finding[] {
  const waived = new Map<string, Set<string>>();
  const problems: Finding[] = [];
  for (const m of set.manifests) {
    const rules = new Set<string>();
    for (const [key, reason] of Object.entries(obj(m).metadata?.annotations ?? {})) {
      if (!key.startsWith(IGNORE_PREFIX)) continue;
      const rule = key.slice(IGNORE_PREFIX.length);
      const path = `metadata.annotations.${key}`;
      const object = label(m);
      if (!(RULES as readonly string[]).includes(rule)) {
        problems.push({
          rule: 'ignore-check',
          file: m.file,
          object,
          path,
          message: `unknown rule "${rule}"`,
        });
      } else if (typeof reason !== 'string' || reason.trim() === '') {
        problems.push({
          rule: 'ignore-check',
          file: m.file,
          object,
          path,
          message: 'give the reason as the value',
        });
      } else {
        rules.add(rule);
      }
    }
    waived.set(`${m.file}\0${label(m)}`, rules);
  }
  const kept = findings.filter((f) => !waived.get(`${f.file}\0${f.object}`)?.has(f.rule));
  return [...kept, ...problems];
}

/** All findings for one set of manifests (what one `kubectl apply` takes). */
export function checkManifests(set: ManifestSet, contract: Contract): Finding[] {
  const findings: Finding[] = [...set.findings];
  const valid = set.manifests.filter((m) => {
    const schema = checkSchema(m);
    findings.push(...schema);
    // Objects that break the schema are not cross-checked: their fields may not have the expected types.
    return !schema.some((f) => f.rule === 'type-meta' || f.rule === 'schema');
  });
  findings.push(...checkWiring(valid), ...checkContract(valid, contract), ...checkHardening(valid));
  return applyWaivers({ manifests: valid, findings: [] }, findings);
}

/**
 * All findings for what `kubectl apply -f <path> -f <path> …` would apply (directories not recursed), with
 * file names relative to `root`. Throws a UsageError when a path cannot be read.
 */
export function checkPaths(
  paths: readonly string[],
  contract: Contract,
  root: string = process.cwd(),
): Finding[] {
  return checkManifests(loadManifests(paths, root), contract);
}
