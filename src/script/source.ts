// Reads a validation script source — a single file, a directory a ConfigMap is mounted
// as, or a ConfigMap manifest — into one self-contained file set. Imports and open()
// resolve inside that set only, so a script never reaches beyond its own folder/ConfigMap.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { configMapFiles, isConfigMap, readMountedConfigMapDir } from '../manifest/configmap.js';
import { loadManifestFile } from '../manifest/documents.js';
import { readConfigFile } from '../manifest/carriers.js';
import type { ValidationBlock } from '../manifest/testrun.js';
import { UsageError } from '../errors.js';

/** Largest script file accepted, like a ConfigMap's own 1 MiB cap. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;
export const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

export interface ScriptSource {
  /** Where it came from, for messages: a path, or `configmap/<name>` in a manifest. */
  origin: string;
  /** name (POSIX path relative to the set's root) → content. */
  files: Map<string, Uint8Array>;
  /** The entry file's name in `files`. */
  entry: string;
  /** For a single-file source: the folder further files (imports, open()) may be read
   *  from on demand, confined to it. Absent for ConfigMaps: their keys are all there is. */
  root?: string;
  /** The set's preflight.yaml (ConfigMaps and mounted folders only): schedule and script key. */
  config?: ValidationBlock;
}

export const isScriptName = (name: string) => SCRIPT_EXTENSIONS.includes(extname(name).toLowerCase());

/** Picks the entry: `--file KEY`, else `validate.js`, else the only script key. */
export function pickEntry(files: Map<string, Uint8Array>, wanted: string | undefined, origin: string): string {
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
    if (isScriptName(name) && bytes.byteLength > MAX_SCRIPT_BYTES) {
      throw new UsageError(`${origin}/${name}: ${bytes.byteLength} bytes is over the 1 MiB script limit`);
    }
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
    const files = readMountedConfigMapDir(path);
    const config = readConfigFile(files, path);
    const entry = pickEntry(files, wanted ?? configuredKey(config), path);
    checkSizes(files, path);
    return { origin: path, files, entry, ...(config ? { config } : {}) };
  }
  if (MANIFEST.test(path)) return loadManifestSource(path, wanted);
  if (st.size > MAX_SCRIPT_BYTES) throw new UsageError(`${path}: ${st.size} bytes is over the 1 MiB script limit`);
  // A single file: its folder is the root, so relative imports and open() work as in k6;
  // other files are read only when imported or opened (never the whole folder).
  const entry = basename(path);
  return { origin: path, files: new Map([[entry, readFileSync(path)]]), entry, root: dirname(resolve(path)) };
}

/** The script key a preflight.yaml names (validationScript.configMap.file), if any. */
const configuredKey = (c: ValidationBlock | undefined) => (c?.source?.kind === 'validationScript' ? c.source.configMap.file : undefined);

/** A ConfigMap from a manifest file (`kubectl get configmap -o yaml`, a List, or several
 *  documents): the one holding the wanted key, or the only one. */
export function loadManifestSource(path: string, wanted?: string): ScriptSource {
  const maps = loadManifestFile(path).filter(isConfigMap);
  if (maps.length === 0) throw new UsageError(`${path}: no ConfigMap in this manifest`);
  const key = wanted ?? 'validate.js';
  const chosen = maps.length === 1 ? maps[0]! : maps.find((m) => configMapFiles(m).has(key));
  if (!chosen) {
    const names = maps.map((m) => m.name ?? '?').join(', ');
    throw new UsageError(`${path}: ${maps.length} ConfigMaps (${names}) and none has a key "${key}"; choose one with --file`);
  }
  const files = configMapFiles(chosen);
  const origin = `${path} (configmap/${chosen.name ?? '?'})`;
  const config = readConfigFile(files, origin);
  const entry = pickEntry(files, wanted ?? configuredKey(config), origin);
  checkSizes(files, origin);
  return { origin, files, entry, ...(config ? { config } : {}) };
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
  const bytes = readFileSync(real);
  if (isScriptName(name) && bytes.byteLength > MAX_SCRIPT_BYTES) {
    throw new UsageError(`${name}: ${bytes.byteLength} bytes is over the 1 MiB script limit`);
  }
  return bytes;
}

const isInside = (root: string, p: string) => p === root || p.startsWith(root + sep);
