/** The JS the built page loads before it can draw (the entry script and its modulepreloads), gzipped. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { webDistDir } from '../../common/package-info.js';

export const INITIAL_JS_BUDGET_BYTES = 150 * 1024;

export function initialJsGzipBytes(dir = webDistDir): { files: string[]; bytes: number; rawBytes: number } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  let bytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    rawBytes += content.length;
    bytes += gzipSync(content, { level: 9 }).length;
  }
  return { files, bytes, rawBytes };
}
