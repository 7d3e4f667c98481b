// Runs one attempt inside the worker: a fresh engine, the prelude, the user's module,
// then setup() → default(data) (or each options.scenarios exec function, in order) →
// teardown(data) as k6 would, with the event loop for promises and timers. Returns what
// happened as plain data; never throws.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten-core';
import { dumpJson, describeThrown, installHostFunction, parseInGuest } from './binding.js';
import { guestSources } from './guest-sources.js';
import { installModuleLoader } from './modules.js';
import { prepareSpareEngine, takeEngine } from './quickjs.js';
import { newJournal } from './ops/core.js';
import { checkPhase, isWorkerOp, opSpec, runWorkerOp } from './ops/registry.js';
import { GuestError, type OpContext, type OpResult, type Phase, type WorkerEnv } from './ops/types.js';
import type { AttemptCommand, LimitHit, ThrownInfo, WorkerOutcome } from './protocol.js';
import type { RemoteChannel } from './worker-channel.js';
import { entryPoints, type EntryPoint } from './entry-points.js';

/** Load options a one-shot validation ignores (noted once). Scenarios are read for their
 *  exec functions; thresholds on http_req_failed and checks are judged by the host. */
const LOAD_OPTIONS = ['vus', 'duration', 'iterations', 'stages', 'rps', 'executor'];

