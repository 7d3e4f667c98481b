// The main thread's handle on a sandbox worker: start it, send it attempts, answer its
// remote operations, and terminate it when an attempt overruns its deadline. The main
// thread never blocks, so timers, signals and the watchdog keep working.
import type { MessagePort, Worker } from 'node:worker_threads';
import { isMainOp, opSpec } from './ops/registry.js';
import type { MainEnv, Settle } from './ops/types.js';
import {
  SIGNAL_CANCEL,
  SIGNAL_REPLY,
  type AttemptCommand,
  type FromWorker,
  type ModuleCode,
  type OpMessage,
  type OpReply,
  type WorkerOutcome,
} from './protocol.js';
import { spawnSandboxWorker, takePrestartedWorker } from './spawn.js';

/** How long after the deadline (or a cancel) a worker may take to stop before it is terminated. */
export const KILL_GRACE_MS = 500;

export interface OpHandlers {
  /** What main-thread ops (src/sandbox/ops/registry.ts) work with; `settle` is the sandbox's. */
  env: Omit<MainEnv, 'settle'>;
  onEvent?(e: Extract<FromWorker, { type: 'check' | 'console' }>): void;
}

export type { Settle };

export class Sandbox {
  private worker: Worker | undefined;
  private opsPort!: MessagePort;
  private flags!: Int32Array;
  private seq = 0;
  private current: { id: number; resolve: (m: FromWorker) => void; handlers?: OpHandlers } | undefined;
  private exited: ((err: Error) => void) | undefined;

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { worker: w, opsPort, flags } = takePrestartedWorker() ?? spawnSandboxWorker();
    this.flags = flags;
    this.opsPort = opsPort;
    w.on('message', (m: FromWorker) => this.onWorkerMessage(m));
    w.on('error', (err) => this.exited?.(err));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      this.exited?.(new Error(`sandbox worker exited (code ${code})`));
    });
    opsPort.on('message', (m: OpMessage) => void this.onOp(m));
    opsPort.unref(); // listening must not keep the process alive either
    this.worker = w;
    return w;
  }

  private onWorkerMessage(m: FromWorker) {
    if (m.type === 'check' || m.type === 'console') this.current?.handlers?.onEvent?.(m);
    else if (this.current && m.id === this.current.id) this.current.resolve(m);
  }

  private async onOp(m: OpMessage) {
    const handlers = this.current?.handlers;
    let reply: OpReply;
    try {
      if (!handlers) throw new Error('no attempt is running');
      // The worker already checked the phase; the payload is decoded here, on the thread that runs it.
      const spec = opSpec(m.op);
      if (!isMainOp(spec)) throw new Error(`${m.op} does not run on the main thread`);
      const settle: Settle = (id, s) => this.post({ type: 'settle', id, ...s });
      const payload = spec.decode(m.json === undefined ? undefined : JSON.parse(m.json), m.buffers);
      const r = await spec.run(payload, { ...handlers.env, settle }, m.buffers);
      const json = r?.json ?? (r?.value === undefined ? undefined : JSON.stringify(r.value));
      reply = { type: 'reply', id: m.id, ...(json !== undefined ? { json } : {}), ...(r?.buffers ? { buffers: r.buffers } : {}) };
    } catch (err) {
      const e = err as Error;
      reply = { type: 'reply', id: m.id, error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) } };
    }
    this.post(reply);
  }

  private post(reply: OpReply) {
    if (!this.worker) return;
    this.opsPort.postMessage(reply);
    Atomics.store(this.flags, SIGNAL_REPLY, 1);
    Atomics.notify(this.flags, SIGNAL_REPLY);
  }

  /** Sends a command and waits for its answer; rejects if the worker dies first. */
  private exchange(cmd: { type: string; id: number }, handlers?: OpHandlers): Promise<FromWorker> {
    const w = this.ensureWorker();
    // Keep the process alive while the worker has work; an idle sandbox must not.
    w.ref();
    return new Promise<FromWorker>((resolve, reject) => {
      this.current = { id: cmd.id, resolve, ...(handlers ? { handlers } : {}) };
      this.exited = reject;
      w.postMessage(cmd);
    }).finally(() => {
      w.unref();
      this.current = undefined;
      this.exited = undefined;
    });
  }

  /** Starts the worker ahead of the first command (it compiles QuickJS meanwhile). */
  warmUp(): void {
    this.ensureWorker();
  }

  /** QuickJS syntax check of every module. */
  async compile(modules: Record<string, ModuleCode>, memoryLimitBytes?: number) {
    const m = await this.exchange({ type: 'compile', id: ++this.seq, modules, memoryLimitBytes } as { type: string; id: number });
    return m.type === 'compiled' ? m.errors : [];
  }

  /** Runs one attempt. Resolves with the worker's outcome; on a watchdog kill, with a
   *  synthetic outcome saying so. Never rejects. */
  async runAttempt(cmd: Omit<AttemptCommand, 'type' | 'id'>, handlers: OpHandlers, signal?: AbortSignal): Promise<WorkerOutcome> {
    const id = ++this.seq;
    this.ensureWorker();
    Atomics.store(this.flags, SIGNAL_CANCEL, 0);
    let killed: 'deadline' | 'cancel' | undefined;
    let cancelTimer: NodeJS.Timeout | undefined;
    const kill = (why: 'deadline' | 'cancel') => {
      killed ??= why;
      void this.worker?.terminate();
    };
    const onAbort = () => {
      // Wake the worker (sleep, blocked calls) and let it stop cleanly; terminate if it doesn't.
      Atomics.store(this.flags, SIGNAL_CANCEL, 1);
      Atomics.notify(this.flags, SIGNAL_CANCEL);
      Atomics.notify(this.flags, SIGNAL_REPLY);
      cancelTimer ??= setTimeout(() => kill('cancel'), KILL_GRACE_MS);
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => kill('deadline'), Math.max(0, cmd.deadline - Date.now()) + KILL_GRACE_MS);
    try {
      const m = await this.exchange({ type: 'attempt', id, ...cmd } as AttemptCommand, handlers);
      if (m.type === 'done') {
        // An engine that could not be freed may have left the worker in a bad state: retire it.
        if (m.outcome.disposeError) await this.retire();
        return m.outcome;
      }
      throw new Error('unexpected answer from the sandbox');
    } catch (err) {
      return {
        checks: [],
        console: [],
        consoleDropped: 0,
        failCalls: [],
        completed: [],
        notices: [],
        ...(killed === 'cancel' ? { cancelled: true } : { limit: killed === 'deadline' ? ('timeout' as const) : undefined }),
        thrown: {
          phase: 'default',
          name: 'InternalError',
          message: killed ? 'the sandbox did not stop in time and was terminated' : `the sandbox failed: ${(err as Error).message}`,
          stack: '',
        },
      };
    } finally {
      // An attempt that stopped by itself must not have its worker killed later, in the
      // middle of the next attempt.
      clearTimeout(timer);
      clearTimeout(cancelTimer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Replaces the worker: the next command starts a fresh one. */
  private async retire(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.opsPort?.close();
    await w?.terminate();
  }

  /** Whether a worker is running (tests: a retired worker is gone until the next command). */
  get workerThreadId(): number | undefined {
    return this.worker?.threadId;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.opsPort?.close();
    await w?.terminate();
  }
}
