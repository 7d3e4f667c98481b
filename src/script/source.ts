// Reads a validation script source — a single file, a directory a ConfigMap is mounted
// as, or a ConfigMap manifest — into one self-contained file set. Imports and open()
// resolve inside that set only, so a script never reaches beyond its own folder/ConfigMap.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { configMapFiles, isConfigMap, listMountedConfigMapDir } from '../manifest/configmap.js';
import { loadManifestFile, type ManifestDoc } from '../manifest/documents.js';
import { CONFIG_FILE_KEY, readConfigFile } from '../manifest/carriers.js';
import type { ValidationBlock } from '../manifest/testrun.js';
import { UsageError } from '../errors.js';
import { FILE_KIND, InputTooLarge, MAX_FILE_BYTES, readCapped } from './limits.js';

/** Largest script file accepted, like a ConfigMap's own 1 MiB cap. */
export const MAX_SCRIPT_BYTES = MAX_FILE_BYTES;
export const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

export interface ScriptSource {
  /** Where it came from, for messages: a path, or `configmap/<name>` in a manifest. */
  origin: string;
  /** name (POSIX path relative to the set's root) → content. */
  files: Map<string, Uint8Array>;
  /** The entry file's name in `files`. */
  entry: string;
  /** For a single file or a folder (a mounted ConfigMap): the folder further files (imports,
   *  open()) are read from on demand, confined to it and size-capped. Absent for ConfigMaps
   *  from a manifest: their keys are all there is. */
  root?: string;
  /** The set's preflight.yaml (ConfigMaps and mounted folders only): schedule and script key. */
  config?: ValidationBlock;
}

export const isScriptName = (name: string) => SCRIPT_EXTENSIONS.includes(extname(name).toLowerCase());

/** Picks the entry: `--file KEY`, else `validate.js`, else the only script key. */
export function pickEntry(files: ReadonlyMap<string, unknown>, wanted: string | undefined, origin: string): string {
  if (wanted) {
    if (files.has(wanted)) return wanted;
    throw new UsageError(`${origin}: no key "${wanted}" (keys: ${[...files.keys()].join(', ') || 'none'})`);
  }
  if (files.has('validate.js')) return 'validate.js';
  const scripts = [...files.keys()].filter(isScriptName);
  if (scripts.length === 1) return scripts[0]!;
  if (scripts.length === 0) throw new UsageError(`${origin}: no script found (expected a key like validate.js)`);
  throw new UsageError(`${origin}: several scripts (${scripts.join(', ')}); choose one with --file`);
}

export function checkSizes(files: Map<string, Uint8Array>, origin: string): void {
  for (const [name, bytes] of files) {
    if (bytes.byteLength > MAX_FILE_BYTES) throw new InputTooLarge(`${origin}/${name}`, bytes.byteLength, MAX_FILE_BYTES, FILE_KIND);
  }
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** A script file, a directory a ConfigMap is mounted as, or a ConfigMap manifest. */
export function loadScriptSource(path: string, wanted?: string): ScriptSource {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`${path}: no such file or directory`);
  }
  if (st.isDirectory()) {
    // A mounted ConfigMap or a folder: only the entry (and its preflight.yaml) is read now;
    // the rest when imported or opened, so a large file beside the script costs nothing unless used.
    const listed = listMountedConfigMapDir(path);
    const configPath = listed.get(CONFIG_FILE_KEY);
    const config = configPath
      ? readConfigFile(new Map([[CONFIG_FILE_KEY, readCapped(configPath, MAX_FILE_BYTES, `${path}/${CONFIG_FILE_KEY}`, FILE_KIND)]]), path)
      : undefined;
    const entry = pickEntry(listed, wanted ?? configuredKey(config), path);
    const bytes = readCapped(listed.get(entry)!, MAX_FILE_BYTES, `${path}/${entry}`, FILE_KIND);
    return { origin: path, files: new Map([[entry, bytes]]), entry, root: resolve(path), ...(config ? { config } : {}) };
  }
  if (MANIFEST.test(path)) return loadManifestSource(path, wanted);
  // A single file: its folder is the root, so relative imports and open() work as in k6;
  // other files are read only when imported or opened (never the whole folder).
  const entry = basename(path);
  return { origin: path, files: new Map([[entry, readCapped(path, MAX_FILE_BYTES, path, FILE_KIND)]]), entry, root: dirname(resolve(path)) };
}

