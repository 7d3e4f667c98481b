// Where the sandbox worker's code comes from.
// - Bundles (CLI, library, single executable): the build compiles src/sandbox/worker-entry.ts
//   into its own small bundle (QuickJS, the guest runtime, the bridge — no CLI, no undici)
//   and embeds it as a string; the worker evaluates it. Nothing is looked up on disk, so it
//   works from an empty folder and inside a single executable alike.
// - Source runs (tests, tsx): undefined; sandbox.ts starts worker-entry.ts through tsx.

declare const __K6P_WORKER_CODE__: string | undefined;

export function bundledWorkerScript(): { file: string; eval: true } | undefined {
  if (typeof __K6P_WORKER_CODE__ === 'undefined') return undefined;
  return { file: __K6P_WORKER_CODE__, eval: true };
}
