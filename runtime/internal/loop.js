// k6p:internal/loop — the guest half of the event loop: timers and asynchronous host
// operations (http.asyncRequest). The host drives it through the hooks object, which it
// takes from the global object right after the prelude and then deletes.
import { call } from 'k6p:internal/host';
import { jsonParse } from 'k6p:internal/intrinsics';

const timers = new Map(); // id → { due, fn, args, every }
let lastTimerId = 0;
const pending = new Map(); // op id → { resolve, reject }

function addTimer(fn, ms, args, repeat) {
  if (typeof fn !== 'function') throw new TypeError('callback must be a function');
  const delay = Math.max(0, Number(ms) || 0);
  const id = ++lastTimerId;
  timers.set(id, { due: Date.now() + delay, fn, args, every: repeat ? Math.max(1, delay) : 0 });
  return id;
}

export function setTimeout(fn, ms, ...args) {
  return addTimer(fn, ms, args, false);
}
export function setInterval(fn, ms, ...args) {
  return addTimer(fn, ms, args, true);
}
export function clearTimeout(id) {
  timers.delete(id);
}
export const clearInterval = clearTimeout;

/** Start an asynchronous host operation; the promise settles when the host delivers its result. */
export function startOp(op, payload, buffers) {
  const { value: id } = call(op, payload, buffers);
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

globalThis.__k6p_loop_hooks = {
  /** Earliest timer due time (epoch ms), or -1 when there is none. */
  nextDue() {
    let min = -1;
    for (const t of timers.values()) if (min < 0 || t.due < min) min = t.due;
    return min;
  },
  pendingOps() {
    return pending.size;
  },
  /** Run every timer due at `now`, earliest first. */
  runDue(now) {
    const due = [...timers.entries()].filter(([, t]) => t.due <= now).sort((a, b) => a[1].due - b[1].due);
    for (const [id, t] of due) {
      if (!timers.has(id)) continue; // cleared by an earlier callback
      if (t.every) t.due = now + t.every;
      else timers.delete(id);
      t.fn(...t.args);
    }
  },
  /** Deliver an async op result: `json` is the JSON value, or an error message when !ok. */
  settle(id, ok, json, buffers) {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (ok) p.resolve({ value: jsonParse(json), buffers: buffers || [] });
    else p.reject(new Error(json));
  },
};
