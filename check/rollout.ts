/**
 * Rollout safety: what decides whether a rolling update (or a node drain) drops requests. The arithmetic
 * follows Kubernetes' own (pkg/controller/deployment/util: ResolveFenceposts).
 */
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import type { IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import { appTiming, DEFAULT_GRACE_SECONDS, GRACE_MARGIN_SECONDS } from './contract.js';
import type { Finding } from './findings.js';
import type { Manifest } from './manifest.js';
import {
  type ContainerRef,
  mainContainers,
  mapSelects,
  obj,
  ofKind,
  preStopSeconds,
  reporter,
  runsServe,
  sameNamespace,
  selectorMatches,
  serves,
  workloads,
  type Workload,
  templatePath,
} from './objects.js';

type Report = ReturnType<typeof reporter>;

/** An int-or-percent of `total`, rounded the way the Deployment controller rounds it. */
function scaled(
  value: number | string | undefined,
  fallback: string,
  total: number,
  roundUp: boolean,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const percent = /^(\d+)%$/.exec(v);
  if (!percent) return NaN;
  const exact = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge and maxUnavailable as pod counts (both 0 means 1 unavailable, as the controller does). */
export function fenceposts(spec: IDeploymentSpec, replicas: number): { surge: number; unavailable: number } {
  const rolling = spec.strategy?.rollingUpdate;
  const surge = scaled(rolling?.maxSurge, '25%', replicas, true);
  const unavailable = scaled(rolling?.maxUnavailable, '25%', replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/** Ports declared: the containers that take traffic (sidecars without ports are not probed). */
function serving(refs: readonly ContainerRef[]): ContainerRef[] {
  return refs.filter((r) => (r.container.ports ?? []).length > 0);
}

function checkProbes({ container: c, path }: ContainerRef, report: Report): void {
  if (!c.readinessProbe) {
    report('probes', `${path}.readinessProbe`, 'missing: the pod counts as ready before it listens');
  }
  if (!c.livenessProbe) {
    report('liveness', `${path}.livenessProbe`, 'missing: a hung process is never restarted');
  } else if (c.readinessProbe) {
    const action = (p: IContainer['readinessProbe']) =>
      JSON.stringify({ httpGet: p?.httpGet, tcpSocket: p?.tcpSocket, grpc: p?.grpc, exec: p?.exec });
    if (action(c.readinessProbe) === action(c.livenessProbe)) {
      report(
        'liveness',
        `${path}.livenessProbe`,
        'same check as the readinessProbe: a pod that is only unready (starting, draining) would be restarted',
      );
    }
  }
}

function checkImage({ container: c, path }: ContainerRef, report: Report): void {
  const image = c.image ?? '';
  if (image.includes('@')) return;
  const tag = /:([^:/]+)$/.exec(image)?.[1];
  if (tag === undefined) report('image', `${path}.image`, `"${image}" has no tag: it means latest`);
  else if (tag === 'latest')
    report('image', `${path}.image`, `"${image}": latest moves, so set image to it rolls nothing out`);
}

function slowStart({ container: c }: ContainerRef): boolean {
  return (
    c.startupProbe !== undefined ||
    (c.readinessProbe?.initialDelaySeconds ?? 0) > 0 ||
    (appTiming(c)?.startDelaySeconds ?? 0) > 0
  );
}

/** Seconds the container keeps serving after it is told to stop: a preStop sleep, or the app's own drain. */
function drainSeconds(c: IContainer): number {
  return preStopSeconds(c) + (appTiming(c)?.drainSeconds ?? 0);
}

function behindService(w: Workload, manifests: readonly Manifest[]): boolean {
  return ofKind(manifests, 'Service').some(
    (s) =>
      sameNamespace(s, w.manifest) &&
      mapSelects(obj<IServiceSpec>(s).spec?.selector, w.template.metadata?.labels),
  );
}

function checkDeployment(w: Workload, manifests: readonly Manifest[], report: Report): void {
  const m = w.manifest;
  const spec = obj<IDeploymentSpec>(m).spec;
  if (!spec) return;
  if (w.replicas < 2) {
    report(
      'min-replicas',
      'spec.replicas',
      `${w.replicas}: at least 2, so one pod can go while another serves`,
    );
    return;
  }
  const budget = ofKind(manifests, 'PodDisruptionBudget').some(
    (p) =>
      sameNamespace(p, m) &&
      selectorMatches(obj<IPodDisruptionBudgetSpec>(p).spec?.selector, w.template.metadata?.labels),
  );
  if (!budget) report('pdb', 'metadata.name', 'no PodDisruptionBudget selects these pods');
  if (spec.strategy?.type === 'Recreate') {
    report('rolling-update', 'spec.strategy.type', 'Recreate stops every pod before starting new ones');
  } else {
    const { surge, unavailable } = fenceposts(spec, w.replicas);
    const field = 'spec.strategy.rollingUpdate.maxUnavailable';
    if (unavailable >= w.replicas) {
      report(
        'rolling-update',
        field,
        `takes all ${w.replicas} ready pods away at once: use 0 with maxSurge 1`,
      );
    } else if (unavailable > 0) {
      report(
        'max-unavailable',
        field,
        `${unavailable} of ${w.replicas} pods go before their replacements are ready: use 0${surge === 0 ? ' with maxSurge 1' : ''}`,
      );
    }
  }
  const refs = serving(mainContainers(w));
  if (!spec.minReadySeconds && refs.some(slowStart)) {
    report(
      'min-ready-seconds',
      'spec.minReadySeconds',
      '0 while the pod is slow to start: give it a few seconds to prove itself',
    );
  }
  if (behindService(w, manifests)) {
    for (const ref of refs.filter((r) => drainSeconds(r.container) === 0)) {
      report(
        'drain',
        `${ref.path}.lifecycle.preStop`,
        'no drain: stops accepting while kube-proxy and ingresses still send it requests (add a preStop sleep)',
      );
    }
  }
}

/** A preStop that outlasts the grace period leaves the app no time to shut down (bluegreen's own app: contract.ts). */
function checkGrace(w: Workload, report: Report): void {
  const grace = w.template.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  for (const { container } of mainContainers(w).filter((r) => !runsServe(r.container))) {
    const sleep = preStopSeconds(container);
    if (sleep > 0 && grace < sleep + GRACE_MARGIN_SECONDS) {
      report(
        'drain-grace',
        templatePath(w, 'spec.terminationGracePeriodSeconds'),
        `${grace} s leaves less than ${GRACE_MARGIN_SECONDS} s after the preStop sleep (${sleep} s) of "${container.name}" for the shutdown`,
      );
    }
  }
}

/** Services that spread traffic over Deployments running different versions (a canary, or a mistake). */
function checkMixedVersions(manifests: readonly Manifest[], pods: readonly Workload[], out: Finding[]): void {
  for (const s of ofKind(manifests, 'Service')) {
    const selector = obj<IServiceSpec>(s).spec?.selector;
    const selected = pods.filter(
      (w) =>
        w.manifest.obj['kind'] === 'Deployment' &&
        sameNamespace(w.manifest, s) &&
        mapSelects(selector, w.template.metadata?.labels),
    );
    // What a rollout changes: the image, or what the same image is told to do.
    const version = (w: Workload) =>
      JSON.stringify(mainContainers(w).map(({ container: c }) => [c.image, c.command, c.args, c.env]));
    if (new Set(selected.map(version)).size < 2) continue;
    const split = selected.map((w) => `${obj(w.manifest).metadata?.name}: ${w.replicas}`).join(', ');
    reporter(s, out)(
      'mixed-versions',
      'spec.selector',
      `selects Deployments running different versions (replicas ${split}): traffic splits by pod count`,
    );
  }
}

export function checkRollout(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  const pods = workloads(manifests);
  for (const w of pods.filter(serves)) {
    const report = reporter(w.manifest, out);
    for (const ref of serving(mainContainers(w))) checkProbes(ref, report);
    if (w.manifest.obj['kind'] === 'Deployment') checkDeployment(w, manifests, report);
    checkGrace(w, report);
  }
  for (const w of pods) {
    const report = reporter(w.manifest, out);
    for (const ref of mainContainers(w)) checkImage(ref, report);
  }
  checkMixedVersions(manifests, pods, out);
  return out;
}