export async function runGuestAttempt(cmd: AttemptCommand, channel: RemoteChannel): Promise<WorkerOutcome> {
  const journal = newJournal();
  journal.onCheck = (name, group, passed) => channel.event({ type: 'check', name, group, passed });
  journal.onConsole = (rec) => channel.event({ type: 'console', ...rec });
  const completed: Phase[] = [];
  const notices: string[] = [];
  let thrown: ThrownInfo | undefined;
  let limit: LimitHit | undefined;
  let stopForAbort = false;
  let nothingToRun: string | undefined;

  const opCtx: OpContext = {
    phase: 'init',
    deadline: cmd.deadline,
    files: new Map(cmd.files),
    currentFile: cmd.entry,
    ...(cmd.root ? { root: cmd.root } : {}),
  };
  let scriptOptions: unknown = {};
  let scenario: EntryPoint | undefined;
  // As in k6, setup() and teardown() run outside any VU: __VU is 0 there.
  const info = () => ({
    ...cmd.info,
    vu: opCtx.phase === 'setup' || opCtx.phase === 'teardown' ? 0 : cmd.info.vu,
    phase: opCtx.phase,
    options: scriptOptions,
    ...(scenario ? { scenario: { name: scenario.scenario, executor: scenario.executor } } : {}),
  });
  const sleep = (ms: number) => {
    const left = cmd.deadline - Date.now();
    channel.sleep(Math.min(ms, Math.max(0, left)));
    if (ms >= left) {
      limit = 'timeout';
      throw new GuestError('interrupted', 'InternalError');
    }
    if (channel.cancelled()) throw new GuestError('interrupted', 'InternalError');
  };
  const env: WorkerEnv = { ctx: opCtx, journal, info, sleep };
  // Every guest call goes through the registry: unknown ops and phase rules are refused
  // here; worker ops run now, main-thread ops cross as the guest's JSON, decoded there.
  const dispatch = (op: string, json: string | undefined, buffers: Uint8Array[]): OpResult | void => {
    const spec = opSpec(op);
    checkPhase(op, spec, opCtx.phase);
    if (isWorkerOp(spec)) {
      const r = runWorkerOp(spec, json === undefined ? undefined : JSON.parse(json), buffers, env);
      if (op === 'test.abort') stopForAbort = true;
      return r;
    }
    try {
      return channel.call(op, json, buffers, cmd.deadline);
    } finally {
      if (Date.now() >= cmd.deadline) limit ??= 'timeout';
    }
  };

  let ctx: QuickJSContext | undefined;
  let rt: QuickJSRuntime | undefined;
  const held: QuickJSHandle[] = [];
  let result: WorkerOutcome | undefined;
  try {
    const engine = await takeEngine(cmd.memoryLimitBytes);
    rt = engine.newRuntime();
    rt.setMemoryLimit(cmd.memoryLimitBytes);
    rt.setMaxStackSize(cmd.stackLimitBytes);
    rt.setInterruptHandler(() => {
      if (channel.cancelled() || stopForAbort) return true;
      if (Date.now() >= cmd.deadline) {
        limit ??= 'timeout';
        return true;
      }
      return false;
    });
    const guest = guestSources();
    installModuleLoader(rt, guest.modules, cmd.modules);
    ctx = rt.newContext();
    const c = ctx;
    installHostFunction(c, dispatch);

    // The prelude installs globals and captures the host door; errors here are ours, not the user's.
    const prelude = settle(c, rt, c.unwrapResult(c.evalCode(guest.modules[guest.prelude]!, guest.prelude, { type: 'module' })), null, cmd.deadline, channel);
    if (!prelude.ok) throw new Error(`runtime prelude failed: ${describeThrown(c, prelude.error).message}`);
    prelude.value.dispose();
    const hooks = c.getProp(c.global, '__k6p_loop_hooks');
    held.push(hooks);
    c.setProp(c.global, '__k6p_loop_hooks', c.undefined);
    const loop = { c, rt, hooks };

    const runPhase = (phase: Phase, produce: () => { value: QuickJSHandle } | { error: QuickJSHandle }): QuickJSHandle | undefined => {
      opCtx.phase = phase;
      const r = produce();
      if ('error' in r) {
        record(phase, r.error);
        return undefined;
      }
      const s = settle(c, rt!, r.value, loop, cmd.deadline, channel);
      if (!s.ok) {
        record(phase, s.error);
        return undefined;
      }
      completed.push(phase);
      return s.value;
    };
    const record = (phase: Phase, errH: QuickJSHandle) => {
      const d = errH.alive ? describeThrown(c, errH) : { name: 'InternalError', message: 'interrupted', stack: '' };
      if (errH.alive) errH.dispose();
      thrown ??= { phase, ...d };
      // The loop's own "interrupted" at the deadline (a promise, timer or socket still pending)
      // is the attempt's timeout, not a script error.
      limit ??= classifyLimit(d) ?? (Date.now() >= cmd.deadline && !channel.cancelled() ? 'timeout' : undefined);
    };

    const ns = runPhase('init', () => {
      const r = c.evalCode(cmd.modules[cmd.entry]!.code, cmd.entry, { type: 'module' });
      return r.error ? { error: r.error } : { value: r.value };
    });
    if (!ns) return finish();
    held.push(ns);

    const options = c.getProp(ns, 'options').consume((h) => (c.typeof(h) === 'object' ? dumpJson(c, h) : undefined));
    if (options && typeof options === 'object') {
      const ignored = LOAD_OPTIONS.filter((k) => k in (options as object));
      if (ignored.length) notices.push(`options ${ignored.join(', ')} are for load tests; a validation runs the script once per attempt and ignores them`);
    }
    scriptOptions = options ?? {};
    channel.call('options', JSON.stringify({ options: scriptOptions }), [], cmd.deadline);

    const fn = (name: string) => {
      const h = c.getProp(ns, name);
      if (c.typeof(h) === 'function') {
        held.push(h);
        return h;
      }
      h.dispose();
      return undefined;
    };
    const plan = entryPoints(scriptOptions, (name) => {
      const h = c.getProp(ns, name);
      const isFn = c.typeof(h) === 'function';
      h.dispose();
      return isFn;
    });
    if ('missing' in plan) {
      nothingToRun = plan.missing;
      return finish();
    }
    const setupFn = fn('setup');
    const teardownFn = fn('teardown');

    let dataJson: string | undefined;
    if (setupFn) {
      const v = runPhase('setup', () => callGuest(c, setupFn, []));
      if (!v) return finish(); // k6: a failing setup skips the iterations and teardown
      dataJson = JSON.stringify(dumpJson(c, v));
      v.dispose();
    }
    if (stopForAbort) return finish();
    const withData = () => (dataJson === undefined ? [] : [parseInGuest(c, dataJson)]);
    // Each scenario's function once, in the order declared, like default: with setup()'s data.
    for (const entry of plan.run) {
      if (limit || stopForAbort || channel.cancelled()) break;
      const f = fn(entry.exec)!;
      scenario = entry;
      const args = withData();
      runPhase('default', () => callGuest(c, f, args))?.dispose();
      args.forEach((a) => a.dispose());
      scenario = undefined;
    }
    if (teardownFn && !channel.cancelled() && limit === undefined) {
      stopForAbort = false; // k6 still runs teardown after test.abort() in the iteration
      const args = withData();
      runPhase('teardown', () => callGuest(c, teardownFn, args))?.dispose();
      args.forEach((a) => a.dispose());
    }
    return finish();
  } catch (err) {
    // A host-level failure inside the engine (V8 stack overflow escaping WASM, an abort):
    // the engine instance is discarded with this attempt.
    const e = err as Error;
    const d = { name: e?.name ?? 'Error', message: String(e?.message ?? e), stack: '' };
    thrown ??= { phase: opCtx.phase, ...d };
    limit ??= e instanceof RangeError ? 'stack' : classifyLimit(d);
    return finish();
  } finally {
    for (const h of held.reverse()) {
      try {
        if (h.alive) h.dispose();
      } catch {
        /* disposal must never take the worker down */
      }
    }
    try {
      // Test switch (debug build only): leak one handle so that disposing fails for real.
      if (ctx && process.env.K6P_QUICKJS_DEBUG_BUILD === '1' && process.env.K6P_TEST_LEAK_HANDLE === '1') ctx.newObject();
      ctx?.dispose();
      rt?.dispose();
    } catch (err) {
      // A leaked handle or a corrupted engine: the instance is thrown away anyway.
      if (result) result.disposeError = String((err as Error)?.message ?? err);
    }
  }

  function finish(): WorkerOutcome {
    return (result = {
      checks: [...journal.checks.values()],
      console: journal.console,
      consoleDropped: journal.consoleDropped,
      failCalls: journal.failCalls,
      ...(journal.testFail !== undefined ? { testFail: journal.testFail } : {}),
      ...(journal.testAbort !== undefined ? { testAbort: journal.testAbort } : {}),
      ...(thrown ? { thrown } : {}),
      ...(limit && !journal.testAbort ? { limit } : {}),
      ...(channel.cancelled() ? { cancelled: true } : {}),
      ...(nothingToRun ? { nothingToRun } : {}),
      completed,
      notices,
    });
  }
}

