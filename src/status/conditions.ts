// metav1.Condition helpers: valid reasons, bounded messages, and the
// SetStatusCondition rule (lastTransitionTime moves only when status moves).
import type { Condition } from './types.js';

export const REASON_RE = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
export const MAX_MESSAGE_BYTES = 32768;
const MAX_REASON_LEN = 1024;

/** Turns any string into a valid condition reason (CamelCase where it has to invent one). */
export function toReason(s: string | undefined, fallback = 'Unknown'): string {
  if (s && REASON_RE.test(s) && s.length <= MAX_REASON_LEN) return s;
  const camel = (s ?? '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, MAX_REASON_LEN);
  return camel && REASON_RE.test(camel) ? camel : fallback;
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes on a character boundary, marking the cut. */
export function truncateUtf8(s: string, maxBytes: number, marker = '…'): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  const markBytes = Buffer.byteLength(marker);
  if (maxBytes < markBytes) return '';
  let end = maxBytes - markBytes;
  // Step back over UTF-8 continuation bytes so no character is split.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + marker;
}

/** RFC 3339 in UTC with second precision, as metav1.Time serialises. */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 in UTC with milliseconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Sets a condition like apimachinery's meta.SetStatusCondition: a new type is appended;
 * an existing one keeps its lastTransitionTime unless its status changes; reason, message
 * and observedGeneration are always replaced. Returns a new list and whether anything changed.
 */
export function setCondition(
  list: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  nowMs: number,
): { conditions: Condition[]; changed: boolean } {
  const cond: Condition = {
    ...next,
    reason: toReason(next.reason),
    message: truncateUtf8(next.message, MAX_MESSAGE_BYTES),
    lastTransitionTime: rfc3339Seconds(nowMs),
  };
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return { conditions: [...list, cond], changed: true };
  const old = list[i]!;
  if (old.status === cond.status) cond.lastTransitionTime = old.lastTransitionTime;
  const changed =
    old.status !== cond.status ||
    old.reason !== cond.reason ||
    old.message !== cond.message ||
    old.observedGeneration !== cond.observedGeneration;
  const out = [...list];
  out[i] = cond;
  return { conditions: out, changed };
}

export function findCondition(list: readonly Condition[], type: Condition['type']): Condition | undefined {
  return list.find((c) => c.type === type);
}
