// Size caps on everything read from disk on a script's behalf, checked before a file is
// read whole. They fit Kubernetes: a ConfigMap holds at most 1 MiB in all, so no file from
// one is larger, and an object stored in etcd is at most 1.5 MiB.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** Largest file read from a script's folder or ConfigMap (the script, an import, an open()). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Largest manifest file (a TestRun, a ConfigMap, or a List of several). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of a manifest's mappings and lists (Kubernetes objects are shallow). */
export const MAX_MANIFEST_DEPTH = 64;

export const MiB = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MiB`;

/** A file over its cap, refused before it is read whole. */
export class InputTooLarge extends UsageError {
  constructor(
    readonly what: string,
    /** The size, or undefined when the file is a stream that went past the limit. */
    readonly bytes: number | undefined,
    readonly limit: number,
    kind: string,
  ) {
    super(`${what}: ${bytes === undefined ? 'more than' : `${bytes} bytes is over`} the ${MiB(limit)} limit for ${kind}`);
  }
}

export const FILE_KIND = "a file of a script's folder or ConfigMap (a ConfigMap holds at most 1 MiB)";
export const MANIFEST_KIND = 'a manifest file';

/** Reads at most `limit` bytes of `path`: a regular file over it is refused from its size,
 *  anything else (a pipe, a device) as soon as more arrives. */
export function readCapped(path: string, limit: number, what: string, kind: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > limit) throw new InputTooLarge(what, st.size, limit, kind);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new InputTooLarge(what, st.isFile() ? Math.max(st.size, total) : undefined, limit, kind);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}
