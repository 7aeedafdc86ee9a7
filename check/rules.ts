/**
 * The rule catalogue: every rule's id, severity, one-line title and why-and-fix paragraph. docs/check.md is
 * generated from this table (with the examples in examples.ts), and the SARIF output carries it.
 */

export type Severity = 'error' | 'warning' | 'info';

export type Group = 'input' | 'schema' | 'wiring' | 'rollout' | 'bluegreen' | 'hardening';

export interface Rule {
  severity: Severity;
  group: Group;
  title: string;
  /** Why it matters and how to fix it, in one paragraph. */
  why: string;
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Higher is worse: what `--fail-on` compares. */
export function severityRank(s: Severity): number {
  return 2 - SEVERITIES.indexOf(s);
}

export const GROUPS: Record<Group, string> = {
  input: 'Reading the manifests',
  schema: 'Schema',
  wiring: 'Wiring between objects',
  rollout: 'Rollout safety',
  bluegreen: "bluegreen's own image (containers that run `bluegreen serve` or `bluegreen load`)",
  hardening: 'Hardening',
};

const CATALOGUE = {
  yaml: {
    severity: 'error',
    group: 'input',
    title: 'the document is not valid YAML, or not a mapping',
    why: 'kubectl stops at the first document it cannot parse, so the objects after it are never applied. Fix the syntax at the line given; a duplicate key counts as an error because YAML parsers disagree on which value wins. The other documents of the file are still checked.',
  },
  'type-meta': {
    severity: 'error',
    group: 'schema',
    title: 'apiVersion or kind is missing, removed, or in the wrong group',
    why: 'The API server looks an object up by apiVersion and kind; a kind under the wrong group (a ReplicaSet under `v1`) or an apiVersion that Kubernetes removed (`extensions/v1beta1`) is rejected at apply time. The message names the apiVersion to use.',
  },
  'custom-resource': {
    severity: 'info',
    group: 'schema',
    title: 'no built-in schema for this kind (a custom resource): checked for wiring only',
    why: 'Only the Kubernetes built-in kinds (1.33) and the Gateway API kinds of v1.0 (Gateway, GatewayClass, HTTPRoute, ReferenceGrant and the v1alpha2 routes) are validated against a schema; objects of other groups (cert-manager, operators) or Gateway API kinds added later are read for the cross-checks but their fields are not validated. Validate them with their CRD’s schema if you need to.',
  },
  schema: {
    severity: 'error',
    group: 'schema',
    title: 'the object does not match the Kubernetes schema for its kind',
    why: 'Wrong types, missing required fields, bad enum values and malformed quantities are rejected by the API server, often only when the apply reaches that object. Fix the field named in the finding.',
  },
  'unknown-field': {
    severity: 'error',
    group: 'schema',
    title: 'a field the schema does not define (often a misspelling)',
    why: 'kubectl with client-side apply drops unknown fields silently, so a misspelled `readinesProbe` means no readiness probe at all. Fix the spelling or remove the field.',
  },
  namespace: {
    severity: 'warning',
    group: 'wiring',
    title: 'object in the default namespace, without one beside its Namespace, or applied before it',
    why: 'An object without a namespace lands in whatever namespace the current kubectl context uses; one in `default` shares it with everything else; one applied before its Namespace exists fails. Set `metadata.namespace` on every namespaced object and let the Namespace sort first (kubectl applies a folder in file-name order).',
  },
  duplicate: {
    severity: 'error',
    group: 'wiring',
    title: 'the same kind, namespace and name twice in one set',
    why: 'The second object silently replaces the first when applied, so one of them never takes effect. Rename one or remove it; if the folders are variants applied one at a time, check them as separate sets.',
  },
  selector: {
    severity: 'error',
    group: 'wiring',
    title: "a workload's selector does not match its own pod template",
    why: 'The API server rejects a Deployment, ReplicaSet, StatefulSet or DaemonSet whose `spec.selector` does not select `spec.template.metadata.labels`. Make the template carry every label the selector asks for.',
  },
  'service-selector': {
    severity: 'error',
    group: 'wiring',
    title: 'a Service selector that selects no pod template in the set',
    why: 'A Service whose selector matches no pods has no endpoints: every request to it fails. Match the selector to the pod template labels (a Service without a selector, for manual endpoints, is not checked).',
  },
  'service-port': {
    severity: 'error',
    group: 'wiring',
    title: "a Service targetPort that the selected pods' containers do not declare",
    why: 'A named targetPort must be a named containerPort of every selected pod, or those pods get no endpoint on it; a number that no container declares usually means a typo. Name the container port and target it by name.',
  },
  'probe-port': {
    severity: 'error',
    group: 'wiring',
    title: 'a probe on a port the container does not declare',
    why: 'A probe by port name fails when the container has no port of that name, and a probe on a number the app does not listen on never passes: the pod never turns ready, or liveness restarts it. Probe a declared port, by name.',
  },
  'ingress-backend': {
    severity: 'error',
    group: 'wiring',
    title: 'an Ingress backend that names no Service of the set, or no port of it',
    why: 'The ingress controller answers 503 for a backend Service or port that does not exist. Name a Service of the same namespace and one of its ports (by name or number).',
  },
  'httproute-backend': {
    severity: 'error',
    group: 'wiring',
    title: 'an HTTPRoute backendRef that names no Service of the set, or no port of it',
    why: 'A Gateway API backendRef to a missing Service or port makes the route answer 500 for its share of requests (the weight still applies). Name a Service of the set and one of its port numbers.',
  },
  'httproute-weights': {
    severity: 'error',
    group: 'wiring',
    title: 'an HTTPRoute rule whose backendRefs all have weight 0',
    why: 'Weights split a rule’s requests between its backends in proportion; when they sum to 0 there is nowhere to send them and the Gateway answers 500 to every request the rule matches. For an instant cutover set the old backend to 0 and the new one above 0 (the weight defaults to 1).',
  },
  'httproute-parent': {
    severity: 'error',
    group: 'wiring',
    title: 'an HTTPRoute parentRef that names no Gateway of the set, or no listener of it',
    why: 'A route attaches only to the Gateway (and the listener, by sectionName or port) it names; a misspelt parent leaves the route unattached, so no request ever reaches its backends, and the only sign is in the route’s status. Name a Gateway of the set, and a listener it has. A parentRef that names another namespace is taken for a shared Gateway these files do not hold, and left alone unless the set holds Gateways of that namespace.',
  },
  'ingress-tls': {
    severity: 'warning',
    group: 'wiring',
    title: 'an Ingress host without TLS',
    why: 'A named host served over plain HTTP exposes traffic and cookies. Add the host to `spec.tls` with a certificate Secret (cert-manager can issue one).',
  },
  'pdb-selector': {
    severity: 'warning',
    group: 'wiring',
    title: 'a PodDisruptionBudget that selects no pod template',
    why: 'A budget that selects nothing protects nothing during node drains. Use the workload’s pod labels as its selector.',
  },
  'pdb-allows-disruption': {
    severity: 'warning',
    group: 'wiring',
    title: 'a PodDisruptionBudget that allows no eviction',
    why: '`minAvailable` equal to the replicas (or `maxUnavailable: 0`) blocks every voluntary eviction: node drains and cluster upgrades hang until someone deletes the budget. Allow at least one disruption, e.g. `maxUnavailable: 1`.',
  },
  'networkpolicy-selector': {
    severity: 'warning',
    group: 'wiring',
    title: 'a NetworkPolicy, or one of its peers, that selects no pod template',
    why: 'A policy or peer that matches no pods usually means a label typo: the traffic it was meant to allow is dropped, or the pods it was meant to guard are open. Match the labels of the pod templates.',
  },
  'networkpolicy-port': {
    severity: 'warning',
    group: 'wiring',
    title: 'a NetworkPolicy port that the selected pods do not declare',
    why: 'A named port resolves only against the containers’ declared ports; an unknown name allows nothing. Use a declared port name.',
  },
  probes: {
    severity: 'error',
    group: 'rollout',
    title: 'a serving container without a readiness probe',
    why: 'Without a readinessProbe a container counts as ready the moment it starts, before it listens: during a rollout the Service sends requests to pods that refuse them. Add a readinessProbe on an endpoint that answers only when the app can serve (and fails while it drains). Containers without ports are not checked.',
  },
  liveness: {
    severity: 'warning',
    group: 'rollout',
    title: 'no liveness probe, or one identical to the readiness probe',
    why: 'A liveness probe that checks the same thing as readiness restarts a pod that is only unready — while it starts or drains — which turns a slow start into a crash loop. Use a separate, cheaper check (the process can serve) for liveness.',
  },
  'rolling-update': {
    severity: 'error',
    group: 'rollout',
    title: 'a Deployment strategy that can take every ready pod away',
    why: '`Recreate` stops all pods before starting new ones, and a `maxUnavailable` that rounds to the replica count lets a rolling update do the same: requests fail until new pods are ready. Use `RollingUpdate` with `maxSurge: 1` and `maxUnavailable: 0`. (A one-replica Deployment is reported by min-replicas instead.)',
  },
  'max-unavailable': {
    severity: 'warning',
    group: 'rollout',
    title: 'a rolling update that lowers serving capacity',
    why: 'A `maxUnavailable` above zero (the default is 25 %) removes ready pods before their replacements are ready, so the remaining ones take their share of the load mid-rollout. With `maxUnavailable: 0` and `maxSurge: 1` capacity never drops below the replica count.',
  },
  'min-ready-seconds': {
    severity: 'warning',
    group: 'rollout',
    title: '`minReadySeconds` 0 with a slow start',
    why: 'When a pod is slow to start (a startupProbe, a readiness initialDelaySeconds, or the app’s start delay), a first passing probe is weak evidence: with `minReadySeconds: 0` the rollout moves on and removes an old pod at once. A few seconds of `minReadySeconds` make each new pod prove itself first.',
  },
  drain: {
    severity: 'error',
    group: 'rollout',
    title: 'no drain delay for pods behind a Service',
    why: 'Endpoint removal and SIGTERM happen at the same time, and kube-proxy and ingress controllers learn of the removal seconds later (kubernetes#43576): an app that stops accepting at once turns that lag into refused connections and 502s. Keep serving for a few seconds after SIGTERM: a `lifecycle.preStop` `sleep` (GA in 1.34; `exec` `sleep` before), or the app’s own drain (`DRAIN_SECONDS` for bluegreen).',
  },
  'drain-grace': {
    severity: 'error',
    group: 'rollout',
    title: 'terminationGracePeriodSeconds shorter than preStop + drain + shutdown',
    why: 'The grace period counts from the start of preStop, not from SIGTERM: when preStop, the drain and the shutdown do not fit, the kubelet kills the app mid-request. Raise `terminationGracePeriodSeconds` above their sum plus a margin, or shorten the drain.',
  },
  image: {
    severity: 'warning',
    group: 'rollout',
    title: 'an image tagged `latest` or not tagged',
    why: 'With a moving tag, `kubectl set image` to the same reference changes nothing, so no rollout starts; pods started at different times may run different code; and rolling back has no older reference to go to. Pin a version tag or a digest.',
  },
  'mixed-versions': {
    severity: 'info',
    group: 'rollout',
    title: 'one Service selects pods of several Deployments running different images',
    why: 'kube-proxy spreads connections over every selected pod, so the split between the versions follows the replica counts: intended for a canary, surprising otherwise. If it is not a canary, narrow the Service selector (e.g. with a track label).',
  },
  'min-replicas': {
    severity: 'warning',
    group: 'rollout',
    title: 'a Deployment with one replica',
    why: 'With one pod, every node drain, eviction or crash leaves nothing serving. Run at least two replicas (the other rollout rules apply from two replicas on).',
  },
  pdb: {
    severity: 'warning',
    group: 'rollout',
    title: 'no PodDisruptionBudget for a Deployment with several replicas',
    why: 'Without a budget a node drain may evict every replica at once. Add a PodDisruptionBudget with `maxUnavailable: 1` that selects the pods.',
  },
  'env-name': {
    severity: 'warning',
    group: 'bluegreen',
    title: 'an env variable that `bluegreen serve` does not read',
    why: 'A misspelled setting is ignored and its default used. Use a variable from `bluegreen serve --help`.',
  },
  'env-value': {
    severity: 'error',
    group: 'bluegreen',
    title: 'an env value that `bluegreen serve` rejects',
    why: 'The app exits at start with a usage error, so the pod crash-loops. Use a value the setting accepts.',
  },
  'downward-api': {
    severity: 'warning',
    group: 'bluegreen',
    title: 'pod identity not from the downward API',
    why: 'The app reports its pod, namespace, node and IP from POD_NAME, POD_NAMESPACE, NODE_NAME and POD_IP; without them (or from the wrong field) the dashboard cannot tell pods apart. Set each from its `fieldRef`.',
  },
  'app-port': {
    severity: 'error',
    group: 'bluegreen',
    title: 'no containerPort for the port the app listens on',
    why: 'Probes and Services by port name need the port the app listens on (`PORT`, default 8080) declared. Declare it.',
  },
  'probe-path': {
    severity: 'error',
    group: 'bluegreen',
    title: 'a probe path the app does not serve, or readiness not on /readyz',
    why: 'Only `/readyz` fails during the start delay and the drain; readiness on another path keeps a draining pod in the Service. A path the app does not serve fails the probe forever.',
  },
  prometheus: {
    severity: 'info',
    group: 'bluegreen',
    title: 'Prometheus scrape annotations missing or wrong',
    why: 'The app serves metrics on its own port at `/metrics`; the `prometheus.io/*` annotations tell a scraper where.',
  },
  'loadtester-args': {
    severity: 'error',
    group: 'bluegreen',
    title: '`bluegreen load` arguments the CLI rejects, or without --serve',
    why: 'A rejected flag exits at start; without `--serve` the run ends and the pod restarts. Use the flags of `bluegreen load --help`, with `--serve`.',
  },
  'loadtester-target': {
    severity: 'error',
    group: 'bluegreen',
    title: 'a load target that is not a Service of the set',
    why: 'In a cluster the loadtester should target `<service>.<namespace>.svc.cluster.local` on one of that Service’s ports, or every request fails. Manifests without a namespace (applied to whatever namespace kubectl’s context names) target the Service by its bare name instead.',
  },
  'loadtester-ui': {
    severity: 'error',
    group: 'bluegreen',
    title: 'no containerPort for the dashboard port (--ui)',
    why: 'The dashboard Service and probes reach the UI through a declared port. Declare the `--ui` port.',
  },
  labels: {
    severity: 'info',
    group: 'hardening',
    title: 'recommended labels missing',
    why: 'The `app.kubernetes.io/*` labels (name, instance, version, component, part-of, managed-by) let tools and people find what belongs together.',
  },
  resources: {
    severity: 'warning',
    group: 'hardening',
    title: 'CPU or memory requests or limits missing',
    why: 'Without requests the scheduler packs pods blindly; without limits one pod can starve its neighbours. Set both for CPU and memory.',
  },
  'security-context': {
    severity: 'warning',
    group: 'hardening',
    title: 'container security context not locked down',
    why: 'Run as a non-root numeric UID (≥ 10000), with a read-only root filesystem (an emptyDir at /tmp), no privilege escalation, all capabilities dropped and the RuntimeDefault seccomp profile: what the restricted Pod Security Standard asks.',
  },
  'host-access': {
    severity: 'warning',
    group: 'hardening',
    title: 'host network, PID, IPC, ports or paths',
    why: 'Host namespaces, hostPort and hostPath volumes break the isolation between the pod and its node. Remove them unless the pod is a node agent.',
  },
  'service-account-token': {
    severity: 'warning',
    group: 'hardening',
    title: 'a service account token mounted that the pod may not need',
    why: 'Every pod gets an API token by default; one that does not talk to the API should not carry it. Set `automountServiceAccountToken: false` (waive the rule with its reason for pods that do need it).',
  },
  'rbac-beyond-read': {
    severity: 'warning',
    group: 'hardening',
    title: 'a Role grants more than reading',
    why: 'A token that leaks (or a compromised pod) can do whatever its Role allows. Grant only get, list and watch on the resources the pod reads: no "*", no write verbs, no Secrets (waive the rule with its reason for a controller that must write).',
  },
  'topology-spread': {
    severity: 'info',
    group: 'hardening',
    title: 'replicas not spread across nodes, or spread in the required form',
    why: 'Without a topology spread or anti-affinity, replicas may land on one node and go down together. Prefer `whenUnsatisfiable: ScheduleAnyway` (or preferred anti-affinity) so a small cluster still schedules every replica, and select the pods it spreads.',
  },
  networkpolicy: {
    severity: 'info',
    group: 'hardening',
    title: 'no NetworkPolicy selects the pods',
    why: 'Pods no policy selects accept traffic from anywhere in the cluster. Add a policy that admits only their clients.',
  },
  'networkpolicy-egress': {
    severity: 'info',
    group: 'hardening',
    title: "no NetworkPolicy limits the pods' outgoing traffic",
    why: 'Without an Egress policy a compromised pod can reach anything. Add `policyTypes: [Egress]` with the destinations it needs (DNS, its backends).',
  },
  'networkpolicy-namespace-wide': {
    severity: 'warning',
    group: 'hardening',
    title: 'a NetworkPolicy peer that admits whole namespaces',
    why: 'A `namespaceSelector` without a `podSelector` admits every pod of the selected namespaces (all of kube-system, say). Add a podSelector for the pods meant, such as the ingress controller.',
  },
  'ignore-check': {
    severity: 'error',
    group: 'input',
    title: 'a waiver without a reason, or for a rule that does not exist',
    why: 'A waiver is `ignore-check.bluegreen.dev/<rule>: <reason>` on the object: the reason is what the next reader needs, and a misspelled rule would waive nothing. Give the reason as the value and use a rule id from this catalogue.',
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof CATALOGUE;

export const RULE_CATALOGUE: Readonly<Record<RuleId, Rule>> = CATALOGUE;

/** Every rule id, in catalogue order. */
export const RULES = Object.keys(CATALOGUE) as RuleId[];

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(CATALOGUE, id);
}
