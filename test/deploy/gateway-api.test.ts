/**
 * deploy/gateway-api/: the Gateway API variant passes the deploy check as it is, after each weight patch in
 * steps/, and the check rejects what a Gateway API object can get wrong (its schema, unknown keys, parents,
 * backends, weights).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import {
  checkManifests,
  formatFinding,
  label,
  loadManifestDir,
  type Finding,
  type ManifestSet,
} from '../../check/index.js';
import { useRealContract } from '../helpers/manifest-edits.js';

const contract = useRealContract();
const dir = join(deployDir, 'gateway-api');
const stepsDir = join(dir, 'steps');

type Obj = Record<string, unknown>;
type PatchOp = { op: 'test' | 'replace'; path: string; value: unknown };

const load = (): ManifestSet => loadManifestDir(dir, packageRoot);
const objectOf = (set: ManifestSet, name: string): Obj => set.manifests.find((m) => label(m) === name)!.obj;
const route = (set: ManifestSet) => objectOf(set, 'HTTPRoute/bluegreen/app') as { spec: RouteSpec };
const shown = (findings: Finding[]) => findings.map(formatFinding);

interface RouteSpec {
  rules: {
    matches?: { headers?: { name: string; value: string }[] }[];
    backendRefs: { name: string; port: number; weight?: number }[];
  }[];
}

/** RFC 6902's test and replace, which is all the steps use (kubectl patch --type=json applies them). */
function applyPatch(target: Obj, ops: PatchOp[]): void {
  for (const { op, path, value } of ops) {
    const keys = path.split('/').slice(1);
    const last = keys.pop()!;
    const parent = keys.reduce<Obj>((node, key) => node[key] as Obj, target);
    if (!(last in parent)) throw new Error(`${path} does not exist`);
    if (op === 'test' && parent[last] !== value) throw new Error(`${path} is not ${JSON.stringify(value)}`);
    if (op === 'replace') parent[last] = value;
  }
}

const weights = (set: ManifestSet) =>
  Object.fromEntries(route(set).spec.rules[1]!.backendRefs.map((b) => [b.name, b.weight ?? 1]));

describe('deploy/gateway-api', () => {
  it('passes every check with no finding at all (the Gateway API kinds are validated, not skipped)', async () => {
    expect(shown(await checkManifests(load(), contract()))).toEqual([]);
  });

  it('starts all blue, and a request with x-preview: green reaches only green', () => {
    const set = load();
    expect(weights(set)).toEqual({ 'app-blue': 100, 'app-green': 0 });
    const preview = route(set).spec.rules[0]!;
    expect(preview.matches?.[0]?.headers).toEqual([{ type: 'Exact', name: 'x-preview', value: 'green' }]);
    expect(preview.backendRefs.map((b) => b.name)).toEqual(['app-green']);
  });

  it('serves the dashboard on /dashboard through the same Gateway', () => {
    const dashboard = objectOf(load(), 'HTTPRoute/bluegreen/dashboard') as {
      spec: { parentRefs: { name: string }[]; rules: { matches: { path: { value: string } }[] }[] };
    };
    expect(dashboard.spec.parentRefs[0]!.name).toBe('bluegreen');
    expect(dashboard.spec.rules[0]!.matches[0]!.path.value).toBe('/dashboard');
  });

  it('has one patch per step, 100/0 → 90/10 → 50/50 → 0/100, each leaving the set clean', async () => {
    const files = readdirSync(stepsDir).sort();
    const set = load();
    const seen: string[] = [];
    for (const file of files) {
      applyPatch(route(set), JSON.parse(readFileSync(join(stepsDir, file), 'utf8')) as PatchOp[]);
      const w = weights(set);
      seen.push(`${w['app-blue']}/${w['app-green']}`);
      expect(file).toContain(`${w['app-blue']}-${w['app-green']}`);
      expect(shown(await checkManifests(set, contract())), file).toEqual([]);
    }
    expect(seen).toEqual(['100/0', '90/10', '50/50', '0/100']);
  });

  it('the instant cutover is the last step applied straight from the first', async () => {
    const set = load();
    const last = readdirSync(stepsDir).sort().at(-1)!;
    applyPatch(route(set), JSON.parse(readFileSync(join(stepsDir, last), 'utf8')) as PatchOp[]);
    expect(weights(set)).toEqual({ 'app-blue': 0, 'app-green': 100 });
  });
});

describe('the check on Gateway API objects', () => {
  async function findingsAfter(edit: (spec: RouteSpec & Obj, set: ManifestSet) => void) {
    const set = load();
    edit(route(set).spec as RouteSpec & Obj, set);
    return (await checkManifests(set, contract())).map((f) => `${f.rule} ${f.path}`);
  }

  it('rejects an unknown key, as for core kinds', async () => {
    const found = await findingsAfter((spec) => {
      const ref = spec.rules[1]!.backendRefs[1]! as Obj;
      ref['wieght'] = ref['weight'];
      delete ref['weight'];
    });
    expect(found).toContain('unknown-field spec.rules[1].backendRefs[1].wieght');
  });

  it('rejects a field of the wrong type', async () => {
    const found = await findingsAfter((spec) => {
      (spec.rules[1]!.backendRefs[1]! as Obj)['weight'] = '10%';
    });
    expect(found).toContain('schema spec.rules[1].backendRefs[1].weight');
  });

  it('rejects weights that sum to 0', async () => {
    const found = await findingsAfter((spec) => {
      spec.rules[1]!.backendRefs[0]!.weight = 0;
    });
    expect(found).toEqual(['httproute-weights spec.rules[1].backendRefs']);
  });

  it('rejects a backendRef to a Service or port that does not exist', async () => {
    const found = await findingsAfter((spec) => {
      spec.rules[1]!.backendRefs[0]!.name = 'app-bleu';
      spec.rules[1]!.backendRefs[1]!.port = 8080;
    });
    expect(found).toEqual([
      'httproute-backend spec.rules[1].backendRefs[0].name',
      'httproute-backend spec.rules[1].backendRefs[1].port',
    ]);
  });

  it('rejects a parentRef to a Gateway or listener that does not exist', async () => {
    const found = await findingsAfter((spec) => {
      spec['parentRefs'] = [{ name: 'bluegreen', sectionName: 'https' }, { name: 'gateway' }];
    });
    expect(found).toEqual([
      'httproute-parent spec.parentRefs[0].sectionName',
      'httproute-parent spec.parentRefs[1].name',
    ]);
  });

  it('leaves a shared Gateway of another namespace alone, unless the set holds Gateways of that namespace', async () => {
    const shared = await findingsAfter((spec) => {
      spec['parentRefs'] = [{ name: 'shared', namespace: 'infra' }];
    });
    expect(shared).toEqual([]);
    const misspelt = await findingsAfter((spec) => {
      spec['parentRefs'] = [{ name: 'bluegren', namespace: 'bluegreen' }];
    });
    expect(misspelt).toEqual(['httproute-parent spec.parentRefs[0].name']);
  });
});
