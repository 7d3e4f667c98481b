// Small typed readers for payloads that come from the guest: every field is checked
// before a handler sees it, and a wrong type is the guest's TypeError, never a host crash.
import { GuestError } from './types.js';

export type Fields = { readonly [k: string]: unknown };

/** The payload as an object; absent means empty. */
export function fields(raw: unknown, op: string): Fields {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new GuestError(`${op}: payload must be an object`, 'TypeError');
  return raw as Fields;
}

export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new GuestError(`${what} must be a string`, 'TypeError');
  return v;
}

export const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A value shown as text (messages, console lines): anything the guest passed, as a string. */
export const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v));

export const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export const bool = (v: unknown): boolean => v === true;

/** A plain object of strings (headers, string maps); other values are dropped. */
export function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** A plain object, or undefined. */
export const optObject = (v: unknown): Fields | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined);

export const none = (): undefined => undefined;
