// k6p:host — the one door out of the sandbox. The host defines `__k6p_host` before
// any module runs; the prelude imports this module first, then deletes the global,
// so user code can never reach the raw function. Payloads and answers are encoded with
// intrinsics captured before user code runs (k6p:internal/intrinsics).
import { encodeJson, jsonParse } from 'k6p:internal/intrinsics';

const raw = globalThis.__k6p_host;

/**
 * Call a host operation (declared in src/sandbox/ops/).
 * @param {string} op
 * @param {unknown} [payload] JSON-serialisable; binary data as {buf: i} into `buffers`
 * @param {ArrayBuffer[]} [buffers]
 * @returns {{value: any, buffers: ArrayBuffer[]}}
 */
export function call(op, payload, buffers) {
  const out = raw(op, payload === undefined ? undefined : encodeJson(payload), buffers);
  if (out === undefined) return { value: undefined, buffers: [] };
  if (typeof out === 'string') return { value: jsonParse(out), buffers: [] };
  return { value: out[0] === undefined ? undefined : jsonParse(out[0]), buffers: out[1] || [] };
}
