/**
 * A bad and a good example for every rule: docs/check.md shows them, and test/check/examples.test.ts checks
 * that each bad one raises its rule and each good one does not. Most are a change to a small, clean set of
 * manifests (WEB_EXAMPLE) or to bluegreen's own deploy/; the rest are whole documents.
 */
import type { RuleId } from './rules.js';

/** A change to one object of a base set: `bad` and `good` are merged at `at` (null removes a field). */
export interface Change {
  base: 'web' | 'deploy' | 'deploy/canary';
  /** `Kind/namespace/name` of the object changed. */
  object: string;
  /** Field path of the fragment ('' for the object itself). */
  at: string;
  bad: Record<string, unknown>;
  good: Record<string, unknown>;
  /** The object the finding names, when not the one changed (a missing budget is the Deployment's). */
  on?: string;
}

/** A namespaced, read-only Role for a pod that watches its neighbours. */
const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: watcher
  namespace: shop
rules:
  - apiGroups: ['']
    resources: [pods]
    verbs: [get, list, watch]
`;

/** Whole documents, for what a change to a valid set cannot show. */
export interface Documents {
  bad: string;
  good: string;
}

export type Example = Change | Documents;

/** A small shop front without errors or warnings (for information: only the pods carry labels). */
export const WEB_EXAMPLE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  minReadySeconds: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  selector:
    matchLabels: { app.kubernetes.io/name: web, app.kubernetes.io/instance: web }
  template:
    metadata:
      labels: { app.kubernetes.io/name: web, app.kubernetes.io/instance: web }
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: { type: RuntimeDefault }
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: { app.kubernetes.io/name: web, app.kubernetes.io/instance: web }
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2
          ports:
            - { name: http, containerPort: 8080 }
          startupProbe:
            httpGet: { path: /ready, port: http }
            failureThreshold: 30
          readinessProbe:
            httpGet: { path: /ready, port: http }
          livenessProbe:
            httpGet: { path: /live, port: http }
          lifecycle:
            preStop:
              sleep: { seconds: 5 }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
      volumes:
        - { name: tmp, emptyDir: {} }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app.kubernetes.io/name: web, app.kubernetes.io/instance: web }
  ports:
    - { name: http, port: 80, targetPort: http }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app.kubernetes.io/name: web, app.kubernetes.io/instance: web }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: { app.kubernetes.io/name: web, app.kubernetes.io/instance: web }
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: { kubernetes.io/metadata.name: ingress-nginx }
          podSelector:
            matchLabels: { app.kubernetes.io/name: ingress-nginx }
      ports:
        - { port: http }
  egress:
    - to:
        - namespaceSelector: {}
          podSelector:
            matchLabels: { k8s-app: kube-dns }
      ports:
        - { port: 53, protocol: UDP }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: { name: web, port: { name: http } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gateway
  namespace: shop
spec:
  gatewayClassName: example
  listeners:
    - { name: http, protocol: HTTP, port: 80 }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
spec:
  parentRefs:
    - { name: gateway }
  rules:
    - backendRefs:
        - { name: web, port: 80 }
`;

const DEPLOYMENT = 'Deployment/shop/web';
const CONTAINER = 'spec.template.spec.containers[0]';
const POD = 'spec.template.spec';
const APP = 'Deployment/bluegreen/app';
const DASHBOARD = 'Deployment/bluegreen/dashboard';
const web = (
  object: string,
  at: string,
  bad: Record<string, unknown>,
  good: Record<string, unknown>,
): Change => ({
  base: 'web',
  object,
  at,
  bad,
  good,
});
const app = (
  at: string,
  bad: Record<string, unknown>,
  good: Record<string, unknown>,
  object = APP,
): Change => ({
  base: 'deploy',
  object,
  at,
  bad,
  good,
});
const HOST_RULES = [
  {
    host: 'shop.example.com',
    http: {
      paths: [
        { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } },
      ],
    },
  },
];
const probe = (path: string) => ({ httpGet: { path, port: 'http' } });
/** The app container's env in deploy/: COLOR, APP_VERSION, START_DELAY_SECONDS, …, POD_NAME (8). */
const APP_ENV = (i: number) => `${CONTAINER}.env[${i}]`;

