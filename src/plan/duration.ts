// Go duration syntax (time.ParseDuration / Duration.String), used for every duration
// flag and manifest field: `15s`, `2m`, `1h2m3.5s`, `250ms`, `1.5h`; units ns, us, µs,
// μs, ms, s, m, h. "0" is the only number accepted without a unit. Values are exact
// int64 nanoseconds (as in Go); the helpers below convert to milliseconds.

import { UsageError } from '../errors.js';

/** A usage error (exit 2) wherever it reaches the user. */
export class DurationError extends UsageError {
  override readonly name = 'DurationError';
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NS = (1n << 63n) - 1n;

/** How a bad value should have been written, for the error message. */
function hint(s: string): string {
  const t = s.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return `write it like ${t.replace(/^\+/, '')}s`;
  // `1m30`: a number at the end lacks its unit.
  if (/^[+-]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+(\d+\.?\d*|\.\d+)$/.test(t)) return `write it like ${t.replace(/^\+/, '')}s`;
  const days = /^(\d+)d$/.exec(t);
  if (days) return `days are not a unit; write it like ${Number(days[1]) * 24}h`;
  return 'write it like 15s, 2m, 1h30m or 250ms';
}

function invalid(s: string, why = 'is not a duration'): DurationError {
  return new DurationError(`${JSON.stringify(s)} ${why} (${hint(s)})`);
}

/** Parses a Go duration into nanoseconds. Throws `DurationError` with a fix-it hint. */
export function parseDurationNs(input: string): bigint {
  let s = input;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid(input);
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intPart = m[1]!;
    const fracPart = m[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw invalid(input);
    s = s.slice(m[0].length);
    const u = /^[^\d.]*/.exec(s)![0];
    if (u === '') throw invalid(input);
    const unit = UNIT_NS[u];
    if (unit === undefined) throw invalid(input, `has an unknown unit ${JSON.stringify(u)}`);
    s = s.slice(u.length);
    let v = BigInt(intPart || '0') * unit;
    if (fracPart) v += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += v;
    if (total > MAX_NS + (neg ? 1n : 0n)) throw invalid(input, 'is too large');
  }
  return neg ? -total : total;
}

export interface DurationRules {
  /** Reject values below zero (default true). */
  nonNegative?: boolean;
  /** Reject zero too (implies nonNegative). */
  positive?: boolean;
  /** The value becomes one timer (a request or attempt timeout): at most MAX_TIMEOUT_MS. */
  timer?: boolean;
}

/** Node's longest timer (2^31 − 1 ms, about 24.8 days); a longer setTimeout fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest timeout accepted (596h): under MAX_TIMER_MS with room for the graces added to it.
 *  Longer waits (interval, max duration) are chained and have no such limit. */
export const MAX_TIMEOUT_MS = 596 * 3_600_000;

/** Parses a Go duration into milliseconds (fractional below 1ms). */
export function parseDuration(input: string, rules: DurationRules = {}): number {
  const ns = parseDurationNs(input);
  if (rules.positive && ns <= 0n) throw new DurationError(`${JSON.stringify(input)} must be greater than zero`);
  if ((rules.nonNegative ?? true) && ns < 0n) throw new DurationError(`${JSON.stringify(input)} must not be negative`);
  const ms = Number(ns) / 1e6;
  if (rules.timer && ms > MAX_TIMEOUT_MS) throw new DurationError(tooLongForTimer(input));
  return ms;
}

/** The message for a timeout longer than a timer can hold. */
export function tooLongForTimer(input: string): string {
  return `${JSON.stringify(input)} is longer than the longest timeout, ${formatDuration(MAX_TIMEOUT_MS)} (Node's timers stop at about 24.8 days)`;
}

/** Go's Duration.String() for nanoseconds: `0s`, `1.5ms`, `300µs`, `1m30s`, `1h0m0s`. */
export function formatDurationNs(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const sign = neg ? '-' : '';
  const frac = (v: bigint, digits: number): string => {
    const scale = 10n ** BigInt(digits);
    const whole = v / scale;
    const rest = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : `${whole}`;
  };
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${frac(u, 3)}µs`;
    return `${sign}${frac(u, 6)}ms`;
  }
  const h = u / UNIT_NS.h!;
  u %= UNIT_NS.h!;
  const m = u / UNIT_NS.m!;
  u %= UNIT_NS.m!;
  const secs = `${frac(u, 9)}s`;
  if (h > 0n) return `${sign}${h}h${m}m${secs}`;
  if (m > 0n) return `${sign}${m}m${secs}`;
  return `${sign}${secs}`;
}

/** Go's Duration.String() for milliseconds (rounded to the nanosecond). */
export function formatDuration(ms: number): string {
  return formatDurationNs(BigInt(Math.round(ms * 1e6)));
}

/** A short human form for messages: `15s`, `1m30s`, `2h`, `250ms` (drops trailing zero units). */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const totalS = Math.round(ms / 100) / 10;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = Math.round((totalS % 60) * 10) / 10;
  let out = '';
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s || !out) out += `${s}s`;
  return out;
}
