import { RULE_CATALOGUE, type RuleId, type Severity } from './rules.js';

/** One problem found in the manifests, precise enough to fix without searching. */
export interface Finding {
  /** Rule id; an object can waive a rule with the annotation `ignore-check.bluegreen.dev/<rule>: <reason>`. */
  rule: RuleId;
  severity: Severity;
  /** Path of the file as given or relative to the working folder (`-` is standard input). */
  file: string;
  /** 1-based line in the file: of the field, or of its nearest parent that exists. */
  line: number;
  /** `Kind/namespace/name` (`Kind/name` without a namespace), or `document N` without a usable kind or name. */
  object: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].readinessProbe`; '' for the whole object. */
  path: string;
  message: string;
}

export function makeFinding(
  rule: RuleId,
  at: { file: string; line: number; object: string },
  path: string,
  message: string,
): Finding {
  return { rule, severity: RULE_CATALOGUE[rule].severity, ...at, path, message };
}

/** One line per finding, without the line number (the text report groups findings and shows it). */
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
