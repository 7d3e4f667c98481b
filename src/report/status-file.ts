// --status-file: the status document, replaced atomically at every change. A reader
// (a sidecar, `watch cat`, a person) sees either the old or the new document, never
// half of one. How the path is treated (symlinks followed, anything but a regular file
// refused, stale temp files removed) is in safe-write.ts.
import type { StatusDocument } from '../status/types.js';
import { cleanStaleTemps, resolveWriteTarget, safeWriteFile } from './safe-write.js';
import { forOutput, safeJson } from './sanitize.js';

/** Writes `doc` as pretty JSON to `path` atomically, URL credentials masked. Throws on I/O errors
 *  and when the path is neither a regular file nor absent. */
export function writeStatusFile(path: string, doc: StatusDocument | object): void {
  safeWriteFile(path, safeJson(forOutput(doc), 2) + '\n');
}

export interface StatusFileWriter {
  /** Writes when the document differs from the last one written. Never throws. */
  write(doc: StatusDocument): void;
  readonly path: string;
}

/**
 * A writer for the driver's `status` events: skips unchanged documents and reports
 * the first I/O error through `onError` (later ones repeat it, so it is reported once).
 * Temp files an earlier, killed run left beside the target are removed first.
 */
export function createStatusFileWriter(path: string, onError?: (e: Error) => void): StatusFileWriter {
  let last = '';
  let reported = false;
  try {
    cleanStaleTemps(resolveWriteTarget(path).target);
  } catch {
    /* the first write reports what is wrong with the path */
  }
  return {
    path,
    write(doc) {
      const key = JSON.stringify(doc);
      if (key === last) return;
      try {
        writeStatusFile(path, doc);
        last = key;
      } catch (e) {
        if (!reported) {
          reported = true;
          try { onError?.(e as Error); } catch { /* a reporter's problem */ }
        }
      }
    },
  };
}
