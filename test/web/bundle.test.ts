/** Build check (npm test builds first): the dashboard's initial JS stays within its budget, and is all bundled. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webDistDir } from '../../common/package-info.js';
import { INITIAL_JS_BUDGET_BYTES, initialJsGzipBytes } from './bundle.js';

describe('built dashboard', () => {
  it('loads at most 150 KB of gzipped JS before it can draw', () => {
    const { files, bytes } = initialJsGzipBytes();
    expect(files.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });

  it('uses relative asset paths and no CDN', () => {
    const html = readFileSync(join(webDistDir, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    // The entry script, its stylesheet and the inline icon: a page whose references the pattern
    // missed would otherwise pass with nothing checked.
    expect(refs).toHaveLength(3);
    expect(refs.filter((ref) => /^\.\/assets\/[^/]+\.js$/.test(ref))).toHaveLength(1);
    expect(refs.filter((ref) => /^\.\/assets\/[^/]+\.css$/.test(ref))).toHaveLength(1);
    for (const ref of refs) expect(ref).toMatch(/^(\.\/|data:)/);
    for (const ref of refs.filter((r) => r.startsWith('./'))) {
      expect(existsSync(join(webDistDir, ref)), ref).toBe(true);
    }
  });
});
