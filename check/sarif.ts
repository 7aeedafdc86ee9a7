/** SARIF 2.1.0 output, so GitHub code scanning shows the findings on the pull request's lines. */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { packageVersion } from '../common/package-info.js';
import type { Finding } from './findings.js';
import { RULE_CATALOGUE, RULES, type Severity } from './rules.js';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

const DOCS = 'https://github.com/bluegreen-dev/bluegreen/blob/main/docs/check.md';

/** `-` (standard input) has no file to point at; the log still names where the findings came from. */
const STDIN_URI = 'stdin';

export function toSarif(findings: readonly Finding[]): Log {
  const rules: ReportingDescriptor[] = RULES.map((id) => ({
    id,
    shortDescription: { text: RULE_CATALOGUE[id].title },
    fullDescription: { text: RULE_CATALOGUE[id].why },
    help: { text: RULE_CATALOGUE[id].why },
    helpUri: `${DOCS}#${id}`,
    defaultConfiguration: { level: LEVEL[RULE_CATALOGUE[id].severity] },
  }));
  const results: Result[] = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: RULES.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.object}${f.path ? `: ${f.path}` : ''}: ${f.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.file === '-' ? STDIN_URI : f.file },
          region: { startLine: f.line },
        },
        logicalLocations: [
          { name: f.object, kind: 'object', fullyQualifiedName: f.path ? `${f.object}:${f.path}` : f.object },
        ],
      },
    ],
  }));
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'bluegreen check', version: packageVersion, informationUri: DOCS, rules } },
        results,
      },
    ],
  };
}
