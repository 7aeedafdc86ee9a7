/** Cross-checks between objects: what kubectl accepts but leaves broken (selectors, ports, references). */
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import type { IIngressSpec } from 'kubernetes-models/networking.k8s.io/v1/IngressSpec';
import type { IIngressBackend } from 'kubernetes-models/networking.k8s.io/v1/IngressBackend';
import type { IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { Finding } from './findings.js';
import type { Manifest } from './manifest.js';
import {
  containers,
  declaresPort,
  mainContainers,
  mapSelects,
  obj,
  ofKind,
  podsSelected,
  reporter,
  sameNamespace,
  selectorMatches,
  workloads,
  type Workload,
} from './objects.js';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'IngressClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'GatewayClass',
]);

function checkNamespaces(manifests: readonly Manifest[], out: Finding[]): void {
  const created = new Map<string, number>();
  manifests.forEach((m, i) => {
    const name = obj(m).metadata?.name;
    if (m.obj['kind'] === 'Namespace' && name && !created.has(name)) created.set(name, i);
  });
  manifests.forEach((m, i) => {
    const report = reporter(m, out);
    if (CLUSTER_SCOPED.has(String(m.obj['kind']))) return;
    const namespace = obj(m).metadata?.namespace;
    if (namespace === undefined && created.size > 0) {
      report(
        'namespace',
        'metadata.namespace',
        `missing: kubectl uses the current context's namespace, not ${[...created.keys()].map((n) => `"${n}"`).join(' or ')} created here`,
      );
    } else if (namespace === 'default') {
      report('namespace', 'metadata.namespace', 'is "default": give the app a namespace of its own');
    } else if (namespace !== undefined && (created.get(namespace) ?? -1) > i) {
      report('namespace', 'metadata.namespace', 'applied before its Namespace (files apply in name order)');
    }
  });
}

