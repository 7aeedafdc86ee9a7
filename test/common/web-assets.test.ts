import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentTypeOf, findWebFile } from '../../common/web-assets.js';

const base = mkdtempSync(join(tmpdir(), 'bluegreen-web-assets-'));
const root = join(base, 'web');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'index-abc.js'), '');
writeFileSync(join(base, 'secret.txt'), 'outside');
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('findWebFile', () => {
  it('finds files below the root with their content type', async () => {
    expect(await findWebFile(root, 'index.html')).toEqual({
      path: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(await findWebFile(root, 'assets/index-abc.js')).toEqual({
      path: join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('finds nothing missing, no directory, and nothing outside the root', async () => {
    for (const relative of ['nope.js', 'assets', 'assets/', '', '../secret.txt', 'assets/../../secret.txt']) {
      expect(await findWebFile(root, relative)).toBeNull();
    }
    expect(await findWebFile(root, join(base, 'secret.txt'))).toBeNull();
    expect(await findWebFile(root, 'index.html\0.js')).toBeNull();
  });
});

describe('contentTypeOf', () => {
  it('types the files a built page holds, anything else as bytes', () => {
    expect(contentTypeOf('a/B.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('x.map')).toBe('application/json; charset=utf-8');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('blob.bin')).toBe('application/octet-stream');
    expect(contentTypeOf('README')).toBe('application/octet-stream');
  });
});
