/**
 * Negative tests: each case breaks the real deploy/ in one way and expects the finding that names the file,
 * the object and the field. Together with the positive test (zero findings on the real files), this shows
 * every rule both passes good manifests and rejects the mistake it exists for.
 */
import { describe, expect, it } from 'vitest';
import {
  type Finding,
  type ManifestSet,
  RULES,
  checkManifests,
  formatFinding,
  parseManifestText,
} from '../../check/index.js';
import {
  APP_CONTAINER as C,
  deleteAt,
  envPath,
  getAt,
  manifest,
  realSet,
  setAt,
  useRealContract,
} from '../helpers/manifest-edits.js';

const contract = useRealContract();

const APP = '20-app-deployment.yaml';
const SERVICE = '21-app-service.yaml';
const PDB = '22-app-pdb.yaml';
const NETPOL = '23-app-networkpolicy.yaml';
const DASHBOARD = '30-dashboard-deployment.yaml';
const INGRESS = '40-ingress.yaml';
const RBAC = '29-dashboard-rbac.yaml';

/** The dashboard's Role: the second document of its file. */
function role(set: ManifestSet): Record<string, unknown> {
  return set.manifests.find((m) => m.file.endsWith(`/${RBAC}`) && m.obj['kind'] === 'Role')!.obj;
}
const POD = 'spec.template.spec';
const ANNOTATIONS = ['spec', 'template', 'metadata', 'annotations'];

interface Case {
  name: string;
  file: string;
  edit: (set: ManifestSet, obj: Record<string, unknown>) => void;
  rule: (typeof RULES)[number];
  object: string;
  path: string | ((set: ManifestSet) => string);
}

const env = (name: string, value: unknown) => (set: ManifestSet) =>
  setAt(manifest(set, APP).obj, `${envPath(manifest(set, APP), name)}.value`, value);

