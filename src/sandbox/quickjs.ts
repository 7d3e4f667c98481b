// Fresh QuickJS engines. The WASM is compiled once per worker; every attempt instantiates
// it anew with its own capped WebAssembly.Memory — the only hard memory cap on WASM builds
// (QuickJS's own memory limit does not count total bytes there).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { WASM_PAGE } from './limits.js';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSyncImport from '@jitl/quickjs-wasmfile-release-sync';

// The package is dual CJS/ESM: unwrap the CJS default when a bundler hands us the namespace.
const releaseSync = ((releaseSyncImport as { default?: unknown }).default ?? releaseSyncImport) as QuickJSSyncVariant;

/** The worker bundle embeds the WASM gzipped and base64-encoded (one file, no node_modules). */
declare const __K6P_QUICKJS_WASM_GZ_B64__: string | undefined;

export { MIN_MEMORY_BYTES } from './limits.js';
const PAGE = WASM_PAGE;

let compiled: WebAssembly.Module | undefined;

function wasmBytes(): Uint8Array {
  if (typeof __K6P_QUICKJS_WASM_GZ_B64__ !== 'undefined') return gunzipSync(Buffer.from(__K6P_QUICKJS_WASM_GZ_B64__, 'base64'));
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
}

export function compiledModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(wasmBytes() as Uint8Array<ArrayBuffer>));
}

let spare: { limit: number; engine: Promise<QuickJSWASMModule> } | undefined;

/** A new engine for the next attempt, instantiated ahead (while the previous attempt's
 *  result travels and the driver waits): each engine is still used for one attempt only. */
export function takeEngine(memoryLimitBytes: number): Promise<QuickJSWASMModule> {
  const ready = spare?.limit === memoryLimitBytes ? spare.engine : freshEngine(memoryLimitBytes);
  spare = undefined;
  return ready;
}

export function prepareSpareEngine(memoryLimitBytes: number): void {
  if (spare?.limit === memoryLimitBytes) return;
  const engine = freshEngine(memoryLimitBytes);
  engine.catch(() => undefined); // a failure shows when the engine is taken
  spare = { limit: memoryLimitBytes, engine };
}

/** A new engine instance whose linear memory can never grow past `memoryLimitBytes`. */
export async function freshEngine(memoryLimitBytes: number): Promise<QuickJSWASMModule> {
  // Tests can ask for QuickJS's debug build, which checks for leaked handles on dispose.
  if (typeof __K6P_QUICKJS_WASM_GZ_B64__ === 'undefined' && process.env.K6P_QUICKJS_DEBUG_BUILD === '1') {
    const debug = await import('@jitl/quickjs-wasmfile-debug-sync');
    return newQuickJSWASMModuleFromVariant(((debug as { default?: unknown }).default ?? debug) as QuickJSSyncVariant);
  }
  const maximum = Math.max(256, Math.floor(memoryLimitBytes / PAGE));
  const variant = newVariant(releaseSync, {
    wasmModule: compiledModule(),
    wasmMemory: new WebAssembly.Memory({ initial: 256, maximum }),
  });
  return newQuickJSWASMModuleFromVariant(variant);
}
