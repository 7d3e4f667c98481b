// The worker's half of the bridge: synchronous calls to the main thread (post a message,
// block in Atomics.wait until the reply), async settlements, sleeping and cancellation.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { GuestError, type OpResult } from './ops/types.js';
import { SIGNAL_CANCEL, SIGNAL_REPLY, type FromWorker, type OpReply } from './protocol.js';

/** How long past the attempt deadline a blocked call waits for the host to answer: well
 *  under the main thread's kill grace, so the worker ends the attempt itself. The host
 *  answers by the deadline (requests are cut to it, queued ones failed at it). */
const REPLY_GRACE_MS = 250;

type Settlement = Extract<OpReply, { type: 'settle' }>;

export class RemoteChannel {
  private seq = 0;
  private settled: Settlement[] = [];
  private readonly flags: Int32Array;

  constructor(
    private readonly port: MessagePort,
    shared: SharedArrayBuffer,
    private readonly post: (m: FromWorker) => void,
  ) {
    this.flags = new Int32Array(shared);
  }

  cancelled(): boolean {
    return Atomics.load(this.flags, SIGNAL_CANCEL) !== 0;
  }

  event(m: FromWorker): void {
    this.post(m);
  }

  /** Blocks until the main thread answers `op` (or the deadline plus a grace passes).
   *  Payload and answer cross as JSON text: one string is cheaper to pass than an object graph. */
  call(op: string, json: string | undefined, buffers: Uint8Array[], deadline: number): OpResult {
    const id = ++this.seq;
    Atomics.store(this.flags, SIGNAL_REPLY, 0);
    this.port.postMessage({ type: 'op', id, op, json, buffers });
    for (;;) {
      const reply = this.drain(id);
      if (reply) {
        if (reply.error) throw new GuestError(reply.error.message, reply.error.name);
        return { ...(reply.json !== undefined ? { json: reply.json } : {}), ...(reply.buffers ? { buffers: reply.buffers } : {}) };
      }
      if (this.cancelled()) throw new GuestError('interrupted', 'InternalError');
      const left = deadline + REPLY_GRACE_MS - Date.now();
      if (left <= 0) throw new GuestError('interrupted', 'InternalError');
      Atomics.wait(this.flags, SIGNAL_REPLY, 0, left);
    }
  }

  /** Sleeps up to `ms`, waking early when the attempt is cancelled. */
  sleep(ms: number): void {
    if (ms > 0) Atomics.wait(this.flags, SIGNAL_CANCEL, 0, ms);
  }

  /** Waits up to `ms` for an async settlement (or a cancel). */
  waitForSettle(ms: number): void {
    // drain() clears the flag before each read, so a message posted after it wakes the wait.
    this.drain(-1);
    if (this.settled.length || this.cancelled() || ms <= 0) return;
    Atomics.wait(this.flags, SIGNAL_REPLY, 0, ms);
    this.drain(-1);
  }

  takeSettled(): Settlement[] {
    this.drain(-1);
    const out = this.settled;
    this.settled = [];
    return out;
  }

  private drain(id: number): Extract<OpReply, { type: 'reply' }> | undefined {
    let found: Extract<OpReply, { type: 'reply' }> | undefined;
    for (;;) {
      Atomics.store(this.flags, SIGNAL_REPLY, 0);
      const m = receiveMessageOnPort(this.port);
      if (!m) return found;
      const msg = m.message as OpReply;
      if (msg.type === 'settle') this.settled.push(msg);
      else if (msg.id === id) found = msg; // replies to earlier, abandoned calls are dropped
    }
  }
}
