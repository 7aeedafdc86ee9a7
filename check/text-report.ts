/** The text output: findings grouped by object, the why-and-fix of each rule that fired, and a count. */
import { styleText } from 'node:util';
import type { Finding } from './findings.js';
import { RULE_CATALOGUE, type RuleId, SEVERITIES, type Severity } from './rules.js';

type Style = Parameters<typeof styleText>[0];

const STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

export function counts(findings: readonly Finding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity] += 1;
  return n;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(findings: readonly Finding[], sets: number): string {
  const n = counts(findings);
  return `${plural(sets, 'set')} checked: ${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${n.info} info`;
}

export function formatText(findings: readonly Finding[], sets: number, color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.file}\0${f.object}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const lines: string[] = [];
  for (const group of groups.values()) {
    const { file, object } = group[0]!;
    lines.push(`${paint('bold', object)}  ${paint('dim', file)}`);
    for (const f of [...group].sort((a, b) => a.line - b.line)) {
      const severity = paint(STYLE[f.severity], f.severity.padEnd(7));
      const where = f.path ? `${f.path}: ` : '';
      lines.push(
        `  ${String(f.line).padStart(4)}  ${severity}  ${where}${f.message}  ${paint('dim', `[${f.rule}]`)}`,
      );
    }
    lines.push('');
  }
  const fired = [...new Set(findings.map((f) => f.rule))].sort(
    (a, b) => SEVERITIES.indexOf(RULE_CATALOGUE[a].severity) - SEVERITIES.indexOf(RULE_CATALOGUE[b].severity),
  );
  if (fired.length > 0) {
    lines.push(paint('bold', 'Why, and how to fix:'));
    for (const rule of fired as RuleId[]) lines.push(`  ${paint('bold', rule)}: ${RULE_CATALOGUE[rule].why}`);
    lines.push('');
  }
  lines.push(summaryLine(findings, sets));
  return `${lines.join('\n')}\n`;
}
