/**
 * deploy/lab/: each workshop step is applied on its own (`kubectl apply -f deploy/lab/NN-name/`), so each
 * folder is checked as its own set, and must pass with no error and no warning except the waivers the guide
 * explains. Steps carry no namespace: on the workshop's cluster they go to each trainee's own.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import {
  checkManifests,
  checkPaths,
  formatFinding,
  loadManifestDir,
  loadSets,
  parseManifestText,
} from '../../check/index.js';
import { useRealContract } from '../helpers/manifest-edits.js';

const contract = useRealContract();
const labDir = join(deployDir, 'lab');
const IMAGE = 'ghcr.io/bluegreen-dev/bluegreen:0.1.0';

/** Every folder under deploy/lab/ that holds manifests: one `kubectl apply -f` each. */
function stepDirs(dir = labDir): string[] {
  const entries = readdirSync(dir).sort();
  const here = entries.some((f) => /\.ya?ml$/.test(f)) ? [dir] : [];
  const below = entries
    .filter((f) => statSync(join(dir, f)).isDirectory())
    .flatMap((f) => stepDirs(join(dir, f)));
  return [...here, ...below];
}
const steps = stepDirs().map((d) => relative(labDir, d));

/** The waivers on purpose, each explained in docs/lab.md; any other waiver fails the test. */
const WAIVERS: Record<string, string[]> = {
  'Deployment/dashboard': ['min-replicas', 'pdb'],
  'Deployment/app@03-deployment': ['max-unavailable'],
  'Role/trainee-routes': ['rbac-beyond-read'],
};

it('has the seven steps of the lesson, step 6 side by side, and the trainer kit', () => {
  expect(steps).toEqual([
    '01-pods',
    '02-replicaset',
    '03-deployment',
    '04-services',
    '05-ingress',
    '06-blue-green',
    '06-blue-green/side-by-side',
    '07-homework',
    'trainer',
  ]);
});

describe.each(steps)('deploy/lab/%s', (step) => {
  const dir = join(labDir, step);
  const manifests = loadManifestDir(dir, packageRoot).manifests;

  it('passes the deploy check on its own: no errors, no warnings', async () => {
    const findings = await checkPaths([dir], contract(), packageRoot);
    expect(findings.filter((f) => f.severity !== 'info').map(formatFinding)).toEqual([]);
    // Gateway and HTTPRoute (steps 5 and 6) are validated against their schema, not only read.
    expect(findings.filter((f) => f.rule === 'custom-resource').map(formatFinding)).toEqual([]);
  });

  it('waives only what the guide explains', () => {
    for (const m of manifests) {
      const meta = m.obj['metadata'] as { name: string; annotations?: Record<string, string> };
      const waived = Object.keys(meta.annotations ?? {})
        .filter((k) => k.startsWith('ignore-check.bluegreen.dev/'))
        .map((k) => k.slice('ignore-check.bluegreen.dev/'.length));
      const name = `${String(m.obj['kind'])}/${meta.name}`;
      expect(waived, `${m.file}: ${name}`).toEqual(WAIVERS[`${name}@${step}`] ?? WAIVERS[name] ?? []);
    }
  });

  if (step !== 'trainer') {
    it('runs the bluegreen image, in whatever namespace kubectl is set to', () => {
      const text = readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
      expect(text).toContain(`image: ${IMAGE}`);
      for (const m of manifests) {
        expect((m.obj['metadata'] as { namespace?: string }).namespace, m.file).toBeUndefined();
      }
    });
  }
});

/** Files copied from step 2 into later steps, byte for byte: the steps where each is the plain copy. */
const COPIES: Record<string, string[]> = {
  '80-dashboard-deployment.yaml': steps.filter(
    (s) => !['01-pods', '02-replicaset', '07-homework', 'trainer'].includes(s),
  ),
  '81-dashboard-service.yaml': steps.filter(
    (s) => !['01-pods', '02-replicaset', '07-homework', 'trainer'].includes(s),
  ),
  // Step 4's is the annotated one, step 6's side by side selects one track.
  '50-app-service.yaml': ['03-deployment', '05-ingress', '06-blue-green'],
};

