// Where a bundled build finds the sandbox worker's code. The worker runs the CLI bundle
// (src/cli/entry.ts dispatches on workerData.role):
// - CLI bundle (dist/k6-preflight.cjs): its own file.
// - library bundles (dist/index.{mjs,cjs}): the CLI bundle next to them.
// - single executable (node:sea): there is no JavaScript file on disk and `__filename` is
//   the executable, so the bundle is embedded as an asset and evaluated in the worker.
// Source runs return undefined (sandbox.ts starts worker-entry.ts through tsx).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __K6P_BUNDLED__: boolean | undefined;
declare const __K6P_WORKER_FILE__: string | undefined;

/** The SEA asset holding the CLI bundle (scripts/build-sea.ts puts it there). */
export const SEA_BUNDLE_ASSET = 'k6-preflight.cjs';

interface SeaApi {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

let seaSource: string | undefined;

function seaApi(): SeaApi | undefined {
  try {
    return createRequire(import.meta.url)('node:sea') as SeaApi; // Node ≥ 20.12
  } catch {
    return undefined;
  }
}

/** Whether this process is a single executable application. */
export function isSingleExecutable(): boolean {
  return seaApi()?.isSea() === true;
}

export function bundledWorkerScript(): { file: string; eval?: boolean } | undefined {
  if (typeof __K6P_BUNDLED__ === 'undefined' || !__K6P_BUNDLED__) return undefined;
  const sea = seaApi();
  if (sea?.isSea()) return { file: (seaSource ??= sea.getAsset(SEA_BUNDLE_ASSET, 'utf8')), eval: true };
  if (typeof __K6P_WORKER_FILE__ !== 'undefined') {
    const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
    return { file: join(here, __K6P_WORKER_FILE__) };
  }
  return { file: __filename };
}
