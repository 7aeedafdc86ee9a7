/**
 * The Korean twins stay in step with the English originals: README.ko.md with README.md and docs/lab.ko.md
 * with docs/lab.md carry the same commands (every fenced code block, line by line; only the comments after
 * `#` are translated), the same pictures and the same number of sections.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/package-info.js';

const read = (file: string) => readFileSync(join(packageRoot, file), 'utf8');

/** Each fenced code block's lines without their trailing comments (` # …`) and trailing blanks. */
function commands(markdown: string): string[][] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((block) =>
    block[1]!
      .split('\n')
      .map((line) => line.replace(/\s+# .*$/, '').trimEnd())
      .filter((line) => line !== ''),
  );
}

const images = (markdown: string) => [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
const sections = (markdown: string) => markdown.match(/^#{1,3} /gm)?.length ?? 0;

describe.each([
  ['README.md', 'README.ko.md'],
  ['docs/lab.md', 'docs/lab.ko.md'],
])('%s and %s', (english, korean) => {
  const en = read(english);
  const ko = read(korean);

  it('carry the same commands', () => {
    expect(commands(en).length).toBeGreaterThan(3);
    expect(commands(ko)).toEqual(commands(en));
  });

  it('show the same pictures and have the same sections', () => {
    expect(images(ko)).toEqual(images(en));
    expect(sections(ko)).toBe(sections(en));
  });

  it('link to each other, and the Korean one is written in Korean', () => {
    expect(en).toContain(`](${korean.replace(/^docs\//, '')})`);
    expect(ko).toContain(`](${english.replace(/^docs\//, '')})`);
    expect((ko.match(/[\uac00-\ud7a3]/g) ?? []).length).toBeGreaterThan(500);
  });
});

it('the lab guides name every step folder of deploy/lab', () => {
  for (const guide of ['docs/lab.md', 'docs/lab.ko.md']) {
    for (const step of [
      '01-pods',
      '02-replicaset',
      '03-deployment',
      '04-services',
      '05-ingress',
      '06-blue-green',
      '06-blue-green/side-by-side',
      '07-homework',
      'trainer',
    ]) {
      expect(read(guide), `${guide}: ${step}`).toContain(`deploy/lab/${step}/`);
    }
  }
});

it('README.md points to the lab guides', () => {
  expect(read('README.md')).toContain('[docs/lab.md](docs/lab.md)');
  expect(read('README.ko.md')).toContain('[docs/lab.ko.md](docs/lab.ko.md)');
});
