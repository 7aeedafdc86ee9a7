/**
 * The demo's defaults come from the app Deployment in deploy/ (the same YAML `kubectl apply -f deploy/`
 * takes), so the local story follows the manifests. A field the manifest leaves out gets Kubernetes'
 * own default; without the manifest at all, the demo uses the values our manifests recommend.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
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

/** What deploy/20-app-deployment.yaml recommends; used only when no manifest can be read. */
export const RECOMMENDED: AppDeployment = {
  replicas: 4,
  strategy: 'RollingUpdate',
  maxSurge: 1,
  maxUnavailable: 0,
  minReadySeconds: 5,
  terminationGracePeriodSeconds: 30,
  probe: { periodSeconds: 2, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 2 },
  env: {
    COLOR: 'blue',
    APP_VERSION: 'v1',
    START_DELAY_SECONDS: '3',
    DRAIN_SECONDS: '5',
    MAX_DELAY_MS: '10000',
    SHUTDOWN_TIMEOUT_SECONDS: '20',
    MAX_MEMORY_MB: '128',
    LOG_LEVEL: 'info',
  },
};

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

/** Finds the app Deployment among deploy/*.yaml; on any trouble, the recommended values and a warning. */
export function readAppDeployment(dir: string): { deployment: AppDeployment; warning: string | null } {
  try {
    const documents: unknown[] = [];
    for (const file of readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        if (!('errors' in doc) || doc.errors.length === 0) documents.push(doc.toJS());
      }
    }
    const deployment = appDeploymentFrom(documents);
    if (deployment) return { deployment, warning: null };
    return {
      deployment: RECOMMENDED,
      warning: `no Deployment "app" in ${dir}: using the recommended defaults`,
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      deployment: RECOMMENDED,
      warning: `cannot read ${dir} (${why}): using the recommended defaults`,
    };
  }
}
