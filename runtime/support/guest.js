// Small helpers shared by the guest modules (not importable by user scripts).
import { call } from 'k6p:internal/host';

/** The attempt's info: { env, vu, iter, attempt, phase?, options }. Read fresh on every call. */
export function info() {
  return call('info').value || {};
}

/** The current lifecycle phase, or undefined when the host does not say. */
export function phase() {
  return info().phase;
}

/** A Uint8Array as an ArrayBuffer holding exactly its bytes (copied when it is a view of more). */
export function toArrayBuffer(u8) {
  if (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength && u8.buffer instanceof ArrayBuffer) return u8.buffer;
  return u8.slice().buffer;
}

/** Whatever the host sent as a buffer, as an ArrayBuffer. */
export function asArrayBuffer(b) {
  if (b instanceof ArrayBuffer) return b;
  if (ArrayBuffer.isView(b)) return toArrayBuffer(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  return new ArrayBuffer(0);
}

/** Log a warning the way k6 does (through the console op). */
export function warn(message) {
  call('console', { level: 'warn', message: String(message) });
}
