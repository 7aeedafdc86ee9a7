/**
 * `bluegreen check`'s options: its settings table (flag, default, parser, help), the resolver and the
 * resolved type. A bad value is a UsageError (exit code 2).
 */
import { oneOf, type Parse } from '../common/parsers.js';
import {
  list,
  resolveSettings,
  value,
  type Env,
  type Flags,
  type SettingValues,
} from '../common/settings.js';
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

export interface CheckOptions extends SettingValues<typeof CHECK_TABLE> {
  /** Files, folders or `-` (standard input); none: the deploy/ bluegreen ships. */
  paths: readonly string[];
}

/** Resolves the paths and commander's flags (a flag wins over its default). */
export function resolveCheckOptions(
  paths: readonly string[],
  flags: Flags,
  env: Env = process.env,
): CheckOptions {
  return { paths, ...resolveSettings(CHECK_TABLE, flags, env).values };
}
