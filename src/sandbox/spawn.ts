// Starting the sandbox worker. Kept light (no QuickJS, no HTTP) so the CLI can start the
// worker first thing, letting it boot and compile QuickJS while the rest of the CLI loads.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { bundledWorkerScript } from './worker-source.js';

/** The worker's own stack: QuickJS's stack limit must trip well before it. */
const WORKER_STACK_MB = 16;

export interface SpawnedWorker {
  worker: Worker;
  /** The main thread's end of the ops channel. */
  opsPort: MessagePort;
  /** Shared flags: reply-ready and cancel (see protocol.ts). */
  flags: Int32Array;
}

function workerScript(): { file: string; eval: true } {
  // Bundles: the worker's own bundle, embedded as a string.
  const bundled = bundledWorkerScript();
  if (bundled) return bundled;
  // Source runs (tests, `tsx`): Node 20 does not carry loader hooks into workers, so the
  // worker registers the TypeScript loader itself before importing its entry.
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  return { file: `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, eval: true };
}

export function spawnSandboxWorker(): SpawnedWorker {
  const { port1, port2 } = new MessageChannel();
  const shared = new SharedArrayBuffer(8);
  const { file } = workerScript();
  const worker = new Worker(file, {
    eval: true,
    workerData: { role: 'k6-preflight-sandbox', opsPort: port2, shared },
    transferList: [port2],
    resourceLimits: { stackSizeMb: WORKER_STACK_MB },
    // The engine writes its own diagnostics (leak reports, "Aborted(Assertion failed …)")
    // to stdio; they are never the user's output. Nothing the guest says goes this way.
    stdout: true,
    stderr: true,
  });
  // Never read: a flowing worker stdio stream refs the process and keeps it alive past the
  // end of a run (the prestarted worker of a usage error would hang the CLI). What the engine
  // writes stays in the stream's buffer and is dropped with the worker.
  // An idle sandbox must not keep the process alive; Sandbox refs it while it has work.
  worker.unref();
  port1.unref();
  return { worker, opsPort: port1, flags: new Int32Array(shared) };
}

let prestarted: { spawned: SpawnedWorker; alive: boolean } | undefined;

/** Starts a worker now, for the first Sandbox to adopt. */
export function prestartSandboxWorker(): void {
  if (prestarted) return;
  const spawned = spawnSandboxWorker();
  const entry = { spawned, alive: true };
  const dead = () => (entry.alive = false);
  spawned.worker.once('exit', dead);
  spawned.worker.once('error', dead);
  prestarted = entry;
}

/** The prestarted worker, if one is waiting and still alive. */
export function takePrestartedWorker(): SpawnedWorker | undefined {
  const p = prestarted;
  prestarted = undefined;
  if (!p?.alive) {
    void p?.spawned.worker.terminate();
    return undefined;
  }
  p.spawned.worker.removeAllListeners('exit');
  p.spawned.worker.removeAllListeners('error');
  return p.spawned;
}