/** The script key a preflight.yaml names (validationScript.configMap.file), if any. */
const configuredKey = (c: ValidationBlock | undefined) => (c?.source?.kind === 'validationScript' ? c.source.configMap.file : undefined);

/** A ConfigMap from a manifest file (`kubectl get configmap -o yaml`, a List, or several
 *  documents): the one holding the wanted key, or the only one. */
export function loadManifestSource(path: string, wanted?: string): ScriptSource {
  const maps = loadManifestFile(path).filter(isConfigMap);
  if (maps.length === 0) throw new UsageError(`${path}: no ConfigMap in this manifest`);
  const chosen = maps.length === 1 ? maps[0]! : pickConfigMap(maps, wanted, path);
  const files = configMapFiles(chosen);
  const origin = `${path} (configmap/${chosen.name ?? '?'})`;
  const config = readConfigFile(files, origin);
  const entry = pickEntry(files, wanted ?? configuredKey(config), origin);
  checkSizes(files, origin);
  return { origin, files, entry, ...(config ? { config } : {}) };
}

/** Among several ConfigMaps: the one holding `--file`, else the one holding validate.js,
 *  else the one holding the only script of them all (as pickEntry does within one). */
function pickConfigMap(maps: ManifestDoc[], wanted: string | undefined, path: string): ManifestDoc {
  const names = maps.map((m) => m.name ?? '?').join(', ');
  const key = wanted ?? 'validate.js';
  const holding = maps.filter((m) => configMapFiles(m).has(key));
  if (holding.length === 1) return holding[0]!;
  if (holding.length > 1) {
    throw new UsageError(`${path}: ${holding.length} ConfigMaps (${holding.map((m) => m.name ?? '?').join(', ')}) have a key "${key}"; keep only the one to run in this file`);
  }
  if (wanted) throw new UsageError(`${path}: ${maps.length} ConfigMaps (${names}) and none has a key "${key}"`);
  const scripts = maps.flatMap((m) => [...configMapFiles(m).keys()].filter(isScriptName).map((k) => ({ m, k })));
  if (scripts.length === 1) return scripts[0]!.m;
  if (scripts.length === 0) throw new UsageError(`${path}: ${maps.length} ConfigMaps (${names}) and no script in any of them (expected a key like validate.js)`);
  const list = scripts.map(({ m, k }) => `configmap/${m.name ?? '?'}:${k}`).join(', ');
  throw new UsageError(`${path}: several scripts (${list}); choose one with --file`);
}

/** Reads `name` (POSIX, relative) below `root`, refusing anything that resolves outside it
 *  (`..`, absolute paths, symlinks out). Returns undefined when there is no such file. */
export function readConfined(root: string, name: string): Uint8Array | undefined {
  const realRoot = realpathSync(root);
  const full = resolve(realRoot, name);
  if (!isInside(realRoot, full)) return undefined;
  let real;
  try {
    real = realpathSync(full);
  } catch {
    return undefined;
  }
  if (!isInside(realRoot, real) || !statSync(real).isFile()) return undefined;
  return readCapped(real, MAX_FILE_BYTES, name, FILE_KIND);
}

/** A file of the script for open() and proto loading: one already held (ConfigMap keys, files
 *  read while compiling), else read below `root` when the script came from a folder. */
export function readScriptFile(files: ReadonlyMap<string, Uint8Array>, root: string | undefined, name: string): Uint8Array | undefined {
  return files.get(name) ?? (root ? readConfined(root, name) : undefined);
}

const isInside = (root: string, p: string) => p === root || p.startsWith(root + sep);
