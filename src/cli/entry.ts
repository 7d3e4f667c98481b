// Process entry for the CLI and, in the single-file bundle, for the sandbox worker too.
import { isMainThread, workerData } from 'node:worker_threads';
import { startWorker } from '../sandbox/worker.js';
import { main } from './main.js';

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === 'k6-preflight-sandbox') {
  startWorker();
} else {
  // A closed pipe (`| head`) ends output, not the process with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main().catch((err) => {
    process.stderr.write(`k6-preflight: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
