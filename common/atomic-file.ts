/**
 * Report files written so that a reader, a full disk or a second Ctrl-C finds either the whole new file or
 * the previous one, never an empty or partial one: the bytes go to a temporary file in the same folder,
 * are fsynced, and the temporary file is renamed over the old one (rename(2) replaces it atomically on one
 * file system; write-file-atomic and Go's renameio do the same). A path that is not a regular file (a
 * device such as /dev/stdout, a pipe) cannot be replaced: it is written in place.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/** The file a symlink points to (so the link stays a link), or the path itself when nothing is there yet. */
function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** True when `path` exists and is not a regular file: such a file is written where it is. */
export function writtenInPlace(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `.NAME.PID.N.tmp` beside the file: the same folder, so the same file system for the rename. */
function temporaryName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${++sequence}.tmp`);
}

/** The existing file's permissions, kept by the new one; 0o644 for a new file. */
function modeOf(target: string): number {
  try {
    return statSync(target).mode & 0o777;
  } catch {
    return 0o644;
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone, or never created.
  }
}

/**
 * Replaces `path` with `data` as one step; throws the file system's error, leaving the previous file (and
 * no temporary file) behind. Synchronous on purpose: Node runs a signal's handler (a second Ctrl-C's
 * process.exit) only between tasks, so it comes before the temporary file exists or after the rename,
 * never between; only a SIGKILL or a crash of the machine can leave a `.NAME.*.tmp` behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = resolved(path);
  if (writtenInPlace(target)) {
    const fd = openSync(target, 'w');
    try {
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const temporary = temporaryName(target);
  try {
    const fd = openSync(temporary, 'wx', modeOf(target));
    try {
      writeAll(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
  syncFolder(dirname(target));
}

/** So the rename itself survives a crash of the machine; not every file system lets a folder be fsynced. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort.
  }
}

/**
 * A file written bit by bit (`--timeline`'s rows as the run goes) under `PATH.partial`, renamed to `PATH`
 * when it is complete: a run that dies keeps the previous `PATH` whole and its own rows in `PATH.partial`.
 */
export class GrowingFile {
  private readonly target: string;
  /** The partial file, or the target itself when it is written in place. */
  private readonly writing: string;
  private fd: number | null;

  /** Creates (or empties) the partial file; throws the file system's error. */
  constructor(path: string) {
    this.target = resolved(path);
    this.writing = writtenInPlace(this.target) ? this.target : `${this.target}.partial`;
    this.fd = openSync(this.writing, 'w');
  }

  write(text: string): void {
    if (this.fd !== null) writeAll(this.fd, text);
  }

  /** Complete: fsynced and renamed into place. */
  finish(): void {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    try {
      if (this.writing !== this.target) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (this.writing === this.target) return;
    renameSync(this.writing, this.target);
    syncFolder(dirname(this.target));
  }

  /** Not complete (the output failed, or the session ends mid-run): closed, and the partial file kept. */
  abandon(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) closeSync(fd);
  }
}
