// Rarely used libraries in the CLI bundle: protobufjs (gRPC), ws (WebSockets), sucrase
// (TypeScript) and others ride in it
// minified and compressed (scripts/build.ts) and are evaluated on first use, so a run that uses
// neither pays neither their bytes' parse nor their load. The build points their imports at
// lazyModule(), a stand-in that loads the chunk when a property is first read. The library
// bundles and source runs import them from node_modules and never come here.
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';

declare const __K6P_CHUNKS_BR_B64__: Record<string, string> | undefined;

const loaded = new Map<string, Record<string, unknown>>();

/** True when this build carries `chunk` embedded (the CLI bundle and the single executable). */
export const hasChunk = (chunk: string): boolean => typeof __K6P_CHUNKS_BR_B64__ === 'object' && chunk in __K6P_CHUNKS_BR_B64__;

/** The embedded chunk's modules by name, evaluated once. */
export function loadChunk(chunk: string): Record<string, unknown> {
  let exports = loaded.get(chunk);
  if (exports) return exports;
  const packed = typeof __K6P_CHUNKS_BR_B64__ === 'object' ? __K6P_CHUNKS_BR_B64__[chunk] : undefined;
  if (!packed) throw new Error(`k6-preflight: the embedded ${chunk} chunk is missing from this build`);
  const code = brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8');
  const mod = { exports: {} as Record<string, unknown> };
  const fn = runInThisContext(`(function (module, exports, require) {${code}\n})`, { filename: `k6-preflight/${chunk}.js` }) as (m: object, e: object, r: NodeJS.Require) => void;
  fn(mod, mod.exports, createRequire(typeof __filename === 'string' ? __filename : import.meta.url));
  exports = mod.exports;
  loaded.set(chunk, exports);
  return exports;
}

/**
 * Stands in for module `name` of `chunk`. Reads, calls and `new` go to the real module,
 * loaded then; the bundler's interop helpers only look at the prototype, own keys and
 * __esModule, which answer from the stand-in without loading (neither library sets __esModule).
 */
export function lazyModule(chunk: string, name: string): unknown {
  const real = () => loadChunk(chunk)[name] as Record<PropertyKey, unknown> & ((...a: unknown[]) => unknown);
  // A function target, so that a class (ws's WebSocket) can be constructed through it.
  const target = function lazy() {} as unknown as object;
  return new Proxy(target, {
    get: (_t, key) => (key === '__esModule' ? undefined : Reflect.get(real(), key)),
    has: (_t, key) => key in real(),
    apply: (_t, self, args) => Reflect.apply(real(), self, args),
    construct: (_t, args) => Reflect.construct(real() as unknown as new (...a: unknown[]) => object, args),
  });
}
