/**
 * The hardening checks trusted linters apply (kube-linter, Polaris, kube-score, kubescape), as our rules:
 * see the notes on Kubernetes in the shared docs for where each comes from.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { Finding } from './findings.js';
import type { Manifest } from './manifest.js';
import {
  type ContainerRef,
  type Labels,
  containers,
  obj,
  ofKind,
  reporter,
  sameNamespace,
  selectorMatches,
  workloads,
  type Workload,
  templatePath,
} from './objects.js';

export const REQUIRED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
] as const;

/** kube-score's threshold: UIDs below it may collide with users on the host. */
export const MIN_UID = 10000;

type Report = ReturnType<typeof reporter>;

function checkLabels(labels: Labels | undefined, path: string, report: Report): void {
  const missing = REQUIRED_LABELS.filter((l) => !labels?.[l]);
  if (missing.length > 0) report('labels', path, `missing ${missing.join(', ')}`);
}

function checkResources(c: IContainer, path: string, report: Report): void {
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (c.resources?.[kind]?.[resource] === undefined) {
        report('resources', `${path}.resources.${kind}.${resource}`, 'missing');
      }
    }
  }
}

function checkSecurityContext(pod: IPodSpec, ref: ContainerRef, report: Report): void {
  const { container: c, path } = ref;
  const podPath = templatePath(ref.workload, 'spec.securityContext');
  const sc = c.securityContext ?? {};
  const podSc = pod.securityContext ?? {};
  const at = `${path}.securityContext`;
  if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true)
    report('security-context', `${at}.runAsNonRoot`, 'must be true');
  const uid = sc.runAsUser ?? podSc.runAsUser;
  if (uid === undefined || uid < MIN_UID) {
    report('security-context', `${at}.runAsUser`, `must be a numeric UID of at least ${MIN_UID}`);
  }
  if (sc.allowPrivilegeEscalation !== false) {
    report('security-context', `${at}.allowPrivilegeEscalation`, 'must be false');
  }
  if (sc.privileged === true) report('security-context', `${at}.privileged`, 'must not be true');
  if (sc.readOnlyRootFilesystem !== true)
    report('security-context', `${at}.readOnlyRootFilesystem`, 'must be true');
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) {
    report('security-context', `${at}.capabilities.drop`, 'must include ALL');
  }
  if ((sc.capabilities?.add ?? []).length > 0) {
    report('security-context', `${at}.capabilities.add`, 'must be empty');
  }
  const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    report(
      'security-context',
      `${at}.seccompProfile.type`,
      `must be RuntimeDefault (set here or at ${podPath})`,
    );
  }
  if (sc.readOnlyRootFilesystem === true) {
    const tmp = (c.volumeMounts ?? []).find((v) => v.mountPath === '/tmp');
    const volume = tmp && (pod.volumes ?? []).find((v) => v.name === tmp.name);
    if (!volume?.emptyDir) {
      report(
        'security-context',
        `${path}.volumeMounts`,
        'read-only root filesystem needs an emptyDir at /tmp',
      );
    }
  }
  (c.ports ?? []).forEach((p, i) => {
    if (p.hostPort !== undefined) report('host-access', `${path}.ports[${i}].hostPort`, 'must not be set');
  });
}

function checkPod(w: Workload, report: Report): void {
  const pod = w.template.spec;
  const path = templatePath(w, 'spec');
  if (!pod) return;
  if (pod.automountServiceAccountToken !== false) {
    report(
      'service-account-token',
      `${path}.automountServiceAccountToken`,
      'must be false: the pod needs no API access',
    );
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[field] === true) report('host-access', `${path}.${field}`, 'must not be true');
  }
  (pod.volumes ?? []).forEach((v, i) => {
    if (v.hostPath) report('host-access', `${path}.volumes[${i}].hostPath`, 'must not be used');
  });
  const required =
    pod.topologySpreadConstraints?.findIndex((t) => t.whenUnsatisfiable !== 'ScheduleAnyway') ?? -1;
  if (required >= 0) {
    report(
      'topology-spread',
      `${path}.topologySpreadConstraints[${required}].whenUnsatisfiable`,
      'must be ScheduleAnyway, so a one-node cluster still schedules every replica',
    );
  }
  if (pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution) {
    report(
      'topology-spread',
      `${path}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`,
      'use the preferred form, so a one-node cluster still schedules every replica',
    );
  }
  const spread =
    (pod.topologySpreadConstraints ?? []).length > 0 ||
    (pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
  if (!spread) {
    report(
      'topology-spread',
      `${path}.topologySpreadConstraints`,
      'missing: replicas may all land on one node',
    );
  } else {
    (pod.topologySpreadConstraints ?? []).forEach((t, i) => {
      if (!selectorMatches(t.labelSelector, w.template.metadata?.labels)) {
        report(
          'topology-spread',
          `${path}.topologySpreadConstraints[${i}].labelSelector`,
          'does not select this pod template, so it spreads nothing',
        );
      }
    });
  }
}

function checkNetworkPolicy(m: Manifest, w: Workload, manifests: readonly Manifest[], report: Report): void {
  const policies = ofKind(manifests, 'NetworkPolicy').filter(
    (p) =>
      sameNamespace(p, m) &&
      selectorMatches(obj<INetworkPolicySpec>(p).spec?.podSelector, w.template.metadata?.labels),
  );
  if (policies.length === 0) {
    report('networkpolicy', templatePath(w, 'metadata.labels'), 'no NetworkPolicy selects these pods');
    return;
  }
  const egress = policies.some((p) => {
    const spec = obj<INetworkPolicySpec>(p).spec;
    return spec?.policyTypes?.includes('Egress') ?? spec?.egress !== undefined;
  });
  if (!egress) {
    report(
      'networkpolicy-egress',
      templatePath(w, 'metadata.labels'),
      'no NetworkPolicy limits what these pods may reach (policyTypes: [Egress])',
    );
  }
}

/** A peer that names namespaces but no pods admits everything in them (all of kube-system, say). */
function checkNamespaceWidePeers(m: Manifest, report: Report): void {
  (obj<INetworkPolicySpec>(m).spec?.ingress ?? []).forEach((rule, r) =>
    (rule.from ?? []).forEach((peer, p) => {
      if (peer.namespaceSelector && !peer.podSelector) {
        report(
          'networkpolicy-namespace-wide',
          `spec.ingress[${r}].from[${p}].namespaceSelector`,
          'admits every pod of the selected namespaces: add a podSelector for the pods meant (the ingress controller)',
        );
      }
    }),
  );
}

export function checkHardening(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  for (const m of manifests) checkLabels(obj(m).metadata?.labels, 'metadata.labels', reporter(m, out));
  for (const m of ofKind(manifests, 'NetworkPolicy')) checkNamespaceWidePeers(m, reporter(m, out));
  for (const w of workloads(manifests)) {
    const report = reporter(w.manifest, out);
    checkLabels(w.template.metadata?.labels, templatePath(w, 'metadata.labels'), report);
    checkPod(w, report);
    checkNetworkPolicy(w.manifest, w, manifests, report);
    for (const ref of containers(w)) {
      checkResources(ref.container, ref.path, report);
      if (w.template.spec) checkSecurityContext(w.template.spec, ref, report);
    }
  }
  return out;
}
