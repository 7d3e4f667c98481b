// Sandbox limits shared by the host (flag validation) and the worker (engine set-up).

/** WebAssembly page size. */
export const WASM_PAGE = 64 * 1024;
/** The QuickJS build's initial memory (16 MiB): the smallest cap that can instantiate. */
export const MIN_MEMORY_BYTES = 256 * WASM_PAGE;
