// --status-file: the status document, replaced atomically at every change. A reader
// (a sidecar, `watch cat`, a person) sees either the old or the new document, never
// half of one: we write a temp file in the same directory, then rename it over.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StatusDocument } from '../status/types.js';

let counter = 0;

/** Writes `doc` as pretty JSON to `path` atomically. Throws on I/O errors. */
export function writeStatusFile(path: string, doc: StatusDocument | object): void {
  const text = JSON.stringify(doc, null, 2) + '\n';
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* already failing */ }
    }
    try { unlinkSync(tmp); } catch { /* not created */ }
    throw e;
  }
}

export interface StatusFileWriter {
  /** Writes when the document differs from the last one written. Never throws. */
  write(doc: StatusDocument): void;
  readonly path: string;
}

/**
 * A writer for the driver's `status` events: skips unchanged documents and reports
 * the first I/O error through `onError` (later ones repeat it, so it is reported once).
 */
export function createStatusFileWriter(path: string, onError?: (e: Error) => void): StatusFileWriter {
  let last = '';
  let reported = false;
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