export const EXAMPLES: Record<RuleId, Example> = {
  yaml: {
    bad: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: [fast\n',
    good: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n',
  },
  'type-meta': {
    bad: 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n',
    good: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n',
  },
  'custom-resource': {
    bad: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n',
    good: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-tls\ntype: kubernetes.io/tls\n',
  },
  schema: {
    bad: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  replicas: 3\n',
    good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  replicas: '3'\n",
  },
  'unknown-field': web(
    DEPLOYMENT,
    CONTAINER,
    { readinessProbe: null, readinesProbe: probe('/ready') },
    { readinessProbe: probe('/ready') },
  ),
  namespace: {
    ...web('Service/shop/web', 'metadata', { namespace: 'default' }, { namespace: 'shop' }),
    on: 'Service/default/web',
  },
  duplicate: {
    bad: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
    good: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-extra\n',
  },
  selector: web(
    DEPLOYMENT,
    'spec.selector.matchLabels',
    { 'app.kubernetes.io/component': 'frontend' },
    { 'app.kubernetes.io/name': 'web' },
  ),
  'service-selector': web(
    'Service/shop/web',
    'spec.selector',
    { 'app.kubernetes.io/name': 'webshop' },
    { 'app.kubernetes.io/name': 'web' },
  ),
  'service-port': web(
    'Service/shop/web',
    'spec',
    { ports: [{ name: 'http', port: 80, targetPort: 'htp' }] },
    { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  ),
  'probe-port': web(
    DEPLOYMENT,
    CONTAINER,
    { livenessProbe: { httpGet: { path: '/live', port: 'metrics' } } },
    { livenessProbe: probe('/live') },
  ),
  'ingress-backend': web(
    'Ingress/shop/web',
    'spec.rules[0].http.paths[0].backend.service',
    { port: { name: null, number: 8080 } },
    { port: { name: 'http' } },
  ),
  'httproute-backend': web(
    'HTTPRoute/shop/web',
    'spec.rules[0]',
    { backendRefs: [{ name: 'web', port: 8080 }] },
    { backendRefs: [{ name: 'web', port: 80 }] },
  ),
  'httproute-weights': web(
    'HTTPRoute/shop/web',
    'spec.rules[0]',
    { backendRefs: [{ name: 'web', port: 80, weight: 0 }] },
    { backendRefs: [{ name: 'web', port: 80, weight: 1 }] },
  ),
  'httproute-parent': web(
    'HTTPRoute/shop/web',
    'spec',
    { parentRefs: [{ name: 'gateway', sectionName: 'https' }] },
    { parentRefs: [{ name: 'gateway', sectionName: 'http' }] },
  ),
  'ingress-tls': web(
    'Ingress/shop/web',
    'spec',
    { rules: HOST_RULES },
    { rules: HOST_RULES, tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }] },
  ),
  'pdb-selector': web(
    'PodDisruptionBudget/shop/web',
    'spec.selector.matchLabels',
    { 'app.kubernetes.io/name': 'webshop' },
    { 'app.kubernetes.io/name': 'web' },
  ),
  'pdb-allows-disruption': web(
    'PodDisruptionBudget/shop/web',
    'spec',
    { maxUnavailable: null, minAvailable: '100%' },
    { maxUnavailable: 1 },
  ),
  'networkpolicy-selector': web(
    'NetworkPolicy/shop/web',
    'spec.podSelector.matchLabels',
    { 'app.kubernetes.io/name': 'webshop' },
    { 'app.kubernetes.io/name': 'web' },
  ),
  'networkpolicy-port': web(
    'NetworkPolicy/shop/web',
    'spec.ingress[0]',
    { ports: [{ port: 'web' }] },
    { ports: [{ port: 'http' }] },
  ),
  probes: web(DEPLOYMENT, CONTAINER, { readinessProbe: null }, { readinessProbe: probe('/ready') }),
  liveness: web(DEPLOYMENT, CONTAINER, { livenessProbe: probe('/ready') }, { livenessProbe: probe('/live') }),
  'rolling-update': web(
    DEPLOYMENT,
    'spec',
    { strategy: { type: 'Recreate', rollingUpdate: null } },
    { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
  ),
  'max-unavailable': web(
    DEPLOYMENT,
    'spec.strategy.rollingUpdate',
    { maxSurge: 0, maxUnavailable: 1 },
    { maxSurge: 1, maxUnavailable: 0 },
  ),
  'min-ready-seconds': web(DEPLOYMENT, 'spec', { minReadySeconds: 0 }, { minReadySeconds: 5 }),
  drain: web(
    DEPLOYMENT,
    CONTAINER,
    { lifecycle: null },
    { lifecycle: { preStop: { sleep: { seconds: 5 } } } },
  ),
  'drain-grace': web(
    DEPLOYMENT,
    POD,
    { terminationGracePeriodSeconds: 5 },
    { terminationGracePeriodSeconds: 30 },
  ),
  image: web(
    DEPLOYMENT,
    CONTAINER,
    { image: 'registry.example.com/shop/web:latest' },
    { image: 'registry.example.com/shop/web:1.4.2' },
  ),
  'mixed-versions': {
    base: 'deploy/canary',
    object: 'Service/bluegreen/app',
    at: 'spec.selector',
    bad: { 'bluegreen.dev/track': null },
    good: { 'bluegreen.dev/track': 'stable' },
  },
  'min-replicas': web(DEPLOYMENT, 'spec', { replicas: 1 }, { replicas: 3 }),
  pdb: {
    ...web(
      'PodDisruptionBudget/shop/web',
      'spec.selector.matchLabels',
      { 'app.kubernetes.io/instance': 'web-old' },
      { 'app.kubernetes.io/instance': 'web' },
    ),
    on: DEPLOYMENT,
  },
  'env-name': app(APP_ENV(0), { name: 'COLOUR' }, { name: 'COLOR' }),
  'env-value': app(APP_ENV(2), { value: 'soon' }, { value: '3' }),
  'downward-api': app(
    APP_ENV(8),
    { valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } },
    { valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ),
  'app-port': app(`${CONTAINER}.ports[0]`, { containerPort: 8081 }, { containerPort: 8080 }),
  'probe-path': app(`${CONTAINER}.readinessProbe.httpGet`, { path: '/healthz' }, { path: '/readyz' }),
  prometheus: app(
    'spec.template.metadata.annotations',
    { 'prometheus.io/path': '/stats' },
    { 'prometheus.io/path': '/metrics' },
  ),
  'loadtester-args': app(
    `${CONTAINER}`,
    { args: ['load', 'http://app.bluegreen.svc.cluster.local/', '--ui', '8090'] },
    { args: ['load', 'http://app.bluegreen.svc.cluster.local/', '--serve', '--ui', '8090'] },
    DASHBOARD,
  ),
  'loadtester-target': app(
    `${CONTAINER}`,
    { args: ['load', 'http://app/', '--serve', '--ui', '8090'] },
    { args: ['load', 'http://app.bluegreen.svc.cluster.local/', '--serve', '--ui', '8090'] },
    DASHBOARD,
  ),
  'loadtester-ui': app(`${CONTAINER}.ports[0]`, { containerPort: 8091 }, { containerPort: 8090 }, DASHBOARD),
  labels: web(
    'Service/shop/web',
    'metadata',
    { labels: { app: 'web' } },
    {
      labels: {
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/instance': 'web',
        'app.kubernetes.io/version': '1.4.2',
        'app.kubernetes.io/component': 'frontend',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'kubectl',
      },
    },
  ),
  resources: web(
    DEPLOYMENT,
    `${CONTAINER}.resources`,
    { limits: null },
    { limits: { cpu: '500m', memory: '256Mi' } },
  ),
  'security-context': web(
    DEPLOYMENT,
    `${CONTAINER}.securityContext`,
    { allowPrivilegeEscalation: true },
    { allowPrivilegeEscalation: false },
  ),
  'host-access': web(DEPLOYMENT, POD, { hostNetwork: true }, { hostNetwork: false }),
  'service-account-token': web(
    DEPLOYMENT,
    POD,
    { automountServiceAccountToken: true },
    { automountServiceAccountToken: false },
  ),
  'rbac-beyond-read': {
    bad: ROLE.replace('verbs: [get, list, watch]', 'verbs: [get, list, watch, delete]'),
    good: ROLE,
  },
  'topology-spread': web(
    DEPLOYMENT,
    POD,
    { topologySpreadConstraints: null },
    {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
        },
      ],
    },
  ),
  networkpolicy: {
    ...web(
      'NetworkPolicy/shop/web',
      'spec.podSelector',
      { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/component': 'api' } },
      { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    ),
    on: DEPLOYMENT,
  },
  'networkpolicy-egress': {
    ...web(
      'NetworkPolicy/shop/web',
      'spec',
      { policyTypes: ['Ingress'], egress: null },
      { policyTypes: ['Ingress', 'Egress'] },
    ),
    on: DEPLOYMENT,
  },
  'networkpolicy-namespace-wide': web(
    'NetworkPolicy/shop/web',
    'spec.ingress[0]',
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] },
    {
      from: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        },
      ],
    },
  ),
  'ignore-check': web(
    DEPLOYMENT,
    'metadata',
    { annotations: { 'ignore-check.bluegreen.dev/pdb': '' } },
    { annotations: { 'ignore-check.bluegreen.dev/pdb': 'the budget lives in the platform repository' } },
  ),
};