const cases: Case[] = [
  // Type meta and schema
  {
    name: 'missing apiVersion',
    file: APP,
    edit: (_, o) => delete o['apiVersion'],
    rule: 'type-meta',
    object: 'Deployment/bluegreen/app',
    path: 'apiVersion',
  },
  {
    name: 'missing kind',
    file: SERVICE,
    edit: (_, o) => delete o['kind'],
    rule: 'type-meta',
    object: 'document 1',
    path: 'kind',
  },
  {
    name: 'removed apiVersion',
    file: INGRESS,
    edit: (_, o) => setAt(o, 'apiVersion', 'extensions/v1beta1'),
    rule: 'type-meta',
    object: 'Ingress/bluegreen/bluegreen',
    path: 'apiVersion',
  },
  {
    name: 'unknown kind',
    file: PDB,
    edit: (_, o) => setAt(o, 'kind', 'DisruptionBudget'),
    rule: 'type-meta',
    object: 'DisruptionBudget/bluegreen/app',
    path: 'kind',
  },
  {
    name: 'kind in the wrong group',
    file: APP,
    edit: (_, o) => setAt(o, 'apiVersion', 'v1'),
    rule: 'type-meta',
    object: 'Deployment/bluegreen/app',
    path: 'apiVersion',
  },
  {
    name: 'wrong type',
    file: APP,
    edit: (_, o) => setAt(o, 'spec.replicas', 'four'),
    rule: 'schema',
    object: 'Deployment/bluegreen/app',
    path: 'spec.replicas',
  },
  {
    name: 'missing required field',
    file: APP,
    edit: (_, o) => deleteAt(o, `${C}.name`),
    rule: 'schema',
    object: 'Deployment/bluegreen/app',
    path: `${C}.name`,
  },
  {
    name: 'malformed quantity',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.resources.limits.memory`, '256MB'),
    rule: 'schema',
    object: 'Deployment/bluegreen/app',
    path: `${C}.resources.limits.memory`,
  },
  {
    name: 'bad enum',
    file: SERVICE,
    edit: (_, o) => setAt(o, 'spec.type', 'Internal'),
    rule: 'schema',
    object: 'Service/bluegreen/app',
    path: 'spec.type',
  },
  {
    name: 'misspelled readinessProbe',
    file: APP,
    edit: (_, o) => {
      setAt(o, `${C}.readinesProbe`, getAt(o, `${C}.readinessProbe`));
      deleteAt(o, `${C}.readinessProbe`);
    },
    rule: 'unknown-field',
    object: 'Deployment/bluegreen/app',
    path: `${C}.readinesProbe`,
  },
  {
    name: 'legacy Ingress serviceName',
    file: INGRESS,
    edit: (_, o) => setAt(o, 'spec.rules[0].http.paths[1].backend.serviceName', 'app'),
    rule: 'unknown-field',
    object: 'Ingress/bluegreen/bluegreen',
    path: 'spec.rules[0].http.paths[1].backend.serviceName',
  },
  {
    name: 'unknown field deep in a pod',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.securityContext.readOnlyRootFilesytem`, true),
    rule: 'unknown-field',
    object: 'Deployment/bluegreen/app',
    path: `${C}.securityContext.readOnlyRootFilesytem`,
  },
  // Wiring
  {
    name: 'selector does not match template',
    file: APP,
    edit: (_, o) => setAt(o, ['spec', 'selector', 'matchLabels', 'app.kubernetes.io/component'], 'web'),
    rule: 'selector',
    object: 'Deployment/bluegreen/app',
    path: 'spec.selector',
  },
  {
    name: 'Service selects no pods',
    file: SERVICE,
    edit: (_, o) => setAt(o, ['spec', 'selector', 'app.kubernetes.io/component'], 'api'),
    rule: 'service-selector',
    object: 'Service/bluegreen/app',
    path: 'spec.selector',
  },
  {
    name: 'Service targetPort not declared',
    file: SERVICE,
    edit: (_, o) => setAt(o, 'spec.ports[0].targetPort', 'htp'),
    rule: 'service-port',
    object: 'Service/bluegreen/app',
    path: 'spec.ports[0].targetPort',
  },
  {
    name: 'probe port not declared',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.livenessProbe.httpGet.port`, 8081),
    rule: 'probe-port',
    object: 'Deployment/bluegreen/app',
    path: `${C}.livenessProbe.httpGet.port`,
  },
  {
    name: 'Ingress to a missing Service',
    file: INGRESS,
    edit: (_, o) => setAt(o, 'spec.rules[0].http.paths[0].backend.service.name', 'dash'),
    rule: 'ingress-backend',
    object: 'Ingress/bluegreen/bluegreen',
    path: 'spec.rules[0].http.paths[0].backend.service.name',
  },
  {
    name: 'Ingress to a missing Service port',
    file: INGRESS,
    edit: (_, o) => setAt(o, 'spec.rules[0].http.paths[1].backend.service.port', { number: 8080 }),
    rule: 'ingress-backend',
    object: 'Ingress/bluegreen/bluegreen',
    path: 'spec.rules[0].http.paths[1].backend.service.port',
  },
  {
    name: 'Ingress host without TLS',
    file: INGRESS,
    edit: (_, o) => setAt(o, 'spec.rules[0].host', 'app.example.com'),
    rule: 'ingress-tls',
    object: 'Ingress/bluegreen/bluegreen',
    path: 'spec.tls',
  },
  {
    name: 'PDB that blocks drains',
    file: PDB,
    edit: (_, o) => {
      deleteAt(o, 'spec.maxUnavailable');
      setAt(o, 'spec.minAvailable', '100%');
    },
    rule: 'pdb-allows-disruption',
    object: 'PodDisruptionBudget/bluegreen/app',
    path: 'spec.minAvailable',
  },
  {
    name: 'PDB selecting nothing',
    file: PDB,
    edit: (_, o) => setAt(o, ['spec', 'selector', 'matchLabels', 'app.kubernetes.io/name'], 'other'),
    rule: 'pdb-selector',
    object: 'PodDisruptionBudget/bluegreen/app',
    path: 'spec.selector',
  },
  {
    name: 'NetworkPolicy selecting nothing',
    file: NETPOL,
    edit: (_, o) => setAt(o, ['spec', 'podSelector', 'matchLabels', 'app.kubernetes.io/component'], 'ap'),
    rule: 'networkpolicy-selector',
    object: 'NetworkPolicy/bluegreen/app',
    path: 'spec.podSelector',
  },
  {
    name: 'NetworkPolicy admitting no dashboard pod',
    file: NETPOL,
    edit: (_, o) =>
      setAt(
        o,
        ['spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchLabels', 'app.kubernetes.io/component'],
        'dashbaord',
      ),
    rule: 'networkpolicy-selector',
    object: 'NetworkPolicy/bluegreen/app',
    path: 'spec.ingress[0].from[0].podSelector',
  },
  {
    name: 'NetworkPolicy port not declared',
    file: NETPOL,
    edit: (_, o) => setAt(o, 'spec.ingress[0].ports[0].port', 80),
    rule: 'networkpolicy-port',
    object: 'NetworkPolicy/bluegreen/app',
    path: 'spec.ingress[0].ports[0].port',
  },
  {
    name: 'dashboard egress to no app pod',
    file: '32-dashboard-networkpolicy.yaml',
    edit: (_, o) =>
      setAt(
        o,
        ['spec', 'egress', 1, 'to', 0, 'podSelector', 'matchLabels', 'app.kubernetes.io/component'],
        'api',
      ),
    rule: 'networkpolicy-selector',
    object: 'NetworkPolicy/bluegreen/dashboard',
    path: 'spec.egress[1].to[0].podSelector',
  },
  {
    name: 'dashboard egress on a port the app does not declare',
    file: '32-dashboard-networkpolicy.yaml',
    edit: (_, o) => setAt(o, 'spec.egress[1].ports[0].port', 'web'),
    rule: 'networkpolicy-port',
    object: 'NetworkPolicy/bluegreen/dashboard',
    path: 'spec.egress[1].ports[0].port',
  },
  {
    name: 'object in the default namespace',
    file: SERVICE,
    edit: (_, o) => setAt(o, 'metadata.namespace', 'default'),
    rule: 'namespace',
    object: 'Service/default/app',
    path: 'metadata.namespace',
  },
  {
    name: 'object without a namespace',
    file: APP,
    edit: (_, o) => deleteAt(o, 'metadata.namespace'),
    rule: 'namespace',
    object: 'Deployment/app',
    path: 'metadata.namespace',
  },
  {
    name: 'Namespace applied last',
    file: SERVICE,
    edit: (set) => {
      const ns = set.manifests.shift()!;
      set.manifests.push({ ...ns, file: 'deploy/99-namespace.yaml' });
    },
    rule: 'namespace',
    object: 'Service/bluegreen/app',
    path: 'metadata.namespace',
  },
  {
    name: 'duplicate object',
    file: SERVICE,
    edit: (set) => set.manifests.push({ ...structuredClone(manifest(set, SERVICE)), doc: 2 }),
    rule: 'duplicate',
    object: 'Service/bluegreen/app',
    path: 'metadata.name',
  },
  // Contract with the server and the loadtester
  {
    name: 'env the server does not read',
    file: APP,
    edit: (set) => setAt(manifest(set, APP).obj, `${envPath(manifest(set, APP), 'COLOR')}.name`, 'COLOUR'),
    rule: 'env-name',
    object: 'Deployment/bluegreen/app',
    path: (set) => `${envPath(manifest(set, APP), 'COLOUR')}.name`,
  },
  {
    name: 'env value the server rejects',
    file: APP,
    edit: env('START_DELAY_SECONDS', 'soon'),
    rule: 'env-value',
    object: 'Deployment/bluegreen/app',
    path: (set) => `${envPath(manifest(set, APP), 'START_DELAY_SECONDS')}.value`,
  },
  {
    name: 'downward API from the wrong field',
    file: APP,
    edit: (set) =>
      setAt(
        manifest(set, APP).obj,
        `${envPath(manifest(set, APP), 'POD_IP')}.valueFrom.fieldRef.fieldPath`,
        'status.hostIP',
      ),
    rule: 'downward-api',
    object: 'Deployment/bluegreen/app',
    path: (set) => `${envPath(manifest(set, APP), 'POD_IP')}.valueFrom.fieldRef.fieldPath`,
  },
  {
    name: 'downward API variable missing',
    file: APP,
    edit: (set) => deleteAt(manifest(set, APP).obj, envPath(manifest(set, APP), 'NODE_NAME')),
    rule: 'downward-api',
    object: 'Deployment/bluegreen/app',
    path: `${C}.env`,
  },
  {
    name: 'grace period shorter than the shutdown',
    file: APP,
    edit: (_, o) => setAt(o, `${POD}.terminationGracePeriodSeconds`, 20),
    rule: 'drain-grace',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.terminationGracePeriodSeconds`,
  },
  {
    name: 'drain not below the shutdown timeout',
    file: APP,
    edit: env('DRAIN_SECONDS', '20'),
    rule: 'drain-grace',
    object: 'Deployment/bluegreen/app',
    path: `${C}.env`,
  },
  {
    name: 'longest request does not fit the shutdown',
    file: APP,
    edit: env('MAX_DELAY_MS', '30000'),
    rule: 'drain-grace',
    object: 'Deployment/bluegreen/app',
    path: `${C}.env`,
  },
  {
    name: 'PORT differs from the containerPort',
    file: APP,
    edit: (_, o) => (getAt(o, `${C}.env`) as unknown[]).push({ name: 'PORT', value: '9090' }),
    rule: 'app-port',
    object: 'Deployment/bluegreen/app',
    path: `${C}.ports`,
  },
  {
    name: 'probe path the server lacks',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.livenessProbe.httpGet.path`, '/health'),
    rule: 'probe-path',
    object: 'Deployment/bluegreen/app',
    path: `${C}.livenessProbe.httpGet.path`,
  },
  {
    name: 'readiness on the liveness path',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.readinessProbe.httpGet.path`, '/healthz'),
    rule: 'probe-path',
    object: 'Deployment/bluegreen/app',
    path: `${C}.readinessProbe.httpGet.path`,
  },
  {
    name: 'Prometheus port wrong',
    file: APP,
    edit: (_, o) => setAt(o, [...ANNOTATIONS, 'prometheus.io/port'], '9090'),
    rule: 'prometheus',
    object: 'Deployment/bluegreen/app',
    path: 'spec.template.metadata.annotations.prometheus.io/port',
  },
  {
    name: 'Prometheus path the server lacks',
    file: APP,
    edit: (_, o) => setAt(o, [...ANNOTATIONS, 'prometheus.io/path'], '/metric'),
    rule: 'prometheus',
    object: 'Deployment/bluegreen/app',
    path: 'spec.template.metadata.annotations.prometheus.io/path',
  },
  {
    name: 'load flag the CLI does not know',
    file: DASHBOARD,
    edit: (_, o) => (getAt(o, `${C}.args`) as string[]).push('--rat', '5'),
    rule: 'loadtester-args',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.args`,
  },
  {
    name: 'load without --serve',
    file: DASHBOARD,
    edit: (_, o) =>
      setAt(
        o,
        `${C}.args`,
        (getAt(o, `${C}.args`) as string[]).filter((a) => a !== '--serve'),
      ),
    rule: 'loadtester-args',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.args`,
  },
  {
    name: 'load target not a Service here',
    file: DASHBOARD,
    edit: (_, o) => setAt(o, `${C}.args[1]`, 'http://app.default.svc.cluster.local/'),
    rule: 'loadtester-target',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.args[1]`,
  },
  {
    name: 'load target port not on the Service',
    file: DASHBOARD,
    edit: (_, o) => setAt(o, `${C}.args[1]`, 'http://app.bluegreen.svc.cluster.local:8080/'),
    rule: 'loadtester-target',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.args[1]`,
  },
  {
    name: 'dashboard UI port not declared',
    file: DASHBOARD,
    edit: (_, o) =>
      setAt(
        o,
        `${C}.args`,
        (getAt(o, `${C}.args`) as string[]).map((a) => (a === '8090' ? '9000' : a)),
      ),
    rule: 'loadtester-ui',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.ports`,
  },
  {
    name: 'image tagged latest',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.image`, 'ghcr.io/bluegreen-dev/bluegreen:latest'),
    rule: 'image',
    object: 'Deployment/bluegreen/app',
    path: `${C}.image`,
  },
  {
    name: 'image without a tag',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.image`, 'ghcr.io/bluegreen-dev/bluegreen'),
    rule: 'image',
    object: 'Deployment/bluegreen/app',
    path: `${C}.image`,
  },
  {
    name: 'a second image reference',
    file: DASHBOARD,
    edit: (_, o) => setAt(o, `${C}.image`, 'docker.io/bluegreen/bluegreen:0.1.0'),
    rule: 'image',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.image`,
  },
  {
    name: 'imagePullPolicy Always',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.imagePullPolicy`, 'Always'),
    rule: 'image',
    object: 'Deployment/bluegreen/app',
    path: `${C}.imagePullPolicy`,
  },
  {
    name: 'version label not the package version',
    file: SERVICE,
    edit: (_, o) => setAt(o, ['metadata', 'labels', 'app.kubernetes.io/version'], '0.0.9'),
    rule: 'labels',
    object: 'Service/bluegreen/app',
    path: 'metadata.labels.app.kubernetes.io/version',
  },
  // Hardening
  {
    name: 'a recommended label missing',
    file: INGRESS,
    edit: (_, o) => deleteAt(o, ['metadata', 'labels', 'app.kubernetes.io/part-of']),
    rule: 'labels',
    object: 'Ingress/bluegreen/bluegreen',
    path: 'metadata.labels',
  },
  {
    name: 'no readiness probe',
    file: DASHBOARD,
    edit: (_, o) => deleteAt(o, `${C}.readinessProbe`),
    rule: 'probes',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.readinessProbe`,
  },
  {
    name: 'liveness same as readiness',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.livenessProbe.httpGet`, getAt(o, `${C}.readinessProbe.httpGet`)),
    rule: 'liveness',
    object: 'Deployment/bluegreen/app',
    path: `${C}.livenessProbe`,
  },
  {
    name: 'no memory limit',
    file: APP,
    edit: (_, o) => deleteAt(o, `${C}.resources.limits.memory`),
    rule: 'resources',
    object: 'Deployment/bluegreen/app',
    path: `${C}.resources.limits.memory`,
  },
  {
    name: 'low UID',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.securityContext.runAsUser`, 1000),
    rule: 'security-context',
    object: 'Deployment/bluegreen/app',
    path: `${C}.securityContext.runAsUser`,
  },
  {
    name: 'privilege escalation allowed',
    file: DASHBOARD,
    edit: (_, o) => deleteAt(o, `${C}.securityContext.allowPrivilegeEscalation`),
    rule: 'security-context',
    object: 'Deployment/bluegreen/dashboard',
    path: `${C}.securityContext.allowPrivilegeEscalation`,
  },
  {
    name: 'writable root filesystem',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.securityContext.readOnlyRootFilesystem`, false),
    rule: 'security-context',
    object: 'Deployment/bluegreen/app',
    path: `${C}.securityContext.readOnlyRootFilesystem`,
  },
  {
    name: 'capabilities not dropped',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.securityContext.capabilities.drop`, ['NET_RAW']),
    rule: 'security-context',
    object: 'Deployment/bluegreen/app',
    path: `${C}.securityContext.capabilities.drop`,
  },
  {
    name: 'no seccomp profile',
    file: APP,
    edit: (_, o) => {
      deleteAt(o, `${C}.securityContext.seccompProfile`);
      deleteAt(o, `${POD}.securityContext.seccompProfile`);
    },
    rule: 'security-context',
    object: 'Deployment/bluegreen/app',
    path: `${C}.securityContext.seccompProfile.type`,
  },
  {
    name: 'running as root allowed',
    file: APP,
    edit: (_, o) => {
      deleteAt(o, `${C}.securityContext.runAsNonRoot`);
      deleteAt(o, `${POD}.securityContext.runAsNonRoot`);
    },
    rule: 'security-context',
    object: 'Deployment/bluegreen/app',
    path: `${C}.securityContext.runAsNonRoot`,
  },
  {
    name: 'read-only root without /tmp',
    file: APP,
    edit: (_, o) => deleteAt(o, `${C}.volumeMounts[0]`),
    rule: 'security-context',
    object: 'Deployment/bluegreen/app',
    path: `${C}.volumeMounts`,
  },
  {
    name: 'service account token mounted',
    file: APP,
    edit: (_, o) => deleteAt(o, `${POD}.automountServiceAccountToken`),
    rule: 'service-account-token',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.automountServiceAccountToken`,
  },
  {
    name: 'host network',
    file: APP,
    edit: (_, o) => setAt(o, `${POD}.hostNetwork`, true),
    rule: 'host-access',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.hostNetwork`,
  },
  {
    name: 'host port',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.ports[0].hostPort`, 8080),
    rule: 'host-access',
    object: 'Deployment/bluegreen/app',
    path: `${C}.ports[0].hostPort`,
  },
  {
    name: 'hostPath volume',
    file: APP,
    edit: (_, o) => setAt(o, `${POD}.volumes[0]`, { name: 'tmp', hostPath: { path: '/tmp' } }),
    rule: 'host-access',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.volumes[0].hostPath`,
  },
  {
    name: 'required topology spread',
    file: APP,
    edit: (_, o) => setAt(o, `${POD}.topologySpreadConstraints[0].whenUnsatisfiable`, 'DoNotSchedule'),
    rule: 'topology-spread',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.topologySpreadConstraints[0].whenUnsatisfiable`,
  },
  {
    name: 'no topology spread',
    file: APP,
    edit: (_, o) => deleteAt(o, `${POD}.topologySpreadConstraints`),
    rule: 'topology-spread',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.topologySpreadConstraints`,
  },
  {
    name: 'topology spread selecting other pods',
    file: APP,
    edit: (_, o) =>
      setAt(
        o,
        [
          ...keysOf(`${POD}.topologySpreadConstraints`),
          0,
          'labelSelector',
          'matchLabels',
          'app.kubernetes.io/component',
        ],
        'dashboard',
      ),
    rule: 'topology-spread',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.topologySpreadConstraints[0].labelSelector`,
  },
  {
    name: 'one replica',
    file: APP,
    edit: (_, o) => setAt(o, 'spec.replicas', 1),
    rule: 'min-replicas',
    object: 'Deployment/bluegreen/app',
    path: 'spec.replicas',
  },
  {
    name: 'no PodDisruptionBudget',
    file: APP,
    edit: (set) =>
      set.manifests.splice(
        set.manifests.findIndex((m) => m.obj['kind'] === 'PodDisruptionBudget'),
        1,
      ),
    rule: 'pdb',
    object: 'Deployment/bluegreen/app',
    path: 'metadata.name',
  },
  {
    name: 'Recreate strategy',
    file: APP,
    edit: (_, o) => setAt(o, 'spec.strategy', { type: 'Recreate' }),
    rule: 'rolling-update',
    object: 'Deployment/bluegreen/app',
    path: 'spec.strategy.type',
  },
  {
    name: 'rolling update that drops pods',
    file: APP,
    edit: (_, o) => setAt(o, 'spec.strategy.rollingUpdate.maxUnavailable', '25%'),
    rule: 'max-unavailable',
    object: 'Deployment/bluegreen/app',
    path: 'spec.strategy.rollingUpdate.maxUnavailable',
  },
  {
    name: 'no minReadySeconds with a start delay',
    file: APP,
    edit: (_, o) => deleteAt(o, 'spec.minReadySeconds'),
    rule: 'min-ready-seconds',
    object: 'Deployment/bluegreen/app',
    path: 'spec.minReadySeconds',
  },
  {
    name: 'rolling update that takes every pod',
    file: APP,
    edit: (_, o) => setAt(o, 'spec.strategy.rollingUpdate.maxUnavailable', '100%'),
    rule: 'rolling-update',
    object: 'Deployment/bluegreen/app',
    path: 'spec.strategy.rollingUpdate.maxUnavailable',
  },
  {
    name: 'no drain behind a Service',
    file: APP,
    edit: env('DRAIN_SECONDS', '0'),
    rule: 'drain',
    object: 'Deployment/bluegreen/app',
    path: `${C}.lifecycle.preStop`,
  },
  {
    name: 'preStop sleep that does not fit the grace period',
    file: APP,
    edit: (_, o) => setAt(o, `${C}.lifecycle`, { preStop: { sleep: { seconds: 10 } } }),
    rule: 'drain-grace',
    object: 'Deployment/bluegreen/app',
    path: `${POD}.terminationGracePeriodSeconds`,
  },
  {
    name: 'a second Deployment of another version behind the Service',
    file: SERVICE,
    edit: (set) => {
      const copy = structuredClone(manifest(set, APP));
      setAt(copy.obj, 'metadata.name', 'app-next');
      setAt(copy.obj, `${C}.env[1].value`, 'v2');
      set.manifests.push(copy);
    },
    rule: 'mixed-versions',
    object: 'Service/bluegreen/app',
    path: 'spec.selector',
  },
  {
    name: 'pods without a NetworkPolicy',
    file: DASHBOARD,
    edit: (set) =>
      set.manifests.splice(
        set.manifests.findIndex((m) => m.file.endsWith('32-dashboard-networkpolicy.yaml')),
        1,
      ),
    rule: 'networkpolicy',
    object: 'Deployment/bluegreen/dashboard',
    path: 'spec.template.metadata.labels',
  },
  {
    name: 'pods whose outgoing traffic is not limited',
    file: APP,
    edit: (set) => {
      const policy = set.manifests.find((m) => m.file.endsWith(NETPOL))!.obj;
      setAt(policy, 'spec.policyTypes', ['Ingress']);
      deleteAt(policy, 'spec.egress');
    },
    rule: 'networkpolicy-egress',
    object: 'Deployment/bluegreen/app',
    path: 'spec.template.metadata.labels',
  },
  {
    name: 'a peer admitting a whole namespace',
    file: NETPOL,
    edit: (_, o) => deleteAt(o, 'spec.ingress[0].from[2].podSelector'),
    rule: 'networkpolicy-namespace-wide',
    object: 'NetworkPolicy/bluegreen/app',
    path: 'spec.ingress[0].from[2].namespaceSelector',
  },
  // Waivers
  {
    name: 'waiver for an unknown rule',
    file: DASHBOARD,
    edit: (_, o) => setAt(o, ['metadata', 'annotations', 'ignore-check.bluegreen.dev/replicas'], 'typo'),
    rule: 'ignore-check',
    object: 'Deployment/bluegreen/dashboard',
    path: 'metadata.annotations.ignore-check.bluegreen.dev/replicas',
  },
  {
    name: 'waiver without a reason',
    file: DASHBOARD,
    edit: (_, o) => setAt(o, ['metadata', 'annotations', 'ignore-check.bluegreen.dev/min-replicas'], ' '),
    rule: 'ignore-check',
    object: 'Deployment/bluegreen/dashboard',
    path: 'metadata.annotations.ignore-check.bluegreen.dev/min-replicas',
  },
  {
    name: 'Role that writes',
    file: RBAC,
    edit: (set) => setAt(role(set), 'rules[0].verbs', ['get', 'list', 'watch', 'delete']),
    rule: 'rbac-beyond-read',
    object: 'Role/bluegreen/dashboard-watch',
    path: 'rules[0].verbs',
  },
  {
    name: 'Role reading Secrets',
    file: RBAC,
    edit: (set) => setAt(role(set), 'rules[0].resources', ['pods', 'events', 'secrets']),
    rule: 'rbac-beyond-read',
    object: 'Role/bluegreen/dashboard-watch',
    path: 'rules[0].resources',
  },
  {
    name: 'Role with a wildcard',
    file: RBAC,
    edit: (set) => setAt(role(set), 'rules[1].resources', ['*']),
    rule: 'rbac-beyond-read',
    object: 'Role/bluegreen/dashboard-watch',
    path: 'rules[1].resources',
  },
  {
    name: 'removed waiver',
    file: DASHBOARD,
    edit: (_, o) => deleteAt(o, 'metadata.annotations'),
    rule: 'min-replicas',
    object: 'Deployment/bluegreen/dashboard',
    path: 'spec.replicas',
  },
];

function keysOf(path: string): string[] {
  return path.split('.');
}

async function run(c: Case): Promise<{ findings: Finding[]; set: ManifestSet }> {
  const set = realSet();
  c.edit(set, manifest(set, c.file).obj);
  return { findings: await checkManifests(set, contract()), set };
}

describe('each kind of mistake is rejected, naming file, object and field', () => {
  it.each(cases)('$name', async (c) => {
    const { findings, set } = await run(c);
    const path = typeof c.path === 'function' ? c.path(set) : c.path;
    const expected = { rule: c.rule, file: `deploy/${c.file}`, object: c.object, path };
    expect(
      findings.map((f) => ({ rule: f.rule, file: f.file, object: f.object, path: f.path })),
    ).toContainEqual(expected);
    const finding = findings.find((f) => f.rule === c.rule && f.path === path && f.file === expected.file)!;
    expect(formatFinding(finding)).toContain(`deploy/${c.file}: ${c.object}: ${path}: `);
  });

  it('covers every rule that can fire on deploy/', () => {
    // custom-resource and the httproute rules: deploy/ has no custom resources or routes (see the examples
    // test and test/deploy/gateway-api.test.ts).
    const tested = new Set<string>([
      ...cases.map((c) => c.rule),
      'yaml',
      'custom-resource',
      'httproute-backend',
      'httproute-weights',
      'httproute-parent',
    ]);
    expect(RULES.filter((r) => !tested.has(r))).toEqual([]);
  });
});

describe('YAML', () => {
  it('reports a syntax error with file and line', () => {
    const { findings } = parseManifestText('deploy/50-broken.yaml', 'kind: Service\nmetadata: [\nname: x\n');
    expect(findings).toHaveLength(1);
    expect(formatFinding(findings[0]!)).toMatch(/^deploy\/50-broken\.yaml: document 1: .*line \d+/);
  });

  it('reports a duplicate key, which YAML would otherwise resolve silently', () => {
    const { findings } = parseManifestText(
      'deploy/50-dup.yaml',
      '---\nkind: Service\n---\nkind: A\nkind: B\n',
    );
    expect(findings.map(formatFinding)).toEqual([
      expect.stringMatching(/^deploy\/50-dup\.yaml: document 2: .*unique/),
    ]);
  });

  it('reports a document that is not a mapping, and skips empty documents', () => {
    const { findings, manifests } = parseManifestText('deploy/50-list.yaml', '---\n---\n- a\n- b\n');
    expect(manifests).toEqual([]);
    expect(findings.map(formatFinding)).toEqual([
      'deploy/50-list.yaml: document 2: document is not a mapping (object) [yaml]',
    ]);
  });
});

describe('the variants are held to the same rules', () => {
  it('blue-green: a Service selecting a track no Deployment has', async () => {
    const set = realSet('blue-green');
    setAt(manifest(set, '22-app-service.yaml').obj, ['spec', 'selector', 'bluegreen.dev/track'], 'purple');
    expect((await checkManifests(set, contract())).map(formatFinding)).toContain(
      'deploy/blue-green/22-app-service.yaml: Service/bluegreen/app: spec.selector: selects no pod template in these files [service-selector]',
    );
  });

  it('canary: the one-pod canary needs its waiver', async () => {
    const set = realSet('canary');
    deleteAt(manifest(set, '21-app-canary-deployment.yaml').obj, 'metadata.annotations');
    const findings = (await checkManifests(set, contract())).filter((f) => f.severity !== 'info');
    expect(findings.map((f) => `${f.file} ${f.object} ${f.path} ${f.rule}`)).toEqual([
      'deploy/canary/21-app-canary-deployment.yaml Deployment/bluegreen/app-canary spec.replicas min-replicas',
    ]);
  });
});
