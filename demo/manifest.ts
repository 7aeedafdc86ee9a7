/**
 * The demo's defaults come from the app Deployment in deploy/ (the same YAML `kubectl apply -f deploy/`
 * takes, read by the deploy check's loader), so the local story follows the manifests. A field the manifest
 * leaves out gets Kubernetes' own default. deploy/ ships with the package and the image: without it, or
 * with a file in it that does not parse, the demo stops with an error that names the path.
 */
import { dirname } from 'node:path';
import { formatFinding } from '../check/findings.js';
import { loadManifestDir } from '../check/manifest.js';
import { UsageError } from '../common/usage-error.js';
import { isIntOrPercent, type IntOrPercent } from './rollout-math.js';

export interface AppDeployment {
  replicas: number;
  strategy: 'RollingUpdate' | 'Recreate';
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  minReadySeconds: number;
  terminationGracePeriodSeconds: number;
  probe: {
    periodSeconds: number;
    timeoutSeconds: number;
    successThreshold: number;
    failureThreshold: number;
  };
  /** The app container's plain `value` env (downward-API entries are the pod's own business). */
  env: Record<string, string>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;

/** Reads the Deployment named `name` out of parsed YAML documents; null when none is there. */
export function appDeploymentFrom(documents: readonly unknown[], name = 'app'): AppDeployment | null {
  const deployment = documents.find(
    (d) => isObj(d) && d.kind === 'Deployment' && isObj(d.metadata) && d.metadata.name === name,
  ) as Obj | undefined;
  if (!deployment || !isObj(deployment.spec)) return null;
  const spec = deployment.spec;
  const strategy = isObj(spec.strategy) ? spec.strategy : {};
  const rolling = isObj(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const podSpec = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : {};
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers.filter(isObj) : [];
  const container = containers.find((c) => c.name === name) ?? containers[0] ?? {};
  const probe = isObj(container.readinessProbe) ? container.readinessProbe : {};
  const env: Record<string, string> = {};
  for (const entry of Array.isArray(container.env) ? container.env.filter(isObj) : []) {
    if (typeof entry.name === 'string' && entry.value !== undefined) env[entry.name] = String(entry.value);
  }
  // Kubernetes' defaults for anything left out.
  return {
    replicas: num(spec.replicas, 1),
    strategy: strategy.type === 'Recreate' ? 'Recreate' : 'RollingUpdate',
    maxSurge: isIntOrPercent(rolling.maxSurge) ? rolling.maxSurge : '25%',
    maxUnavailable: isIntOrPercent(rolling.maxUnavailable) ? rolling.maxUnavailable : '25%',
    minReadySeconds: num(spec.minReadySeconds, 0),
    terminationGracePeriodSeconds: num(podSpec.terminationGracePeriodSeconds, 30),
    probe: {
      periodSeconds: num(probe.periodSeconds, 10) || 10,
      timeoutSeconds: num(probe.timeoutSeconds, 1) || 1,
      successThreshold: num(probe.successThreshold, 1) || 1,
      failureThreshold: num(probe.failureThreshold, 3) || 3,
    },
    env,
  };
}

/** The app Deployment in `dir` (deploy/); throws a UsageError naming the path when it cannot be had. */
export function readAppDeployment(dir: string): AppDeployment {
  // Relative to the folder above, findings name files as `deploy/20-app-deployment.yaml`.
  const set = loadManifestDir(dir, dirname(dir));
  if (set.findings.length > 0) {
    throw new UsageError(
      `cannot read the manifests in ${dir}:\n  ${set.findings.map(formatFinding).join('\n  ')}`,
    );
  }
  const deployment = appDeploymentFrom(set.manifests.map((m) => m.obj));
  if (!deployment) throw new UsageError(`no Deployment "app" in ${dir}: the demo takes its defaults from it`);
  return deployment;
}
