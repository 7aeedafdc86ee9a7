/** One problem found in the manifests, precise enough to fix without searching. */
export interface Finding {
  /** Rule id; an object can waive a rule with the annotation `ignore-check.bluegreen.dev/<rule>: <reason>`. */
  rule: string;
  /** Path of the file, relative to the package root (e.g. `deploy/20-app-deployment.yaml`). */
  file: string;
  /** `Kind/name`, or `document N` when the document has no usable kind or name. */
  object: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].readinessProbe`; '' for the whole object. */
  path: string;
  message: string;
}

export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.object}${f.path ? `: ${f.path}` : ''}: ${f.message} [${f.rule}]`;
}

/** Turns an Ajv/JSON-pointer instance path (`/spec/containers/0/image`) into `spec.containers[0].image`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
