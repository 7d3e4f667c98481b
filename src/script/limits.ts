// Size caps on everything read from disk on a script's behalf. They fit Kubernetes: a
// ConfigMap holds at most 1 MiB in all, so no single file from one is larger, and an
// object stored in etcd is at most 1.5 MiB.
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
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${what}: ${bytes} bytes is over the ${MiB(limit)} limit`);
  }
}
