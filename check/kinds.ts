/**
 * The built-in kinds this check validates: every stable apiVersion/kind that kubernetes-models 4.x (the
 * Kubernetes 1.33 schema) has a model for. test/check/kinds.test.ts keeps this list equal to the package's.
 */
export const BUILT_IN_KINDS: Readonly<Record<string, readonly string[]>> = {
  'admissionregistration.k8s.io/v1': [
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'ValidatingWebhookConfiguration',
  ],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  'authorization.k8s.io/v1': [
    'LocalSubjectAccessReview',
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SubjectAccessReview',
  ],
  'autoscaling/v1': ['HorizontalPodAutoscaler', 'Scale'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'batch/v1': ['CronJob', 'Job'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['IPAddress', 'Ingress', 'IngressClass', 'NetworkPolicy', 'ServiceCIDR'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['Eviction', 'PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
  v1: [
    'Binding',
    'ComponentStatus',
    'ConfigMap',
    'Endpoints',
    'Event',
    'LimitRange',
    'Namespace',
    'Node',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
  ],
};

/**
 * The Gateway API kinds this check validates: every kind @kubernetes-models/gateway-api 0.5 (Gateway API
 * v1.0, the last line that runs on Node 20) has a model for. Kinds Gateway API added later (GRPCRoute in v1,
 * say) are read as custom resources. test/check/kinds.test.ts keeps this list equal to the package's.
 */
export const GATEWAY_API_KINDS: Readonly<Record<string, readonly string[]>> = {
  'gateway.networking.k8s.io/v1': ['Gateway', 'GatewayClass', 'HTTPRoute'],
  'gateway.networking.k8s.io/v1beta1': ['Gateway', 'GatewayClass', 'HTTPRoute', 'ReferenceGrant'],
  'gateway.networking.k8s.io/v1alpha2': [
    'BackendTLSPolicy',
    'GRPCRoute',
    'Gateway',
    'GatewayClass',
    'HTTPRoute',
    'ReferenceGrant',
    'TCPRoute',
    'TLSRoute',
    'UDPRoute',
  ],
};
