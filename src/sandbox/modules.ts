// Module resolution inside the sandbox: k6 modules by name, user files relative to the
// importer and inside the script's file set, runtime internals only from runtime modules.
// Nothing else can be imported: there is no file system or network behind the loader.
import { posix } from 'node:path';
import type { QuickJSRuntime } from 'quickjs-emscripten-core';

/** A refused name travels from the normalizer to the loader, which reports it: QuickJS
 *  drops the normalizer's own error message. No user module can have this name. */
const DENIED = '#denied: ';

export function resolveModule(base: string, requested: string, guest: Record<string, string>, user: Record<string, unknown>): string | { error: string } {
  const fromRuntime = base.startsWith('k6p:') || guest[base] !== undefined;
  if (requested.startsWith('k6p:')) {
    return fromRuntime && guest[requested] !== undefined ? requested : { error: `module not found: ${requested}` };
  }
  if (guest[requested] !== undefined) return requested;
  if (!fromRuntime && (requested.startsWith('./') || requested.startsWith('../'))) {
    const name = posix.normalize(posix.join(posix.dirname(base), requested));
    if (name.startsWith('../') || name === '..') return { error: `import "${requested}" from ${base} leaves the script's folder` };
    if (user[name] !== undefined) return name;
    return { error: `import "${requested}" from ${base}: no such file in the script's folder` };
  }
  return { error: `module not found: ${requested}` };
}

export function installModuleLoader(rt: QuickJSRuntime, guest: Record<string, string>, user: Record<string, { code: string }>): void {
  rt.setModuleLoader(
    (name) => {
      if (name.startsWith(DENIED)) return { error: new Error(name.slice(DENIED.length)) };
      return guest[name] ?? user[name]?.code ?? { error: new Error(`module not found: ${name}`) };
    },
    (base, requested) => {
      const r = resolveModule(base, requested, guest, user);
      return typeof r === 'string' ? r : DENIED + r.error;
    },
  );
}
