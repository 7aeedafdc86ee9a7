/**
 * demo/manifest.ts: the demo's defaults come from deploy/'s app Deployment, and without a readable deploy/
 * the demo stops with the path named instead of guessing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { UsageError } from '../../common/usage-error.js';
import { appDeploymentFrom, readAppDeployment } from '../../demo/manifest.js';

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown);

const temp = mkdtempSync(join(tmpdir(), 'bluegreen-demo-manifest-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A deploy/ folder in the temp dir holding `files`. */
function deployFolder(name: string, files: Record<string, string>): string {
  const dir = join(temp, name, 'deploy');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe('the app Deployment in deploy/', () => {
  it('gives the demo its replicas, strategy, probe, grace and env', () => {
    const deployment = readAppDeployment(deployDir);
    // Cross-checked against the YAML itself, so a manifest change cannot silently drift from the demo.
    const yaml = readFileSync(join(deployDir, '20-app-deployment.yaml'), 'utf8');
    const spec = (docs(yaml)[0] as { spec: { replicas: number; minReadySeconds: number } }).spec;
    expect(deployment.replicas).toBe(spec.replicas);
    expect(deployment.minReadySeconds).toBe(spec.minReadySeconds);
    expect(deployment.strategy).toBe('RollingUpdate');
    expect(deployment.env.COLOR).toBe('blue');
    expect(Number(deployment.env.DRAIN_SECONDS)).toBeGreaterThan(0);
    expect(deployment.probe.periodSeconds).toBeGreaterThan(0);
  });

  it("fills what a manifest leaves out with Kubernetes' defaults", () => {
    const found = appDeploymentFrom(
      docs(`kind: Service
metadata: {name: app}
---
kind: Deployment
metadata: {name: app}
spec:
  strategy: {type: Recreate}
  template:
    spec:
      containers:
        - name: app
          env: [{name: COLOR, value: red}, {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
`),
    );
    expect(found).toMatchObject({
      replicas: 1,
      strategy: 'Recreate',
      maxSurge: '25%',
      maxUnavailable: '25%',
      minReadySeconds: 0,
      terminationGracePeriodSeconds: 30,
      probe: { periodSeconds: 10, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1 },
      env: { COLOR: 'red' },
    });
    expect(appDeploymentFrom(docs('kind: Deployment\nmetadata: {name: other}\nspec: {}'))).toBeNull();
  });

  it('reads any deploy/ folder, whatever its other files hold', () => {
    const dir = deployFolder('minimal', {
      '10-other.yaml': 'kind: Service\nmetadata: {name: app}\n',
      '20-app.yml': 'kind: Deployment\nmetadata: {name: app}\nspec: {replicas: 2, minReadySeconds: 7}\n',
      'notes.txt': 'not a manifest: [',
    });
    expect(readAppDeployment(dir)).toMatchObject({ replicas: 2, minReadySeconds: 7 });
  });

  it('stops with the path named when deploy/ is missing', () => {
    const dir = join(temp, 'no-such-dir', 'deploy');
    expect(() => readAppDeployment(dir)).toThrow(UsageError);
    expect(() => readAppDeployment(dir)).toThrow(
      `cannot read manifests from ${dir}: no such file or directory`,
    );
  });

  it('stops with the file and the YAML error named, instead of skipping the file', () => {
    const dir = deployFolder('broken', {
      '20-app-deployment.yaml': 'kind: Deployment\nmetadata: [\nname: app\n',
    });
    expect(() => readAppDeployment(dir)).toThrow(UsageError);
    expect(() => readAppDeployment(dir)).toThrow(
      new RegExp(
        `^cannot read the manifests in ${dir}:\\n  deploy/20-app-deployment.yaml: document 1: .+ \\[yaml\\]$`,
      ),
    );
  });

  it('stops with the folder named when it holds no Deployment "app"', () => {
    const dir = deployFolder('empty', { '00-namespace.yaml': 'kind: Namespace\nmetadata: {name: x}\n' });
    expect(() => readAppDeployment(dir)).toThrow(`no Deployment "app" in ${dir}`);
  });
});

describe('bluegreen demo without deploy/', () => {
  it('exits 2 with one line naming the missing folder, not a stack', async () => {
    const cli = join(packageRoot, 'dist', 'cli.js');
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
    // An installed package without deploy/: the built CLI finds its package root by walking up from dist/.
    const root = join(temp, 'package');
    mkdirSync(root);
    cpSync(join(packageRoot, 'package.json'), join(root, 'package.json'));
    cpSync(join(packageRoot, 'bin'), join(root, 'bin'), { recursive: true });
    cpSync(join(packageRoot, 'dist'), join(root, 'dist'), {
      recursive: true,
      filter: (from) => from !== join(packageRoot, 'dist', 'web'),
    });
    symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'), 'dir');

    const env = { ...process.env };
    delete env.COLOR; // vitest's, not a colour
    const run = promisify(execFile)(
      process.execPath,
      [join(root, 'bin', 'bluegreen.js'), 'demo', '--headless'],
      {
        cwd: root,
        env,
        timeout: 30_000,
      },
    );
    const failure = (await run.then(
      () => {
        throw new Error('bluegreen demo succeeded without deploy/');
      },
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(failure.code).toBe(2);
    expect(failure.stderr).toBe(
      `bluegreen: cannot read manifests from ${join(root, 'deploy')}: no such file or directory\n`,
    );
    expect(failure.stdout).toBe('');
  });
});
