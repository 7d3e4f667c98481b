// Fresh QuickJS engines. The WASM is compiled once per worker; every attempt instantiates
// it anew with its own capped WebAssembly.Memory — the only hard memory cap on WASM builds
// (QuickJS's own memory limit does not count total bytes there).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSyncImport from '@jitl/quickjs-wasmfile-release-sync';

// The package is dual CJS/ESM: unwrap the CJS default when a bundler hands us the namespace.
const releaseSync = ((releaseSyncImport as { default?: unknown }).default ?? releaseSyncImport) as QuickJSSyncVariant;

/** The bundle embeds the WASM as base64 (one file, no node_modules). */
declare const __K6P_QUICKJS_WASM_B64__: string | undefined;

const PAGE = 64 * 1024;
/** The QuickJS build's initial memory (16 MiB): the smallest cap that can instantiate. */
export const MIN_MEMORY_BYTES = 256 * PAGE;

let compiled: WebAssembly.Module | undefined;

function wasmBytes(): Uint8Array {
  if (typeof __K6P_QUICKJS_WASM_B64__ !== 'undefined') return Buffer.from(__K6P_QUICKJS_WASM_B64__, 'base64');
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
}

export function compiledModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(wasmBytes() as Uint8Array<ArrayBuffer>));
}

/** A new engine instance whose linear memory can never grow past `memoryLimitBytes`. */
export async function freshEngine(memoryLimitBytes: number): Promise<QuickJSWASMModule> {
  // Tests can ask for QuickJS's debug build, which checks for leaked handles on dispose.
  if (typeof __K6P_QUICKJS_WASM_B64__ === 'undefined' && process.env.K6P_QUICKJS_DEBUG_BUILD === '1') {
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
