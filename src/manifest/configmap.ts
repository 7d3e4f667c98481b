// ConfigMaps as sets of files: from a manifest (`data` + `binaryData`) or from a
// directory the kubelet mounted (AtomicWriter layout).
//
// Mounted layout, for reference:
//   dir/..2026_01_02_15_04_05.123456789/   the real files of the current version
//   dir/..data  -> ..2026_01_02_15_04_05.123456789
//   dir/<key>   -> ..data/<key>            one symlink per key (or per first path segment
//                                          when `items[].path` creates subfolders)
// Names starting with `..` are the writer's own and never keys.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { FILE_KIND, MAX_FILE_BYTES, readCapped } from '../script/limits.js';
import { join, relative, sep, isAbsolute } from 'node:path';
import { docError, type ManifestDoc } from './documents.js';
import { ManifestError, joinPath, typeName } from './errors.js';

const KEY_RE = /^[-._a-zA-Z0-9]+$/;
const MAX_KEY_LEN = 253;

/** Why a ConfigMap key is invalid, or undefined when it is valid (Kubernetes' IsConfigMapKey). */
export function configMapKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'a ConfigMap key must not be empty';
  if (key.length > MAX_KEY_LEN) return `a ConfigMap key must be at most ${MAX_KEY_LEN} characters`;
  if (!KEY_RE.test(key)) return 'a ConfigMap key may only hold letters, digits, "-", "_" and "." (no "/" or spaces)';
  if (key === '.' || key === '..') return `a ConfigMap key must not be "${key}"`;
  if (key.startsWith('..')) return 'a ConfigMap key must not start with ".."';
  return undefined;
}

export function isConfigMap(doc: ManifestDoc): boolean {
  return doc.kind === 'ConfigMap' && (doc.apiVersion === undefined || doc.apiVersion === 'v1');
}

/** The files of a ConfigMap manifest: `data` as UTF-8, `binaryData` base64-decoded. */
export function configMapFiles(doc: ManifestDoc): Map<string, Uint8Array> {
  if (doc.kind !== 'ConfigMap') {
    throw docError(doc, 'kind', `expected ConfigMap, got ${doc.kind === undefined ? 'no kind' : JSON.stringify(doc.kind)}`);
  }
  const files = new Map<string, Uint8Array>();
  const enc = new TextEncoder();
  const section = (field: 'data' | 'binaryData', decode: (v: string, path: string) => Uint8Array) => {
    const raw = doc.value[field];
    if (raw === undefined || raw === null) return;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw docError(doc, field, `expected a mapping of key to ${field === 'data' ? 'text' : 'base64'}, got ${typeName(raw)}`);
    }
    for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
      const path = joinPath(field, key);
      const bad = configMapKeyProblem(key);
      if (bad) throw docError(doc, path, bad);
      if (typeof v !== 'string') {
        throw docError(doc, path, `expected a string, got ${typeName(v)} (quote the value)`);
      }
      if (files.has(key)) throw docError(doc, path, `key "${key}" is in both data and binaryData`);
      files.set(key, decode(v, path));
    }
  };
  section('data', (v) => enc.encode(v));
  section('binaryData', (v, path) => {
    const clean = v.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
      throw docError(doc, path, 'is not valid base64');
    }
    return new Uint8Array(Buffer.from(clean, 'base64'));
  });
  return files;
}

/** The ConfigMap named `name` among `docs` (first match), or undefined. */
export function findConfigMap(docs: readonly ManifestDoc[], name: string, namespace?: string): ManifestDoc | undefined {
  return docs.find(
    (d) => isConfigMap(d) && d.name === name && (namespace === undefined || d.namespace === undefined || d.namespace === namespace),
  );
}

/** Like `findConfigMap`, but a missing ConfigMap is a `ManifestError` that lists the ones present. */
export function requireConfigMap(docs: readonly ManifestDoc[], name: string, where?: string): ManifestDoc {
  const found = findConfigMap(docs, name);
  if (found) return found;
  const names = docs.filter(isConfigMap).map((d) => d.name ?? '(unnamed)');
  const have = names.length ? `found ${names.map((n) => JSON.stringify(n)).join(', ')}` : 'no ConfigMap was given';
  throw new ManifestError(`ConfigMap "${name}" not found (${have})`, where ? { path: where } : {});
}

export interface MountedDirOptions {
  /** Called for every entry left out (a link leading outside the directory, a special file...). */
  onSkip?: (relPath: string, why: string) => void;
  /** Upper bound on files read (default 10000). */
  maxFiles?: number;
}

/**
 * The files of a directory a ConfigMap is mounted as. Keys are paths relative to `dir`
 * with `/` separators (`validate.js`, `lib/helpers.js`). Entries named `..*` are skipped,
 * symlinks are followed only while they resolve inside `dir`. Works for a plain folder too.
 */
export function readMountedConfigMapDir(dir: string, opts: MountedDirOptions = {}): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [rel, path] of listMountedConfigMapDir(dir, opts)) {
    files.set(rel, new Uint8Array(readCapped(path, MAX_FILE_BYTES, `${dir}/${rel}`, FILE_KIND)));
  }
  return files;
}

/** The same walk without reading anything: relative name → the real path to read it from. */
export function listMountedConfigMapDir(dir: string, opts: MountedDirOptions = {}): Map<string, string> {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new ManifestError('is not a directory', { file: dir });
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ManifestError(code === 'ENOENT' ? 'no such directory' : (e as Error).message, { file: dir });
  }
  const maxFiles = opts.maxFiles ?? 10000;
  const files = new Map<string, string>();
  const visiting = new Set<string>();
  const skip = (rel: string, why: string) => opts.onSkip?.(rel, why);
  const inside = (p: string) => {
    const r = relative(root, p);
    return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
  };

  const walk = (real: string, relDir: string) => {
    if (visiting.has(real)) return; // a link cycle
    visiting.add(real);
    for (const name of readdirSync(real).sort()) {
      if (name.startsWith('..')) continue; // AtomicWriter's own entries
      const rel = relDir ? `${relDir}/${name}` : name;
      const full = join(real, name);
      let target = full;
      const l = lstatSync(full);
      if (l.isSymbolicLink()) {
        try {
          target = realpathSync(full);
        } catch {
          skip(rel, 'broken symlink');
          continue;
        }
        if (!inside(target)) {
          skip(rel, 'symlink leads outside the directory');
          continue;
        }
      }
      const st = l.isSymbolicLink() ? statSync(target) : l;
      if (st.isDirectory()) {
        walk(target, rel);
      } else if (st.isFile()) {
        if (files.size >= maxFiles) throw new ManifestError(`more than ${maxFiles} files`, { file: dir });
        files.set(rel, target);
      } else {
        skip(rel, 'not a regular file');
      }
    }
    visiting.delete(real);
  };
  walk(root, '');
  return files;
}
