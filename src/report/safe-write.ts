// Writing the files the gate leaves behind (--status-file, --termination-log) without
// harming what the path points at. The rules:
//   - a symlink is followed to its final target, and the target is replaced, never the link
//     (a sidecar that reads through the link sees the new document);
//   - the target must be a regular file or absent: a directory, device node, FIFO or socket
//     is refused with a message that says what it is (replacing /dev/something by a file, or
//     blocking on a FIFO with no reader, is never what the operator meant);
//   - the new content goes to a temp file in the target's folder and is renamed over it, so
//     a reader sees the old or the new document, never half of one;
//   - temp files left by an earlier run that was killed mid-write are removed.
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readdirSync, readlinkSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** Symlink hops followed before giving up (the kernel's own limit is 40). */
const MAX_LINKS = 40;

/** A temp file older than this is stale even if its process id is alive (ids are reused in containers). */
const STALE_AFTER_MS = 10 * 60 * 1000;

let counter = 0;

export class UnsafeTargetError extends Error {
  override name = 'UnsafeTargetError';
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The path a write really lands on: symlinks followed to the end. Throws UnsafeTargetError
 *  when that is neither a regular file nor absent. `mode` is the existing file's mode. */
export function resolveWriteTarget(path: string): { target: string; mode?: number } {
  let p = resolve(path);
  for (let hops = 0; ; hops++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { target: p };
      throw e;
    }
    if (st.isSymbolicLink()) {
      if (hops >= MAX_LINKS) throw new UnsafeTargetError(`refusing to write ${path}: too many symbolic links`);
      const link = readlinkSync(p);
      p = isAbsolute(link) ? link : resolve(dirname(p), link);
      continue;
    }
    if (!st.isFile()) {
      const via = p === resolve(path) ? '' : ` (the symbolic link points to ${p})`;
      throw new UnsafeTargetError(`refusing to write ${path}: it is ${kindOf(st)}${via}, not a regular file; give a path to a regular file or to a new file`);
    }
    return { target: p, mode: st.mode & 0o777 };
  }
}

const TEMP = /^\.(.+)\.(\d+)\.\d+\.tmp$/;

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${++counter}.tmp`);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // ours from a previous life (pid reuse): we have not written yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files for `target` that an earlier, killed run left in its folder. Never throws. */
export function cleanStaleTemps(target: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || m[1] !== basename(target)) continue;
    const p = join(dirname(target), name);
    try {
      const st = lstatSync(p);
      if (!st.isFile()) continue;
      if (processAlive(Number(m[2])) && now - st.mtimeMs < STALE_AFTER_MS) continue;
      unlinkSync(p);
      removed.push(p);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}

/** Errors that say the folder cannot take a temp file or a rename (a read-only /dev, a file
 *  bind-mounted by the kubelet): the file itself can still be written in place. */
const IN_PLACE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'EBUSY', 'EXDEV']);

export interface SafeWriteOptions {
  /** When the atomic route is impossible, write the existing regular file in place. */
  inPlaceFallback?: boolean;
}

/** Writes `text` to `path` by the rules above. Throws UnsafeTargetError or an I/O error. */
export function safeWriteFile(path: string, text: string, opts: SafeWriteOptions = {}): void {
  const { target, mode } = resolveWriteTarget(path);
  const tmp = tempName(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode ?? 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* already failing */ }
    }
    try { unlinkSync(tmp); } catch { /* not created */ }
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (opts.inPlaceFallback && mode !== undefined && IN_PLACE_CODES.has(code)) return writeInPlace(target, text);
    throw e;
  }
}

/** Truncates and writes an existing regular file, re-checking what was opened. */
function writeInPlace(target: string, text: string): void {
  // O_NOFOLLOW | O_NONBLOCK: never follow a link swapped in meanwhile, never block on a FIFO.
  const fd = openSync(target, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafeTargetError(`refusing to write ${target}: it is ${kindOf(st)}, not a regular file`);
    ftruncateSync(fd, 0);
    writeSync(fd, text, 0);
  } finally {
    closeSync(fd);
  }
}
