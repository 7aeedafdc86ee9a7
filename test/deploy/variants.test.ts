/**
 * deploy/blue-green/, deploy/canary/ and deploy/gateway-api/ are plain copies (trainees read them whole, `kubectl apply -f` takes
 * them as they are), so nothing keeps them in step with deploy/ but this test: a file with the same name is
 * byte for byte the same, an object with the same kind and name is the same object, and each track
 * Deployment is deploy/'s `app` Deployment. Every difference on purpose is listed below with its reason.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { type Manifest, label, loadManifestDir } from '../../check/manifest.js';

type Path = readonly (string | number)[];

const TRACK = 'bluegreen.dev/track';
const POD = ['spec', 'template'];
const APP_ENV = [...POD, 'spec', 'containers', 0, 'env'];

/** A track Deployment carries its own name and its track label wherever deploy/'s `app` has its labels. */
const TRACK_FIELDS: Path[] = [
  ['metadata', 'name'],
  ['metadata', 'labels', TRACK],
  ['spec', 'selector', 'matchLabels', TRACK],
  [...POD, 'metadata', 'labels', TRACK],
  [...POD, 'spec', 'topologySpreadConstraints', 0, 'labelSelector', 'matchLabels', TRACK],
];

/** The track that a rollout moves to runs the next colour and version (COLOR and APP_VERSION, env 0 and 1). */
const NEXT_VERSION: Path[] = [
  [...APP_ENV, 0, 'value'],
  [...APP_ENV, 1, 'value'],
];

/** Per variant, `Kind/name` → the object in deploy/ it copies and the fields where it differs on purpose. */
const COPIES: Record<string, Record<string, { of: string; differs: Path[] }>> = {
  'blue-green': {
    'Deployment/bluegreen/app-blue': { of: 'Deployment/bluegreen/app', differs: TRACK_FIELDS },
    'Deployment/bluegreen/app-green': {
      of: 'Deployment/bluegreen/app',
      differs: [...TRACK_FIELDS, ...NEXT_VERSION],
    },
    // The Service selects one track: the switch is a patch of this label.
    'Service/bluegreen/app': { of: 'Service/bluegreen/app', differs: [['spec', 'selector', TRACK]] },
  },
  canary: {
    'Deployment/bluegreen/app-stable': { of: 'Deployment/bluegreen/app', differs: TRACK_FIELDS },
    // One pod of five, so 20 % of the connections; its waiver of the min-replicas rule says why.
    'Deployment/bluegreen/app-canary': {
      of: 'Deployment/bluegreen/app',
      differs: [...TRACK_FIELDS, ...NEXT_VERSION, ['spec', 'replicas'], ['metadata', 'annotations']],
    },
  },
  'gateway-api': {
    'Deployment/bluegreen/app-blue': { of: 'Deployment/bluegreen/app', differs: TRACK_FIELDS },
    'Deployment/bluegreen/app-green': {
      of: 'Deployment/bluegreen/app',
      differs: [...TRACK_FIELDS, ...NEXT_VERSION],
    },
    // A Service per track, for the HTTPRoute's weighted backendRefs.
    'Service/bluegreen/app-blue': {
      of: 'Service/bluegreen/app',
      differs: [
        ['metadata', 'name'],
        ['spec', 'selector', TRACK],
      ],
    },
    'Service/bluegreen/app-green': {
      of: 'Service/bluegreen/app',
      differs: [
        ['metadata', 'name'],
        ['spec', 'selector', TRACK],
      ],
    },
    // Traffic comes from the Gateway's data plane, not from an ingress controller or the dashboard.
    'NetworkPolicy/bluegreen/app': {
      of: 'NetworkPolicy/bluegreen/app',
      differs: [['spec', 'ingress', 0, 'from']],
    },
    'NetworkPolicy/bluegreen/dashboard': {
      of: 'NetworkPolicy/bluegreen/dashboard',
      differs: [
        ['spec', 'ingress', 0, 'from'],
        ['spec', 'egress', 1],
      ],
    },
    // The load goes through the Gateway's Service (made by its controller, hence the waiver), and --kube
    // follows no one Service's endpoints (the route splits over two), so the args end without --service.
    'Deployment/bluegreen/dashboard': {
      of: 'Deployment/bluegreen/dashboard',
      differs: [
        ['metadata', 'annotations'],
        ['spec', 'template', 'spec', 'containers', 0, 'args'],
      ],
    },
  },
};

/** Objects a variant adds that deploy/ has no counterpart for. */
const NEW_IN: Record<string, string[]> = {
  'gateway-api': ['Gateway/bluegreen/bluegreen', 'HTTPRoute/bluegreen/app', 'HTTPRoute/bluegreen/dashboard'],
};

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Sets `path` in `root` to `value`, or deletes it when `value` is undefined. */
function putAt(root: unknown, path: Path, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (value === undefined) delete parent[key];
  else parent[key] = value;
}

const byLabel = (manifests: readonly Manifest[]) => new Map(manifests.map((m) => [label(m), m]));
const base = byLabel(loadManifestDir(deployDir, packageRoot).manifests);
const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe.each(Object.keys(COPIES))('deploy/%s', (variant) => {
  const dir = join(deployDir, variant);
  const copies = COPIES[variant]!;

  it("has its files named as deploy/'s byte for byte the same", () => {
    const shared = yamlFiles(dir).filter((f) => yamlFiles(deployDir).includes(f));
    expect(shared.length).toBeGreaterThan(0);
    for (const file of shared) {
      expect(readFileSync(join(dir, file), 'utf8'), `${variant}/${file}`).toBe(
        readFileSync(join(deployDir, file), 'utf8'),
      );
    }
  });

  it("copies deploy/'s objects, differing only where listed", () => {
    const manifests = loadManifestDir(dir, packageRoot).manifests;
    for (const m of manifests) {
      const name = label(m);
      if (NEW_IN[variant]?.includes(name)) continue;
      const copy = copies[name] ?? { of: name, differs: [] };
      const original = base.get(copy.of);
      // Every object is a copy: a new kind of object in a variant belongs in deploy/ too, or in COPIES.
      expect(original, `${m.file}: ${name} copies nothing in deploy/`).toBeDefined();
      const normalised = structuredClone(m.obj);
      for (const path of copy.differs) {
        // A listed field that no longer differs is dropped from the list, so the list stays true.
        expect(valueAt(m.obj, path), `${m.file}: ${name}: ${path.join('.')}`).not.toEqual(
          valueAt(original!.obj, path),
        );
        putAt(normalised, path, structuredClone(valueAt(original!.obj, path)));
      }
      expect(normalised, `${m.file}: ${name}`).toEqual(original!.obj);
    }
    for (const name of Object.keys(copies)) expect(manifests.map(label)).toContain(name);
  });
});
