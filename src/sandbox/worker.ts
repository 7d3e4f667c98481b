// Worker thread entry: runs attempts and compile checks sent by the main thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runGuestAttempt } from './guest-run.js';
import { compileCheck } from './compile-check.js';
import { compiledModule, prepareSpareEngine } from './quickjs.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { RemoteChannel } from './worker-channel.js';

export function startWorker(): void {
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
