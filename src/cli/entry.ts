// Process entry for the CLI. (The sandbox worker has its own bundle: src/sandbox/worker-entry.ts.)
import { setFlagsFromString } from 'node:v8';
import { prestartSandboxWorker } from '../sandbox/spawn.js';

// A validation process is short-lived and its scripts are light: compiling QuickJS's WASM
// with the baseline compiler only (no optimising tier-up in the background) starts faster
// and uses ~40% less memory (see `npm run bench`). V8 flags are process-wide, so this also
// covers the sandbox worker, as long as it is set before any WASM is compiled.
// K6P_OPTIMIZE_WASM=1 keeps V8's optimising tier for CPU-heavy scripts.
if (process.env.K6P_OPTIMIZE_WASM !== '1') setFlagsFromString('--liftoff-only');

// Commands that run a script start the sandbox worker first, so it boots and compiles
// QuickJS on the other core while the rest of the CLI loads.
const [command, ...rest] = process.argv.slice(2);
if (/^(run|poll|demo)$/.test(command ?? '') && !rest.some((a) => a === '--help' || a === '-h')) prestartSandboxWorker();

// A closed pipe (`| head`) ends output, not the process with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

// Loaded after the worker has started (the bundle initialises modules on first use).
import('./main.js')
  .then(({ main }) => main())
  .catch((err) => {
    process.stderr.write(`k6-preflight: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  });