it.each(Object.keys(COPIES))("keeps step 2's %s the same where it is copied", (file) => {
  const original = readFileSync(join(labDir, '02-replicaset', file), 'utf8');
  for (const step of COPIES[file]!) {
    expect(readFileSync(join(labDir, step, file), 'utf8'), `${step}/${file}`).toBe(original);
  }
});

it("rejects the lesson slide's ReplicaSet apiVersion (v1), as step 2 says", async () => {
  const text = readFileSync(join(labDir, '02-replicaset', '20-app-replicaset.yaml'), 'utf8');
  expect(text).toContain('apiVersion: apps/v1\nkind: ReplicaSet');
  const set = parseManifestText('slide.yaml', text.replace('apiVersion: apps/v1', 'apiVersion: v1'));
  const findings = await checkManifests(set, contract());
  expect(findings.filter((f) => f.rule === 'type-meta').map((f) => f.message)).toEqual([
    'ReplicaSet is in apps/v1, not v1',
  ]);
});

it('step 3 without its waiver gets the warning the guide shows', async () => {
  const [set] = loadSets([join(labDir, '03-deployment')], packageRoot);
  const unwaived = structuredClone(set!);
  const app = unwaived.manifests.find((m) => m.file.endsWith('20-app-deployment.yaml'))!;
  const annotations = (app.obj['metadata'] as { annotations: Record<string, string> }).annotations;
  expect(annotations['ignore-check.bluegreen.dev/max-unavailable']).toBeDefined();
  delete annotations['ignore-check.bluegreen.dev/max-unavailable'];
  const findings = await checkManifests(unwaived, contract());
  expect(findings.filter((f) => f.severity !== 'info').map((f) => `${f.object} ${f.rule}`)).toEqual([
    'Deployment/app max-unavailable',
  ]);
});

describe('check fixes the lab needed', () => {
  it('reports a document without apiVersion instead of hanging', async () => {
    const set = parseManifestText('x.yaml', 'kind: ConfigMap\nmetadata:\n  name: x\n');
    const findings = await checkManifests(set, null);
    expect(findings.map((f) => [f.rule, f.line, f.message])).toEqual([
      ['type-meta', 1, 'missing apiVersion'],
    ]);
  });

  it("checks a bare Pod's containers as a workload's (step 1), and lets a Service select it", async () => {
    const [set] = loadSets([join(labDir, '01-pods')], packageRoot);
    const broken = structuredClone(set!);
    const pod = broken.manifests.find((m) => m.file.endsWith('10-pod.yaml'))!;
    const env = (pod.obj['spec'] as { containers: { env: { name: string }[] }[] }).containers[0]!.env;
    env[0]!.name = 'COLOUR';
    const findings = await checkManifests(broken, contract());
    expect(findings.filter((f) => f.rule === 'env-name').map(formatFinding)).toEqual([
      'deploy/lab/01-pods/10-pod.yaml: Pod/app: spec.containers[0].env[0].name: "COLOUR" is not read by bluegreen serve [env-name]',
    ]);
    const service = parseManifestText(
      'service.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  selector:\n    app.kubernetes.io/component: app\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n',
    ).manifests;
    const withService = { ...set!, manifests: [...set!.manifests, ...service] };
    const rules = (await checkManifests(withService, contract())).map((f) => f.rule);
    expect(rules).not.toContain('service-selector');
    expect(rules).not.toContain('service-port');
  });

  it("takes a bare Service name as a namespace-less loadtester's target, and still not a missing one", async () => {
    const [set] = loadSets([join(labDir, '02-replicaset')], packageRoot);
    expect((await checkManifests(set!, contract())).filter((f) => f.rule === 'loadtester-target')).toEqual(
      [],
    );
    const broken = structuredClone(set!);
    const dashboard = broken.manifests.find((m) => m.file.endsWith('80-dashboard-deployment.yaml'))!;
    const args = (dashboard.obj['spec'] as { template: { spec: { containers: { args: string[] }[] } } })
      .template.spec.containers[0]!.args;
    args[1] = 'http://nosuchservice/';
    expect((await checkManifests(broken, contract())).map((f) => f.rule)).toContain('loadtester-target');
  });
});
