// Time for the driver: a real clock on a monotonic source, and a virtual clock for
// deterministic tests (time jumps to the next timer whenever everything is waiting).
import { MAX_TIMER_MS } from '../plan/duration.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or early (never rejects) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall time anchored at process start and advanced by the monotonic clock (immune to clock steps). */
export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(t!);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Node fires a timer longer than 2^31 − 1 ms at once: chain shorter ones up to `end`.
      const end = performance.now() + Math.max(0, ms);
      let t: ReturnType<typeof setTimeout>;
      const arm = () => {
        const left = end - performance.now();
        if (left <= 0) return done();
        t = setTimeout(left > MAX_TIMER_MS ? arm : done, Math.min(left, MAX_TIMER_MS));
      };
      arm();
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Sleeps until the absolute time `at` (re-sleeping if a timer fires early). Returns early on abort. */
export async function sleepUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const left = at - clock.now();
    if (left <= 0 || signal?.aborted) return;
    await clock.sleep(left, signal);
  }
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export interface VirtualClock extends Clock {
  /** Timers not fired yet. */
  pending(): number;
}

/**
 * A clock whose time only moves when every piece of work is waiting on it: then it
 * jumps to the earliest timer. Work that awaits real I/O is not seen as waiting.
 */
export function createVirtualClock(startMs = Date.UTC(2026, 0, 1)): VirtualClock {
  let t = startMs;
  let seq = 0;
  let timers: Timer[] = [];
  let scheduled = false;
  const kick = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!timers.length) return;
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers.shift()!;
      t = Math.max(t, next.at);
      next.resolve();
      if (timers.length) kick();
    });
  };
  return {
    now: () => t,
    pending: () => timers.length,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer: Timer = {
          at: t + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          timers = timers.filter((x) => x !== timer);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        kick();
      }),
  };
}
