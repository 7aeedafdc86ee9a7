import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CHECK_DOC, renderedDoc } from '../../scripts/check-docs.js';
import { RULES } from '../../check/index.js';

it('docs/check.md holds the rule catalogue the code generates (npm run docs:check writes it)', () => {
  const current = readFileSync(CHECK_DOC, 'utf8');
  expect(current).toBe(renderedDoc(current));
  for (const rule of RULES) expect(current).toContain(`#### ${rule}\n`);
});
