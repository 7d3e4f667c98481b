// The script of a TestRun's `validationScript.configMap`: from the folder it is mounted as,
// or from ConfigMap manifests (the TestRun's own file and any others given).
import { UsageError } from '../errors.js';
import { configMapFiles, requireConfigMap } from '../manifest/configmap.js';
import { loadManifestFile, type ManifestDoc } from '../manifest/documents.js';
import { checkSizes, loadScriptSource, pickEntry, type ScriptSource } from './source.js';

export interface ConfigMapScriptOptions {
  /** The folder the ConfigMap is mounted as (e.g. /test in a runner pod). */
  scriptsDir?: string;
  /** More manifest files that may hold the ConfigMap. */
  manifests?: readonly string[];
  /** The key when the TestRun names none. */
  file?: string;
  /** Where the reference sits, for errors (default: spec.preTestValidation.validationScript.configMap.name). */
  refPath?: string;
}

export function configMapScriptSource(ref: { name: string; file?: string }, docs: readonly ManifestDoc[], o: ConfigMapScriptOptions = {}): ScriptSource {
  const wanted = o.file ?? ref.file; // flags override the manifest
  if (o.scriptsDir) return loadScriptSource(o.scriptsDir, wanted);
  const all = [...docs, ...(o.manifests ?? []).flatMap((f) => loadManifestFile(f))];
  const cm = requireConfigMap(all, ref.name, o.refPath ?? 'spec.preTestValidation.validationScript.configMap.name');
  const files = configMapFiles(cm);
  const origin = `configmap/${ref.name}`;
  if (wanted && !files.has(wanted)) {
    throw new UsageError(`${origin}: no key "${wanted}" (keys: ${[...files.keys()].join(', ') || 'none'})`);
  }
  const entry = pickEntry(files, wanted, origin);
  checkSizes(files, origin);
  return { origin: `${origin}:${entry}`, files, entry };
}
