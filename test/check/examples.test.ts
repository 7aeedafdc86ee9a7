/**
 * The bad and good example of every rule (check/examples.ts, shown in docs/check.md): the bad one raises its
 * rule, the good one does not. A rule without examples does not compile (EXAMPLES is typed by rule id) and
 * fails the first test here.
 */
import { describe, expect, it } from 'vitest';
import { deployDir, packageRoot } from '../../common/package-info.js';
import { type ManifestSet, RULES, checkManifests, label, parseManifestText } from '../../check/index.js';
import { EXAMPLES, type Change, WEB_EXAMPLE } from '../../check/examples.js';
import { getAt, realSet, setAt, useRealContract } from '../helpers/manifest-edits.js';

const contract = useRealContract();

/** Merges `fragment` into `target`: objects field by field, null removes, anything else replaces. */
function merge(target: Record<string, unknown>, fragment: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fragment)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
    ) {
      merge(current as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = structuredClone(value);
  }
}

function changed(example: Change, fragment: Record<string, unknown>): ManifestSet {
  const set =
    example.base === 'web'
      ? parseManifestText('web.yaml', WEB_EXAMPLE)
      : realSet(example.base === 'deploy' ? '.' : 'canary');
  const target = set.manifests.find((m) => label(m) === example.object);
  if (!target) throw new Error(`no ${example.object} in ${example.base}`);
  if (example.at === '') merge(target.obj, fragment);
  else {
    const at = getAt(target.obj, example.at);
    if (at === undefined) setAt(target.obj, example.at, {});
    merge(getAt(target.obj, example.at) as Record<string, unknown>, fragment);
  }
  return set;
}

/** The rules raised on `object` (on any object when not given). */
async function rulesOf(set: ManifestSet, object?: string): Promise<string[]> {
  const findings = await checkManifests(set, contract());
  return findings.filter((f) => object === undefined || f.object === object).map((f) => f.rule);
}

describe('every rule has a bad and a good example', () => {
  it('no rule lacks one', () => {
    expect(RULES.filter((r) => !EXAMPLES[r]?.bad || !EXAMPLES[r]?.good)).toEqual([]);
  });

  it('the example set has no errors or warnings', async () => {
    const findings = await checkManifests(parseManifestText('web.yaml', WEB_EXAMPLE), contract());
    expect(new Set(findings.map((f) => `${f.severity} ${f.rule}`))).toEqual(new Set(['info labels']));
  });

  it.each(RULES)('%s', async (rule) => {
    const example = EXAMPLES[rule];
    const [bad, good, object] =
      'base' in example
        ? [changed(example, example.bad), changed(example, example.good), example.on ?? example.object]
        : [parseManifestText('bad.yaml', example.bad), parseManifestText('good.yaml', example.good)];
    // A change is judged on the object it changes (another object may raise the rule on its own).
    expect(await rulesOf(bad, object), 'the bad example').toContain(rule);
    expect(await rulesOf(good, object), 'the good example').not.toContain(rule);
  });
});

it('deploy/ is where the bluegreen examples start from', () => {
  expect(deployDir.startsWith(packageRoot)).toBe(true);
});