function classifyLimit(d: { name: string; message: string }): LimitHit | undefined {
  const m = d.message.toLowerCase();
  if (m.includes('out of memory')) return 'memory';
  if (m.includes('stack overflow') || m.includes('maximum call stack')) return 'stack';
  return undefined;
}

function callGuest(c: QuickJSContext, fn: QuickJSHandle, args: QuickJSHandle[]): { value: QuickJSHandle } | { error: QuickJSHandle } {
  const r = c.callFunction(fn, c.undefined, ...args);
  return r.error ? { error: r.error } : { value: r.value };
}

type Settled = { ok: true; value: QuickJSHandle } | { ok: false; error: QuickJSHandle };

/** Drives the event loop until `h` (a promise or a plain value) settles, the deadline
 *  passes or the attempt is cancelled. `loop` is null while the prelude itself runs. */
function settle(
  c: QuickJSContext,
  rt: QuickJSRuntime,
  h: QuickJSHandle,
  loop: { hooks: QuickJSHandle } | null,
  deadline: number,
  channel: RemoteChannel,
): Settled {
  // Calls a method of the guest loop's hooks object (only once `loop` exists). Its
  // arguments are freed here; a guest error (a timer callback that throws) is a GuestThrew.
  const hook = (name: string, ...args: QuickJSHandle[]): QuickJSHandle => {
    const fn = c.getProp(loop!.hooks, name);
    try {
      const r = c.callFunction(fn, loop!.hooks, ...args);
      if (r.error) throw new GuestThrew(r.error);
      return r.value;
    } finally {
      fn.dispose();
      args.forEach((a) => a.alive && a.dispose());
    }
  };
  // As in k6, a phase ends when its value has settled and the event loop has nothing left
  // (timers, WebSocket sessions, async requests): `value` holds the settled value meanwhile.
  let waiting: QuickJSHandle | undefined = h;
  let value: QuickJSHandle | undefined;
  const drop = () => {
    if (waiting?.alive) waiting.dispose();
    if (value?.alive) value.dispose();
  };
  try {
    return drive();
  } catch (err) {
    // The error ends the phase like a rejection; what it waited on is freed with it.
    if (!(err instanceof GuestThrew)) throw err;
    drop();
    return { ok: false, error: err.handle };
  }

  function drive(): Settled {
    const busy = () =>
      hook('nextDue').consume((v) => c.getNumber(v)) >= 0 || hook('pendingOps').consume((v) => c.getNumber(v)) > 0;
    for (;;) {
      const jobs = rt.executePendingJobs();
      if (jobs.error) {
        // A job threw outside any promise chain we wait on (e.g. an interrupt inside a
        // callback): surface it as the phase's error.
        drop();
        return { ok: false, error: jobs.error };
      }
      if (waiting) {
        const st = c.getPromiseState(waiting);
        if (st.type === 'fulfilled') {
          if (st.notAPromise) value = waiting;
          else {
            waiting.dispose();
            value = st.value;
          }
          waiting = undefined;
        } else if (st.type === 'rejected') {
          waiting.dispose();
          waiting = undefined;
          drop();
          return { ok: false, error: st.error };
        }
      }
      if (value && (!loop || !busy())) return { ok: true, value };
      if (!loop) {
        drop();
        return { ok: false, error: c.newError('the runtime prelude did not settle') };
      }
      const now = Date.now();
      if (channel.cancelled() || now >= deadline) {
        drop();
        return { ok: false, error: c.newError({ name: 'InternalError', message: 'interrupted' }) };
      }
      // Deliver finished async operations first, then due timers.
      const settled = channel.takeSettled();
      if (settled.length) {
        for (const s of settled) {
          hook(
            'settle',
            c.newNumber(s.id),
            s.ok ? c.true : c.false,
            c.newString(s.ok ? JSON.stringify(s.value ?? null) : (s.error ?? 'failed')),
            buffersToGuest(c, s.buffers ?? []),
          ).dispose();
        }
        continue;
      }
      const due = hook('nextDue').consume((v) => c.getNumber(v));
      if (due >= 0 && due <= now) {
        hook('runDue', c.newNumber(now)).dispose();
        continue;
      }
      const pending = hook('pendingOps').consume((v) => c.getNumber(v));
      if (due < 0 && pending === 0) {
        drop();
        return { ok: false, error: c.newError('the promise can never settle: nothing is pending (no timer, no request)') };
      }
      const until = Math.min(due >= 0 ? due : Infinity, deadline);
      channel.waitForSettle(until - now);
    }
  }
}

/** A guest exception out of a loop hook, carrying its handle. */
class GuestThrew extends Error {
  constructor(readonly handle: QuickJSHandle) {
    super('guest exception');
  }
}

function buffersToGuest(c: QuickJSContext, bufs: Uint8Array[]): QuickJSHandle {
  const arr = c.newArray();
  bufs.forEach((b, i) => {
    const ab = c.newArrayBuffer(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    c.setProp(arr, i, ab);
    ab.dispose();
  });
  return arr;
}
