// Go durations (time.ParseDuration) plus k6's day suffix and numeric-milliseconds rule.
// Self-contained: imported by guest modules (k6p:lib/duration) and directly by node tests.

const UNITS = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5
  'μs': 1e-3, // U+03BC
  ms: 1,
  s: 1000,
  m: 60000,
  h: 3600000,
};

/** Parse a Go duration string; returns milliseconds (float). Throws Go's messages. */
export function parseGoDuration(input) {
  const orig = String(input);
  let s = orig;
  const quoted = JSON.stringify(orig);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s);
    const int = m[1];
    const frac = m[3];
    if (int === '' && (frac === undefined || frac === '')) throw new Error(`time: invalid duration ${quoted}`);
    s = s.slice(m[0].length);
    const u = /^[^0-9.]*/.exec(s)[0];
    if (u === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const mult = UNITS[u];
    if (mult === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u)} in duration ${quoted}`);
    s = s.slice(u.length);
    total += Number(`${int || '0'}.${frac || '0'}`) * mult;
  }
  return neg ? -total : total;
}

/** k6 extended duration: Go syntax with an optional leading whole-days part (`1d2h`). */
export function parseExtendedDuration(input) {
  const s = String(input);
  const d = s.indexOf('d');
  if (d < 0) return parseGoDuration(s);
  const days = s.slice(0, d);
  if (!/^[-+]?[0-9]+$/.test(days)) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  const rest = s.slice(d + 1);
  const dayMs = Number(days) * 86400000;
  if (rest === '') return dayMs;
  const restMs = parseGoDuration(rest);
  return dayMs < 0 || days.startsWith('-') ? dayMs - Math.abs(restMs) : dayMs + restMs;
}

/**
 * k6 duration value (types.GetDurationValue): a number is milliseconds; a string is an
 * extended duration or, failing that, a plain number of milliseconds. Returns ms.
 */
export function durationValueMs(v) {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`invalid duration value ${v}`);
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    try {
      return parseExtendedDuration(v);
    } catch (e) {
      const t = v.trim();
      if (t !== '' && Number.isFinite(Number(t))) return Number(t);
      throw e;
    }
  }
  throw new Error(`unable to parse duration of type ${v === null ? 'null' : typeof v}`);
}