function checkDuplicates(manifests: readonly Manifest[], out: Finding[]): void {
  const seen = new Map<string, Manifest>();
  for (const m of manifests) {
    const meta = obj(m).metadata;
    const key = `${String(m.obj['kind'])}/${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
    const first = seen.get(key);
    if (first) reporter(m, out)('duplicate', 'metadata.name', `same kind and name as in ${first.file}`);
    else seen.set(key, m);
  }
}

function checkDeploymentSelectors(manifests: readonly Manifest[], out: Finding[]): void {
  for (const m of ofKind(manifests, 'Deployment')) {
    const spec = obj<IDeploymentSpec>(m).spec;
    if (!spec) continue;
    if (!selectorMatches(spec.selector, spec.template.metadata?.labels)) {
      reporter(m, out)(
        'selector',
        'spec.selector',
        'does not match spec.template.metadata.labels (the API server rejects this)',
      );
    }
  }
}

function checkServices(manifests: readonly Manifest[], pods: readonly Workload[], out: Finding[]): void {
  for (const m of ofKind(manifests, 'Service')) {
    const report = reporter(m, out);
    const spec = obj<IServiceSpec>(m).spec;
    // Without a selector the endpoints are managed by hand (or it is an ExternalName): nothing to match.
    if (!spec?.selector || Object.keys(spec.selector).length === 0 || spec.type === 'ExternalName') continue;
    const selected = pods.filter(
      (w) => sameNamespace(w.manifest, m) && mapSelects(spec.selector, w.template.metadata?.labels),
    );
    if (selected.length === 0) {
      report('service-selector', 'spec.selector', 'selects no pod template in these files');
      continue;
    }
    (spec.ports ?? []).forEach((port, i) => {
      const target = port.targetPort ?? port.port;
      for (const w of selected) {
        if (!mainContainers(w).some((c) => declaresPort(c.container, target))) {
          report(
            'service-port',
            `spec.ports[${i}].targetPort`,
            `${JSON.stringify(target)} is not a container port of ${w.manifest.obj['kind']}/${obj(w.manifest).metadata?.name}`,
          );
        }
      }
    });
  }
}

function checkProbePorts(pods: readonly Workload[], out: Finding[]): void {
  for (const w of pods) {
    const report = reporter(w.manifest, out);
    for (const { container, path } of containers(w)) {
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
        const p = container[probe];
        const action = p?.httpGet ? 'httpGet' : p?.tcpSocket ? 'tcpSocket' : p?.grpc ? 'grpc' : undefined;
        if (!p || !action) continue;
        const port = p.httpGet?.port ?? p.tcpSocket?.port ?? p.grpc?.port;
        if (port !== undefined && !declaresPort(container, port)) {
          report(
            'probe-port',
            `${path}.${probe}.${action}.port`,
            `${JSON.stringify(port)} is not a declared port of container "${container.name}"`,
          );
        }
      }
    }
  }
}

function checkIngresses(manifests: readonly Manifest[], out: Finding[]): void {
  const services = ofKind(manifests, 'Service');
  for (const m of ofKind(manifests, 'Ingress')) {
    const report = reporter(m, out);
    const spec = obj<IIngressSpec>(m).spec;
    const backends: [IIngressBackend, string][] = [];
    if (spec?.defaultBackend) backends.push([spec.defaultBackend, 'spec.defaultBackend']);
    (spec?.rules ?? []).forEach((rule, r) =>
      (rule.http?.paths ?? []).forEach((p, i) =>
        backends.push([p.backend, `spec.rules[${r}].http.paths[${i}].backend`]),
      ),
    );
    for (const [backend, path] of backends) {
      if (!backend.service) {
        report('ingress-backend', `${path}.service`, 'missing: no Service to send traffic to');
        continue;
      }
      const { name, port } = backend.service;
      const service = services.find((s) => sameNamespace(s, m) && obj(s).metadata?.name === name);
      if (!service) {
        report('ingress-backend', `${path}.service.name`, `Service "${name}" is not defined in these files`);
        continue;
      }
      const ports = obj<IServiceSpec>(service).spec?.ports ?? [];
      const found = ports.some((p) =>
        port?.name !== undefined ? p.name === port.name : p.port === port?.number,
      );
      if (!found) {
        report(
          'ingress-backend',
          `${path}.service.port`,
          `${JSON.stringify(port ?? {})} is not a port of Service "${name}"`,
        );
      }
    }
    const hosts = (spec?.rules ?? []).flatMap((r) => (r.host ? [r.host] : []));
    const tlsHosts = new Set((spec?.tls ?? []).flatMap((t) => t.hosts ?? []));
    hosts
      .filter((h) => !tlsHosts.has(h))
      .forEach((h) => report('ingress-tls', 'spec.tls', `no TLS for host "${h}"`));
  }
}

interface BackendRef {
  group?: unknown;
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
  port?: unknown;
  weight?: unknown;
}

interface ParentRef {
  group?: unknown;
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
  sectionName?: unknown;
  port?: unknown;
}

interface Listener {
  name?: unknown;
  port?: unknown;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Gateway API's defaults: a ref with no group and kind is a core Service (backends) or a Gateway (parents). */
const isServiceRef = (ref: BackendRef): boolean =>
  (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
const isGatewayRef = (ref: ParentRef): boolean =>
  (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (ref.kind ?? 'Gateway') === 'Gateway';

/** The namespace a ref points into: its own, else the route's. */
function refNamespace(ref: { namespace?: unknown }, route: Manifest): string | undefined {
  return typeof ref.namespace === 'string' ? ref.namespace : obj(route).metadata?.namespace;
}

/**
 * Gateway API HTTPRoutes (read with care: a newer apiVersion than the schema knows is not validated):
 * parentRefs to Gateways of the set (and their listeners), backendRefs to Services and ports of the set,
 * and weights that send a rule's requests somewhere.
 */
function checkHTTPRoutes(manifests: readonly Manifest[], out: Finding[]): void {
  const services = ofKind(manifests, 'Service');
  const gateways = ofKind(manifests, 'Gateway');
  for (const m of ofKind(manifests, 'HTTPRoute')) {
    const report = reporter(m, out);
    const spec = m.obj['spec'] as { rules?: unknown; parentRefs?: unknown } | undefined;
    if (Array.isArray(spec?.parentRefs)) {
      spec.parentRefs.forEach((ref: ParentRef | null, i) => {
        if (ref && isGatewayRef(ref)) checkParentRef(ref, `spec.parentRefs[${i}]`, m, gateways, report);
      });
    }
    const rules = spec?.rules;
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule: { backendRefs?: unknown } | null, r) => {
      const refs = rule?.backendRefs;
      if (!Array.isArray(refs)) return;
      const weights = refs.map((ref: BackendRef | null) =>
        typeof ref?.weight === 'number' ? ref.weight : 1,
      );
      if (refs.length > 0 && weights.every((w) => w <= 0)) {
        report(
          'httproute-weights',
          `spec.rules[${r}].backendRefs`,
          'every backendRef has weight 0: the rule answers 500 to every request it matches',
        );
      }
      refs.forEach((ref: BackendRef | null, i) => {
        const path = `spec.rules[${r}].backendRefs[${i}]`;
        if (!ref || !isServiceRef(ref)) return;
        const namespace = refNamespace(ref, m);
        const service = services.find(
          (s) => obj(s).metadata?.name === ref.name && obj(s).metadata?.namespace === namespace,
        );
        if (!service) {
          report(
            'httproute-backend',
            `${path}.name`,
            `Service "${String(ref.name)}" is not defined in these files`,
          );
        } else if (!(obj<IServiceSpec>(service).spec?.ports ?? []).some((p) => p.port === ref.port)) {
          report(
            'httproute-backend',
            `${path}.port`,
            `${JSON.stringify(ref.port)} is not a port of Service "${String(ref.name)}"`,
          );
        }
      });
    });
  }
}

function checkParentRef(
  ref: ParentRef,
  path: string,
  route: Manifest,
  gateways: readonly Manifest[],
  report: ReturnType<typeof reporter>,
): void {
  const namespace = refNamespace(ref, route);
  const gateway = gateways.find(
    (g) => obj(g).metadata?.name === ref.name && obj(g).metadata?.namespace === namespace,
  );
  if (!gateway) {
    // A Gateway in another namespace, named as such, is a shared one that a platform team owns and these
    // files do not hold: nothing to check it against. One in the route's own namespace should be here.
    const shared = typeof ref.namespace === 'string' && ref.namespace !== obj(route).metadata?.namespace;
    if (!shared || gateways.some((g) => obj(g).metadata?.namespace === namespace))
      report(
        'httproute-parent',
        `${path}.name`,
        `Gateway "${String(ref.name)}" is not defined in these files`,
      );
    return;
  }
  const listeners = (gateway.obj['spec'] as { listeners?: unknown } | undefined)?.listeners;
  const list: Listener[] = Array.isArray(listeners) ? (listeners as Listener[]) : [];
  if (ref.sectionName !== undefined && !list.some((l) => l.name === ref.sectionName)) {
    report(
      'httproute-parent',
      `${path}.sectionName`,
      `Gateway "${String(ref.name)}" has no listener named ${JSON.stringify(ref.sectionName)}`,
    );
  }
  if (ref.port !== undefined && !list.some((l) => l.port === ref.port)) {
    report(
      'httproute-parent',
      `${path}.port`,
      `Gateway "${String(ref.name)}" has no listener on port ${JSON.stringify(ref.port)}`,
    );
  }
}

function checkPodDisruptionBudgets(
  manifests: readonly Manifest[],
  pods: readonly Workload[],
  out: Finding[],
): void {
  for (const m of ofKind(manifests, 'PodDisruptionBudget')) {
    const report = reporter(m, out);
    const spec = obj<IPodDisruptionBudgetSpec>(m).spec;
    const selected = podsSelected(pods, m, spec?.selector);
    if (selected.length === 0) {
      report('pdb-selector', 'spec.selector', 'selects no pod template in these files');
      continue;
    }
    const total = selected.reduce((n, w) => n + w.replicas, 0);
    const allowed = allowedDisruptions(spec ?? {}, total);
    if (allowed < 1) {
      const field = spec?.maxUnavailable !== undefined ? 'spec.maxUnavailable' : 'spec.minAvailable';
      report(
        'pdb-allows-disruption',
        field,
        `allows no disruption with ${total} pods: node drains would block`,
      );
    }
  }
}

function fromIntOrPercent(value: number | string, total: number, round: (n: number) => number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? round((Number(percent[1]) * total) / 100) : NaN;
}

export function allowedDisruptions(spec: IPodDisruptionBudgetSpec, total: number): number {
  if (spec.maxUnavailable !== undefined) return fromIntOrPercent(spec.maxUnavailable, total, Math.ceil);
  if (spec.minAvailable !== undefined) return total - fromIntOrPercent(spec.minAvailable, total, Math.ceil);
  return 0;
}

function checkNetworkPolicies(
  manifests: readonly Manifest[],
  pods: readonly Workload[],
  out: Finding[],
): void {
  for (const m of ofKind(manifests, 'NetworkPolicy')) {
    const report = reporter(m, out);
    const spec = obj<INetworkPolicySpec>(m).spec;
    const selected = podsSelected(pods, m, spec?.podSelector);
    if (selected.length === 0) {
      report('networkpolicy-selector', 'spec.podSelector', 'selects no pod template in these files');
      continue;
    }
    (spec?.ingress ?? []).forEach((rule, r) => {
      (rule.from ?? []).forEach((peer, p) => {
        if (
          peer.podSelector &&
          !peer.namespaceSelector &&
          podsSelected(pods, m, peer.podSelector).length === 0
        ) {
          report(
            'networkpolicy-selector',
            `spec.ingress[${r}].from[${p}].podSelector`,
            'admits no pod template in these files',
          );
        }
      });
      (rule.ports ?? []).forEach((port, i) =>
        checkPortDeclared(port.port, selected, `spec.ingress[${r}].ports[${i}].port`),
      );
    });
    // Egress to pods of these files (the dashboard → the app): the peer must select some, on their ports.
    (spec?.egress ?? []).forEach((rule, r) => {
      const destinations: Workload[] = [];
      (rule.to ?? []).forEach((peer, p) => {
        if (!peer.podSelector || peer.namespaceSelector) return;
        const found = podsSelected(pods, m, peer.podSelector);
        if (found.length === 0) {
          report(
            'networkpolicy-selector',
            `spec.egress[${r}].to[${p}].podSelector`,
            'lets traffic out to no pod template in these files',
          );
        }
        destinations.push(...found);
      });
      if (destinations.length === 0) return;
      (rule.ports ?? []).forEach((port, i) =>
        checkPortDeclared(port.port, destinations, `spec.egress[${r}].ports[${i}].port`),
      );
    });

    function checkPortDeclared(
      target: number | string | undefined,
      on: readonly Workload[],
      path: string,
    ): void {
      if (target === undefined) return;
      for (const w of on.filter((x) => !mainContainers(x).some((c) => declaresPort(c.container, target)))) {
        report(
          'networkpolicy-port',
          path,
          `${JSON.stringify(target)} is not a container port of ${w.manifest.obj['kind']}/${obj(w.manifest).metadata?.name}`,
        );
      }
    }
  }
}

/** Every cross-object check. `manifests` must be schema-valid (the caller filters). */
export function checkWiring(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  const pods = workloads(manifests);
  checkNamespaces(manifests, out);
  checkDuplicates(manifests, out);
  checkDeploymentSelectors(manifests, out);
  checkServices(manifests, pods, out);
  checkProbePorts(pods, out);
  checkIngresses(manifests, out);
  checkHTTPRoutes(manifests, out);
  checkPodDisruptionBudgets(manifests, pods, out);
  checkNetworkPolicies(manifests, pods, out);
  return out;
}
