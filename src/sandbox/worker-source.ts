// Where the sandbox worker's code comes from.
// - Bundles (CLI, library, single executable): the build compiles src/sandbox/worker-entry.ts
//   into its own small bundle (QuickJS, the guest runtime, the bridge — no CLI, no undici)
//   and embeds it compressed (brotli, base64); the worker decompresses and evaluates it. Nothing is looked
//   up on disk, so it works from an empty folder and inside a single executable alike.
// - Source runs (tests, tsx): undefined; sandbox.ts starts worker-entry.ts through tsx.

declare const __K6P_WORKER_CODE_BR_B64__: string | undefined;

export function bundledWorkerScript(): { file: string; eval: true } | undefined {
  if (typeof __K6P_WORKER_CODE_BR_B64__ === 'undefined') return undefined;
  // Decompressed in the worker (not on the main thread, which goes on loading the CLI meanwhile).
  // An eval worker runs its code with require/module as globals; runInThisContext keeps that.
  const file =
    `require('node:vm').runInThisContext(require('node:zlib').brotliDecompressSync(Buffer.from(${JSON.stringify(__K6P_WORKER_CODE_BR_B64__)}, 'base64')).toString('utf8'), { filename: 'k6-preflight/sandbox-worker.js' });`;
  return { file, eval: true };
}
