/** Typed views of the manifests that the cross-checks and hardening rules share. */
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { type Finding, makeFinding } from './findings.js';
import { type Manifest, label, lineOf } from './manifest.js';
import type { RuleId } from './rules.js';

export type Labels = Record<string, string>;
export type LabelSelector = IDeploymentSpec['selector'];

export interface Meta {
  name?: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
}

/** A schema-valid object; fields are typed by the caller that knows its kind. */
export interface K8sObject<Spec = unknown> {
  apiVersion: string;
  kind: string;
  metadata?: Meta;
  spec?: Spec;
}

export interface Workload {
  manifest: Manifest;
  template: IPodTemplateSpec;
  /** Path of the pod template inside the object. */
  path: string;
  replicas: number;
}

export interface ContainerRef {
  workload: Workload;
  container: IContainer;
  path: string;
}

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
]);
/** Kinds whose pods run until replaced: the ones that serve traffic and roll out. */
const SERVING_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
]);

export function obj<Spec = unknown>(m: Manifest): K8sObject<Spec> {
  return m.obj as unknown as K8sObject<Spec>;
}

export function ofKind(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.obj['kind'] === kind);
}

/** `rest` under the workload's pod template: `spec.template.<rest>`, or `<rest>` for a bare Pod. */
export function templatePath(w: Pick<Workload, 'path'>, rest: string): string {
  return w.path ? `${w.path}.${rest}` : rest;
}

export function workloads(manifests: readonly Manifest[]): Workload[] {
  return manifests
    .filter((m) => WORKLOAD_KINDS.has(String(m.obj['kind'])) || m.obj['kind'] === 'Pod')
    .flatMap((manifest) => {
      if (manifest.obj['kind'] === 'Pod') {
        // A bare Pod is its own template (path ''), one pod that nothing replaces.
        const pod = manifest.obj as IPodTemplateSpec;
        if (!pod.spec) return [];
        const template: IPodTemplateSpec = { metadata: pod.metadata ?? {}, spec: pod.spec };
        return [{ manifest, template, path: '', replicas: 1 }];
      }
      const spec = obj<{ template?: IPodTemplateSpec; replicas?: number }>(manifest).spec;
      if (!spec?.template) return [];
      const kind = manifest.obj['kind'];
      const replicas = kind === 'DaemonSet' || kind === 'Job' ? 1 : (spec.replicas ?? 1);
      return [{ manifest, template: spec.template, path: 'spec.template', replicas }];
    });
}

export function containers(w: Workload): ContainerRef[] {
  const spec = w.template.spec;
  if (!spec) return [];
  return [
    ...(spec.initContainers ?? []).map((container, i) => ({
      workload: w,
      container,
      path: templatePath(w, `spec.initContainers[${i}]`),
    })),
    ...spec.containers.map((container, i) => ({
      workload: w,
      container,
      path: templatePath(w, `spec.containers[${i}]`),
    })),
  ];
}

export function mainContainers(w: Workload): ContainerRef[] {
  return containers(w).filter((c) => c.path.includes('.containers['));
}

export function serves(w: Workload): boolean {
  return SERVING_KINDS.has(String(w.manifest.obj['kind']));
}

/** Whether the image is bluegreen's own (`…/bluegreen:tag`), whose settings and routes this check knows. */
export function isBluegreenImage(image: string | undefined): boolean {
  return /(^|\/)bluegreen(:[^/]*|@sha256:[0-9a-f]+)?$/.test(image ?? '');
}

/** Whether a container runs the app (`bluegreen serve`, the image's default command). */
export function runsServe(c: IContainer): boolean {
  return (
    isBluegreenImage(c.image) &&
    !c.command &&
    (c.args === undefined || c.args.length === 0 || c.args[0] === 'serve')
  );
}

/** Whether a container runs bluegreen's loadtester (`bluegreen load …`). */
export function runsLoad(c: IContainer): boolean {
  return isBluegreenImage(c.image) && !c.command && c.args?.[0] === 'load';
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  // An absent selector selects nothing for our purposes; an empty one would select every pod.
  if (!selector) return false;
  const have = labels ?? {};
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => have[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = have[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

export function mapSelects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Seconds a preStop hook sleeps: the `sleep` action, or an `exec` of `sleep N` (directly or through a shell). */
export function preStopSeconds(c: IContainer): number {
  const preStop = c.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const command = (preStop?.exec?.command ?? []).join(' ');
  const sleep = /(?:^|[\s;&|/])sleep\s+(\d+(?:\.\d+)?)/.exec(command);
  return sleep ? Number(sleep[1]) : 0;
}

/** Finds a container port by number or name. */
export function declaresPort(c: IContainer, port: number | string): boolean {
  return (c.ports ?? []).some((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));
}

export function sameNamespace(a: Manifest, b: Manifest): boolean {
  return obj(a).metadata?.namespace === obj(b).metadata?.namespace;
}

/** A finding factory bound to one object. */
/** The pod templates of these files, in `m`'s namespace, that `selector` selects. */
export function podsSelected(
  pods: readonly Workload[],
  m: Manifest,
  selector: LabelSelector | undefined,
): Workload[] {
  return pods.filter(
    (w) => sameNamespace(w.manifest, m) && selectorMatches(selector, w.template.metadata?.labels),
  );
}

export function reporter(m: Manifest, out: Finding[]) {
  return (rule: RuleId, path: string, message: string): void => {
    out.push(makeFinding(rule, { file: m.file, line: lineOf(m, path), object: label(m) }, path, message));
  };
}
