// Expected HTTP status codes: `200,204`, `200-299`, `2xx`, or a manifest list such as
// `[200, 204]` or `["200-299", 304]`. Shared by `check --expect` and
// `connectivityCheck.expectedStatusCodes`.

export type StatusRange = readonly [lo: number, hi: number];

import { UsageError } from '../errors.js';
import { DEFAULT_EXPECT_TEXT } from './defaults.js';

export class ExpectError extends UsageError {
  override readonly name = 'ExpectError';
}


const MIN = 100;
const MAX = 599;

function code(s: string, whole: string): number {
  if (!/^\d{3}$/.test(s)) {
    throw new ExpectError(`${JSON.stringify(whole)}: ${JSON.stringify(s)} is not a status code (write codes and ranges like 200,204 or 200-299)`);
  }
  const n = Number(s);
  if (n < MIN || n > MAX) throw new ExpectError(`${JSON.stringify(whole)}: ${n} is outside ${MIN}-${MAX}`);
  return n;
}

/** Parses one item: `204`, `200-299`, `2xx`. */
function item(raw: string, whole: string): StatusRange {
  const s = raw.trim();
  const cls = /^([1-5])xx$/i.exec(s);
  if (cls) {
    const base = Number(cls[1]) * 100;
    return [base, base + 99];
  }
  const dash = s.indexOf('-');
  if (dash > 0) {
    const lo = code(s.slice(0, dash).trim(), whole);
    const hi = code(s.slice(dash + 1).trim(), whole);
    if (lo > hi) throw new ExpectError(`${JSON.stringify(whole)}: range ${lo}-${hi} is backwards (write it like ${hi}-${lo})`);
    return [lo, hi];
  }
  const n = code(s, whole);
  return [n, n];
}

/** Parses a `--expect` string or a manifest list into sorted, merged ranges. */
export function parseExpect(input: string | readonly (number | string)[]): StatusRange[] {
  const parts: string[] = typeof input === 'string' ? input.split(',') : input.map((v) => String(v));
  const whole = typeof input === 'string' ? input : parts.join(',');
  if (parts.length === 0 || parts.every((p) => p.trim() === '')) {
    throw new ExpectError('expected at least one status code (write codes and ranges like 200,204 or 200-299)');
  }
  const ranges = parts.map((p) => {
    if (p.trim() === '') throw new ExpectError(`${JSON.stringify(whole)}: empty entry`);
    return item(p, whole);
  });
  return mergeRanges(ranges);
}

export function mergeRanges(ranges: readonly StatusRange[]): StatusRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function statusExpected(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

/** `200-299,304` — the form `parseExpect` reads back. */
export function formatExpect(ranges: readonly StatusRange[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',');
}

/** The default, as k6 and Kubernetes probes see success: 200–399 (src/plan/defaults.ts). */
export const DEFAULT_EXPECT: readonly StatusRange[] = parseExpect(DEFAULT_EXPECT_TEXT);
