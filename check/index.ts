/**
 * Offline validation of Kubernetes manifests: what `kubectl apply -f <path>` would take, checked against the
 * Kubernetes schema, against itself (wiring), for rollout safety, against bluegreen's own code where a
 * container runs its image (contract), and against hardening rules. A caller builds the contract
 * (`realContract()`; only needed when a container runs bluegreen's image), loads sets (`loadSets`) and checks
 * each (`checkManifests`). The rule catalogue is rules.ts.
 */
import { checkContract, type Contract } from './contract.js';
import { type Finding, makeFinding } from './findings.js';
import { checkHardening } from './hardening.js';
import { checkRbac } from './rbac.js';
import { type ManifestSet, label, lineOf, loadManifests } from './manifest.js';
import { containers, isBluegreenImage, obj, workloads } from './objects.js';
import { checkRollout } from './rollout.js';
import { isRuleId } from './rules.js';
import { checkSchema, loadModels } from './schema.js';
import { checkWiring } from './wiring.js';

export type { Contract, LoadSettings } from './contract.js';
export { type Finding, formatFinding } from './findings.js';
export {
  type Manifest,
  type ManifestSet,
  label,
  loadManifestDir,
  loadManifests,
  loadSets,
  parseManifestText,
  STDIN,
} from './manifest.js';
export { realContract } from './real-contract.js';
export { RULES, RULE_CATALOGUE, type RuleId, type Severity } from './rules.js';

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
      const at = { file: m.file, line: lineOf(m, path), object };
      if (!isRuleId(rule)) {
        problems.push(makeFinding('ignore-check', at, path, `unknown rule "${rule}"`));
      } else if (typeof reason !== 'string' || reason.trim() === '') {
        problems.push(makeFinding('ignore-check', at, path, 'give the reason as the value'));
      } else {
        rules.add(rule);
      }
    }
    waived.set(`${m.file}\0${label(m)}`, rules);
  }
  const kept = findings.filter((f) => !waived.get(`${f.file}\0${f.object}`)?.has(f.rule));
  return [...kept, ...problems];
}

/** Whether a container of the set runs bluegreen's image, so the check needs the contract with its code. */
export function needsContract(set: ManifestSet): boolean {
  return workloads(set.manifests)
    .flatMap(containers)
    .some((c) => isBluegreenImage(c.container.image));
}

/** All findings for one set of manifests (what one `kubectl apply` takes), in the order of the files. */
export async function checkManifests(set: ManifestSet, contract: Contract | null): Promise<Finding[]> {
  const models = await loadModels(set.manifests);
  const findings: Finding[] = [...set.findings];
  const valid = set.manifests.filter((m) => {
    const schema = checkSchema(m, models);
    findings.push(...schema);
    // Objects that break the schema are not cross-checked: their fields may not have the expected types.
    return !schema.some((f) => f.rule === 'type-meta' || f.rule === 'schema');
  });
  findings.push(...checkWiring(valid), ...checkRollout(valid), ...checkHardening(valid), ...checkRbac(valid));
  if (contract) findings.push(...checkContract(valid, contract));
  else if (needsContract({ manifests: valid, findings: [] })) {
    throw new Error("a container runs bluegreen's image: pass the contract (realContract())");
  }
  return applyWaivers({ manifests: valid, findings: [] }, findings);
}

/**
 * All findings for what `kubectl apply -f <path> -f <path> …` would apply (folders not recursed), with
 * file names relative to `root`. Throws a UsageError when a path cannot be read.
 */
export async function checkPaths(
  paths: readonly string[],
  contract: Contract | null,
  root: string = process.cwd(),
): Promise<Finding[]> {
  return checkManifests(loadManifests(paths, root), contract);
}
