// Worker thread entry: runs attempts and compile checks sent by the main thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runGuestAttempt } from './guest-run.js';
import { compileCheck } from './compile-check.js';
import { compiledModule, prepareSpareEngine } from './quickjs.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { RemoteChannel } from './worker-channel.js';

export function startWorker(): void {
  silenceEngineOutput();
  const { opsPort, shared } = workerData as { opsPort: MessagePort; shared: SharedArrayBuffer };
  const post = (m: FromWorker) => parentPort!.postMessage(m);
  const channel = new RemoteChannel(opsPort, shared, post);
  // Compile the engine's WASM now, while the main thread is still loading the script.
  setImmediate(() => compiledModule());
  parentPort!.on('message', async (msg: ToWorker) => {
    if (msg.type === 'attempt') {
      post({ type: 'done', id: msg.id, outcome: await runGuestAttempt(msg, channel) });
      prepareSpareEngine(msg.memoryLimitBytes);
    } else if (msg.type === 'compile') {
      post({ type: 'compiled', id: msg.id, errors: await compileCheck(msg.modules) });
      if (msg.memoryLimitBytes) prepareSpareEngine(msg.memoryLimitBytes);
    }
  });
}

/** The engine prints its own diagnostics (leak reports, "Aborted(Assertion failed …)") with
 *  console.* and process.stdout/stderr; they are never the user's output (the guest's console
 *  goes through its op), and a failed dispose reaches the attempt result instead. */
function silenceEngineOutput(): void {
  const quiet = () => undefined;
  for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[k] = quiet;
  process.stdout.write = () => true;
  process.stderr.write = () => true;
}
