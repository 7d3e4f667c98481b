// Fresh QuickJS engines. The WASM is compiled once per worker; every attempt instantiates
// it anew with its own capped WebAssembly.Memory — the only hard memory cap on WASM builds
// (QuickJS's own memory limit does not count total bytes there).
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { WASM_PAGE } from './limits.js';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSyncImport from '@jitl/quickjs-wasmfile-release-sync';

// The package is dual CJS/ESM: unwrap the CJS default when a bundler hands us the namespace.
const releaseSync = ((releaseSyncImport as { default?: unknown }).default ?? releaseSyncImport) as QuickJSSyncVariant;

/** The worker bundle embeds the WASM brotli-compressed and base64-encoded (one file, no node_modules). */
declare const __K6P_QUICKJS_WASM_BR_B64__: string | undefined;

export { MIN_MEMORY_BYTES } from './limits.js';
const PAGE = WASM_PAGE;

let compiled: WebAssembly.Module | undefined;

/** Tries per heap resize in the emscripten glue of @jitl/quickjs-wasmfile-release-sync 0.32
 *  (`for (b = 1; b <= 4; b *= 2)`); test/security/memory-cap-reasons.test.ts guards it. */
const RESIZE_TRIES = 3;

function wasmBytes(): Uint8Array {
  if (typeof __K6P_QUICKJS_WASM_BR_B64__ !== 'undefined') return brotliDecompressSync(Buffer.from(__K6P_QUICKJS_WASM_BR_B64__, 'base64'));
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
  if (typeof __K6P_QUICKJS_WASM_BR_B64__ === 'undefined' && process.env.K6P_QUICKJS_DEBUG_BUILD === '1') {
    const debug = await import('@jitl/quickjs-wasmfile-debug-sync');
    return newQuickJSWASMModuleFromVariant(((debug as { default?: unknown }).default ?? debug) as QuickJSSyncVariant);
  }
  const maximum = Math.max(256, Math.floor(memoryLimitBytes / PAGE));
  const wasmMemory = new WebAssembly.Memory({ initial: 256, maximum });
  const variant = newVariant(releaseSync, { wasmModule: compiledModule(), wasmMemory });
  const state = { capHit: false };
  // The allocator grows the heap through this Memory. Emscripten's resize asks for a
  // generous size first and retries smaller, three tries in all, each at least what the
  // allocation needs: three failures in a row mean an allocation failed at the cap,
  // whoever asked (the script, the engine, the host).
  const grow = wasmMemory.grow.bind(wasmMemory);
  let failedInARow = 0;
  wasmMemory.grow = (pages: number) => {
    try {
      const r = grow(pages);
      failedInARow = 0;
      return r;
    } catch (err) {
      if (++failedInARow >= RESIZE_TRIES) state.capHit = true;
      throw err;
    }
  };
  const engine = await newQuickJSWASMModuleFromVariant(variant);
  guardHostAllocations(engine);
  memories.set(engine, state);
  return engine;
}

/** Raised when the host cannot allocate guest memory for a value it hands to the guest. */
export class HostOutOfMemory extends Error {
  override name = 'InternalError';
  constructor(readonly bytes: number) {
    super('out of memory');
  }
}

/** Values the host hands to the guest (strings, ArrayBuffers) are copied into memory the
 *  library takes with the module's `_malloc`; on a full heap that returns 0 and the copy
 *  would then write over the engine's own memory. Make a failed allocation an error instead. */
function guardHostAllocations(engine: QuickJSWASMModule): void {
  const module = (engine as unknown as { module?: { _malloc?: (n: number) => number } }).module;
  const malloc = module?._malloc;
  if (!module || typeof malloc !== 'function') throw new Error('quickjs-emscripten: the module has no _malloc to guard (library changed?)');
  module._malloc = (n: number) => {
    const ptr = malloc(n);
    if (ptr === 0 && n > 0) throw new HostOutOfMemory(n);
    return ptr;
  };
}

const memories = new WeakMap<QuickJSWASMModule, { capHit: boolean }>();

/** Whether an allocation in this engine failed because its memory is at the cap. */
export function memoryCapHit(engine: QuickJSWASMModule | undefined): boolean {
  return !!engine && !!memories.get(engine)?.capHit;
}
