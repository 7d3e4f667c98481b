// Prepares a script source for the sandbox, once per validation: collects the modules
// reachable from the entry by static imports (inside the file set only), strips
// TypeScript with sucrase, and reports a missing import with the importing file:line:col.
import { posix } from 'node:path';
import { createRequire } from 'node:module';
import { parse as parseImports } from 'es-module-lexer';
import { hasChunk, loadChunk } from '../lazy-chunk.js';
import { UsageError } from '../errors.js';
import type { ModuleCode } from '../sandbox/protocol.js';
import { readConfined, type ScriptSource } from './source.js';
import { lineCol } from './location.js';
import { markThrowSites } from './throw-sites.js';

export interface CompiledScript {
  origin: string;
  entry: string;
  modules: Record<string, ModuleCode>;
  files: Map<string, Uint8Array>;
  root?: string;
}

const TS = /\.(ts|mts|cts)$/i;

export function compileScript(src: ScriptSource, k6Modules: readonly string[]): CompiledScript {
  const files = new Map(src.files);
  const modules: Record<string, ModuleCode> = {};
  const read = (name: string) => files.get(name) ?? (src.root ? cache(name, readConfined(src.root, name)) : undefined);
  const cache = (name: string, bytes: Uint8Array | undefined) => {
    if (bytes) files.set(name, bytes);
    return bytes;
  };

  const queue = [src.entry];
  while (queue.length) {
    const name = queue.shift()!;
    if (modules[name]) continue;
    const bytes = read(name);
    if (!bytes) throw new UsageError(`${src.origin}: ${name} not found`);
    const text = Buffer.from(bytes).toString('utf8');
    const mod = TS.test(name) ? stripTypes(name, text) : withInlineMap(text);
    modules[name] = mod;

    let imports;
    try {
      [imports] = parseImports(mod.code, name);
    } catch (err) {
      // The lexer only fails on broken syntax; QuickJS's own check reports it precisely.
      continue;
    }
    for (const imp of imports) {
      const spec = imp.specifier ?? undefined;
      if (spec === undefined) continue; // dynamic import of a computed name: resolved at run time
      if (k6Modules.includes(spec)) continue;
      const where = () => {
        const { line, col } = lineCol(mod.code, Math.max(0, imp.start - 1)); // the opening quote
        return `${name}:${line}:${col}`;
      };
      if (spec.startsWith('./') || spec.startsWith('../')) {
        const target = posix.normalize(posix.join(posix.dirname(name), spec));
        if (target.startsWith('../')) throw new UsageError(`${where()}: import "${spec}" leaves the script's folder`);
        if (!read(target)) throw new UsageError(`${where()}: import "${spec}": no such file in the script's folder or ConfigMap`);
        if (imp.type === 'static') queue.push(target);
        continue;
      }
      if (imp.type !== 'static') continue; // a dynamic import of a non-k6 name fails at run time like k6
      const hint = /^https?:/.test(spec)
        ? 'remote modules are not fetched; copy the file beside the script'
        : `only k6 modules (${k6Modules.join(', ')}) and relative files can be imported`;
      throw new UsageError(`${where()}: cannot import "${spec}": ${hint}`);
    }
  }
  // Response.html() needs k6/html, which k6/http does not load (it is large): scripts that
  // mention html( get it, by an import appended to the entry (imports hoist; no line moves).
  if (k6Modules.includes('k6/html') && Object.values(modules).some((m) => /\bhtml\s*\(/.test(m.code))) {
    modules[src.entry]!.code += "\nimport 'k6/html';\n";
  }
  for (const mod of Object.values(modules)) {
    const marked = markThrowSites(mod.code);
    if (marked.shifts.length) {
      mod.code = marked.code;
      mod.shifts = marked.shifts;
    }
  }
  return { origin: src.origin, entry: src.entry, modules, files, ...(src.root ? { root: src.root } : {}) };
}

const INLINE_MAP = /\/\/[#@]\s*sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=_-]+)\s*$/;

/** A pre-built bundle may carry its source map inline (`//# sourceMappingURL=data:…`):
 *  error locations then point into the files it was built from, as in k6. */
function withInlineMap(code: string): ModuleCode {
  const m = INLINE_MAP.exec(code);
  if (!m) return { code };
  try {
    const map = Buffer.from(m[1]!, 'base64').toString('utf8');
    JSON.parse(map);
    return { code, map };
  } catch {
    return { code }; // not a usable map: report generated positions
  }
}

type SucraseTransform = (code: string, opts: object) => { code: string; sourceMap?: object };

let transform: SucraseTransform | undefined;

/**
 * Strips TypeScript with sucrase: plain JavaScript, so it lives inside the bundle and the
 * single executable (esbuild would need its native binary at run time). It removes types
 * only, keeps ES syntax as written and keeps line numbers; the source map fixes columns.
 * Loaded on first use, so scripts in JavaScript never pay for it.
 */
function stripTypes(name: string, code: string): ModuleCode {
  transform ??= loadSucrase();
  try {
    const out = transform(code, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: false, filePath: name, sourceMapOptions: { compiledFilename: name } });
    return { code: out.code, ...(out.sourceMap ? { map: JSON.stringify(out.sourceMap) } : {}) };
  } catch (err) {
    const e = err as { message?: string; loc?: { line: number; column: number } };
    if (e.loc) {
      const text = (e.message ?? 'syntax error').replace(/^Error transforming [^:]*: /, '').replace(/ \(\d+:\d+\)$/, '');
      throw new UsageError(`${name}:${e.loc.line}:${e.loc.column}: ${text}`);
    }
    throw err;
  }
}

function loadSucrase(): SucraseTransform {
  // The CLI bundle and the single executable carry it as a compressed chunk (scripts/build.ts);
  // the library and source runs load it from node_modules (it is a dependency).
  const mod = (hasChunk('sucrase') ? loadChunk('sucrase')['sucrase'] : createRequire(typeof __filename === 'string' ? __filename : import.meta.url)('sucrase')) as { transform?: SucraseTransform };
  if (typeof mod?.transform !== 'function') throw new Error('the embedded TypeScript transform did not load');
  return mod.transform;
}
