/**
 * Schema validation with kubernetes-models (Kubernetes 1.33 OpenAPI) and @kubernetes-models/gateway-api
 * (Gateway API v1.0), plus a strict unknown-field pass.
 *
 * kubernetes-models 4.x ships each schema only as Ajv standalone code (no JSON schema to walk), and that
 * code ignores properties the schema does not define. The compiled validator does, however, look up every
 * property its schema defines (or, for maps, every key present), following $refs on its own. So the strict
 * pass runs the validator over a recording proxy of the object: a key present in the object that the
 * validator never looked at is a key the schema does not define. Objects where it looked at nothing are
 * free-form (e.g. RawExtension) and are not checked.
 */
import { type Finding, makeFinding, pointerToPath } from './findings.js';
import { BUILT_IN_KINDS, GATEWAY_API_KINDS } from './kinds.js';
import { type Manifest, label, lineOf } from './manifest.js';
import type { RuleId } from './rules.js';

interface ModelClass {
  prototype: { validate(): void };
}

/** The model classes a check needs, by `apiVersion kind`. */
export type Models = ReadonlyMap<string, ModelClass>;

const key = (apiVersion: string, kind: string) => `${apiVersion} ${kind}`;

/** The package whose model validates `apiVersion kind`, or null when none does. */
function modelPackage(apiVersion: unknown, kind: unknown): string | null {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  if (BUILT_IN_KINDS[apiVersion]?.includes(kind)) return 'kubernetes-models';
  if (GATEWAY_API_KINDS[apiVersion]?.includes(kind)) return '@kubernetes-models/gateway-api';
  return null;
}

/**
 * Loads the models of the kinds among `manifests` that have one (each kind's module holds its schema, so a
 * check loads only what it validates).
 */
export async function loadModels(manifests: readonly Manifest[]): Promise<Models> {
  const wanted = new Map<string, string>();
  for (const { obj } of manifests) {
    const from = modelPackage(obj['apiVersion'], obj['kind']);
    if (from) wanted.set(`${obj['apiVersion']}/${String(obj['kind'])}`, from);
  }
  const models = new Map<string, ModelClass>();
  await Promise.all(
    [...wanted].map(async ([path, from]) => {
      // `path` is an entry of BUILT_IN_KINDS or GATEWAY_API_KINDS, never text from the manifest as such.
      const module = (await import(`${from}/${path}`)) as Record<string, ModelClass>;
      const kind = path.slice(path.lastIndexOf('/') + 1);
      models.set(key(path.slice(0, path.lastIndexOf('/')), kind), module[kind]!);
    }),
  );
  return models;
}

/** Groups (with `core` for `v1`) that Kubernetes itself serves: another version of them is not a CRD. */
const BUILT_IN_GROUPS = new Set(['extensions', ...Object.keys(BUILT_IN_KINDS).map(groupOf)]);

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : 'core';
}

/** Where Kubernetes serves `kind`, e.g. ['apps/v1'] for ReplicaSet. */
function homesOf(kind: string): string[] {
  return Object.entries(BUILT_IN_KINDS).flatMap(([apiVersion, kinds]) =>
    kinds.includes(kind) ? [apiVersion] : [],
  );
}

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
export function checkSchema(m: Manifest, models: Models): Finding[] {
  const where = { file: m.file, object: label(m) };
  const at = (rule: RuleId, path: string, message: string): Finding =>
    makeFinding(rule, { ...where, line: lineOf(m, path) }, path, message);
  const { apiVersion, kind } = m.obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    return [at('type-meta', 'apiVersion', 'missing apiVersion')];
  }
  if (typeof kind !== 'string' || kind === '') return [at('type-meta', 'kind', 'missing kind')];
  const model = models.get(key(apiVersion, kind));
  if (!model) {
    const homes = homesOf(kind);
    const group = groupOf(apiVersion);
    if (homes.length > 0) {
      const removed = homes.some((h) => groupOf(h) === group);
      return [
        at(
          'type-meta',
          'apiVersion',
          removed
            ? `${apiVersion} ${kind} is not served by Kubernetes (removed or beta); use ${homes.join(' or ')}`
            : `${kind} is in ${homes.join(' or ')}, not ${apiVersion}`,
        ),
      ];
    }
    if (BUILT_IN_GROUPS.has(group)) {
      return [at('type-meta', 'kind', `${apiVersion} has no kind ${kind}`)];
    }
    return [
      at(
        'custom-resource',
        'apiVersion',
        `no built-in schema for ${apiVersion} ${kind}: checked for wiring only`,
      ),
    ];
  }
  const findings: Finding[] = [];
  // A copy that inherits from the model: the Gateway API models find their schema through the prototype.
  const subject = Object.assign(Object.create(model.prototype) as object, m.obj);
  const { proxy, seen } = recording(subject);
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
  unknownFields(subject, '', seen, unknown);
  for (const path of unknown) {
    findings.push(at('unknown-field', path, `unknown field (not in the ${apiVersion} ${kind} schema)`));
  }
  return findings;
}
