/**
 * A file output's check at the start: a file the run could not write is bad usage now, not a lost report at
 * the end. Nothing is written: a run that fails before its end leaves the previous file there. A regular
 * file is replaced through its folder (common/atomic-file.ts), so the folder must be writable too.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../common/usage-error.js';

export function checkWritable(flag: string, file: string): void {
  try {
    const target = resolve(file);
    if (existsSync(target)) {
      const stat = statSync(target);
      if (stat.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
      accessSync(target, constants.W_OK);
      if (stat.isFile()) accessSync(dirname(realpathSync(target)), constants.W_OK);
    } else {
      const dir = dirname(target);
      if (!statSync(dir).isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      accessSync(dir, constants.W_OK);
    }
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`${flag}: cannot write "${file}" (${reason})`);
  }
}
