/**
 * Schema validation with kubernetes-models (Kubernetes 1.33 OpenAPI), plus a strict unknown-field pass.
 *
 * kubernetes-models 4.x ships each schema only as Ajv standalone code (no JSON schema to walk), and that
 * code ignores properties the schema does not define. The compiled validator does, however, look up every
 * property its schema defines (or, for maps, every key present), following $refs on its own. So the strict
 * pass runs the validator over a recording proxy of the object: a key present in the object that the
 * validator never looked at is a key the schema does not define. Objects where it looked at nothing are
 * free-form (e.g. RawExtension) and are not checked.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { type Finding, pointerToPath } from './findings.js';
import { type Manifest, label } from './manifest.js';

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

/** The kinds deploy/ may use. Anything else (including removed/deprecated apiVersions) is rejected. */
const MODELS: readonly ModelClass[] = [
  Namespace,
  ConfigMap,
  Service,
  ServiceAccount,
  Deployment,
  StatefulSet,
  DaemonSet,
  PodDisruptionBudget,
  NetworkPolicy,
  Ingress,
  HorizontalPodAutoscaler,
];

const modelFor = new Map(MODELS.map((m) => [`${m.apiVersion} ${m.kind}`, m]));

/** Older apiVersions that tutorials still show, with the one to use instead. */
const REMOVED_API_VERSIONS: Record<string, string> = {
  'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1',
  'apps/v1beta1': 'apps/v1',
  'apps/v1beta2': 'apps/v1',
  'networking.k8s.io/v1beta1': 'networking.k8s.io/v1',
  'policy/v1beta1': 'policy/v1',
  'autoscaling/v2beta1': 'autoscaling/v2',
  'autoscaling/v2beta2': 'autoscaling/v2',
};

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

function isValidationError(e: unknown): e is Error & { errors: AjvError[] } {
  return e instanceof Error && Array.isArray((e as { errors?: unknown }).errors);
}

/** Wraps `root` so every property lookup is recorded per object; returns the proxy and the record. */
function recording(root: object): { proxy: object; seen: WeakMap<object, Set<string>> } {
  const seen = new WeakMap<object, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const existing = proxies.get(value);
    if (existing) return existing;
    const keys = new Set<string>();
    seen.set(value, keys);
    const note = (key: string | symbol) => {
      if (typeof key === 'string') keys.add(key);
    };
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        note(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        note(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        note(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root) as object, seen };
}

function unknownFields(
  value: unknown,
  path: string,
  seen: WeakMap<object, Set<string>>,
  out: string[],
): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, `${path}[${i}]`, seen, out));
    return;
  }
  const keys = seen.get(value);
  if (!keys || keys.size === 0) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (keys.has(key)) unknownFields(child, childPath, seen, out);
    else out.push(childPath);
  }
}

function schemaMessage(e: AjvError): string {
  const allowed = e.params?.['allowedValues'];
  return Array.isArray(allowed)
    ? `${e.message ?? 'invalid'}: ${allowed.join(', ')}`
    : (e.message ?? 'invalid');
}

/** Type meta, schema and unknown fields for one document. Returns [] when the object is valid. */
export function checkSchema(m: Manifest): Finding[] {
  const object = label(m);
  const at = (rule: string, path: string, message: string): Finding => ({
    rule,
    file: m.file,
    object,
    path,
    message,
  });
  const { apiVersion, kind } = m.obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    return [at('type-meta', 'apiVersion', 'missing apiVersion')];
  }
  if (typeof kind !== 'string' || kind === '') return [at('type-meta', 'kind', 'missing kind')];
  const model = modelFor.get(`${apiVersion} ${kind}`);
  if (!model) {
    const replacement = REMOVED_API_VERSIONS[apiVersion];
    return [
      replacement
        ? at('type-meta', 'apiVersion', `${apiVersion} is removed from Kubernetes; use ${replacement}`)
        : at('type-meta', 'apiVersion', `unknown apiVersion/kind "${apiVersion} ${kind}"`),
    ];
  }
  const findings: Finding[] = [];
  const { proxy, seen } = recording(m.obj);
  try {
    model.prototype.validate.call(proxy);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    for (const e of error.errors) {
      const path = pointerToPath(e.instancePath);
      const missing = e.params?.['missingProperty'];
      if (typeof missing === 'string') {
        findings.push(at('schema', path ? `${path}.${missing}` : missing, 'required field is missing'));
      } else {
        findings.push(at('schema', path, schemaMessage(e)));
      }
    }
  }
  const unknown: string[] = [];
  unknownFields(m.obj, '', seen, unknown);
  for (const path of unknown) {
    findings.push(at('unknown-field', path, `unknown field (not in the ${apiVersion} ${kind} schema)`));
  }
  return findings;
}
