import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { oneOf, type Parse } from '../common/parsers.js';
import { addSettings, examples, list, resolveSettings, value, type Flags } from '../common/settings.js';
import { UsageError } from '../common/usage-error.js';
import { isRuleId, type RuleId, SEVERITIES } from './rules.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;

const ruleId: Parse<RuleId> = (raw, source) => {
  if (!isRuleId(raw)) throw new UsageError(`${source}: "${raw}" is not a rule (see docs/check.md)`);
  return raw;
};

export const CHECK_TABLE = {
  format: value({
    flag: '--format',
    arg: '<text|json|sarif>',
    default: 'text',
    help: 'output: text grouped by object, JSON, or SARIF 2.1.0 for code scanning',
    parse: oneOf(FORMATS),
  }),
  failOn: value({
    flag: '--fail-on',
    arg: '<error|warning|info>',
    default: 'error',
    help: 'exit 1 when a finding of this severity or worse remains',
    parse: oneOf(SEVERITIES),
  }),
  ignore: list({
    flag: '--ignore',
    arg: '<rule>',
    help: 'leave out a rule (repeatable); an object waives one with the annotation ignore-check.bluegreen.dev/<rule>: <reason>',
    parse: ruleId,
  }),
};

export function registerCheck(program: Command): void {
  const check = subcommand(program, 'check', 'check Kubernetes manifests: will a rollout drop requests?')
    .argument(
      '[paths...]',
      'files, folders (each sub-folder is a set of its own) or - for standard input; default: the deploy/ shipped with bluegreen',
    )
    .addHelpText(
      'after',
      examples([
        ['bluegreen check', 'the deploy/ folder bluegreen ships, and its variants'],
        ['bluegreen check k8s/', 'your manifests; each sub-folder is checked as its own set'],
        ['bluegreen check - < rendered.yaml', 'from standard input (kubectl kustomize, helm template)'],
        ['bluegreen check --format sarif k8s/ > check.sarif', 'findings for GitHub code scanning'],
      ]),
    )
    .addHelpText('after', '\nExit codes: 0 pass, 1 a finding at or above --fail-on, 2 bad usage.');
  addSettings(check, CHECK_TABLE).action(async (paths: string[], flags: Flags) => {
    const { values } = resolveSettings(CHECK_TABLE, flags, process.env);
    const { runCheck } = await import('./main.js');
    process.exitCode = await runCheck(paths, values);
  });
}
