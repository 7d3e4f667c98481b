// Console message formatting the way k6 prints it: arguments joined by a space, strings
// as they are at the top level, objects as `{ key: "str", n: 1 }`, arrays as `[ 1, 2 ]`,
// functions as `[object Function]`, repeated ancestors as `[Circular]`.
// Self-contained: imported by guest modules (k6p:lib/format) and directly by node tests.

const MAX_DEPTH = 12;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function quote(s) {
  return JSON.stringify(s);
}

function errorString(e) {
  try {
    return String(e);
  } catch {
    return '[object Error]';
  }
}

function isDate(v) {
  return Object.prototype.toString.call(v) === '[object Date]';
}

function dateString(d) {
  const t = d.getTime();
  return Number.isNaN(t) ? 'Invalid Date' : quote(d.toISOString());
}

function formatKey(k) {
  return IDENT.test(k) ? k : quote(k);
}

function formatValue(v, seen, depth) {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return v.toString();
    case 'function':
      return '[object Function]';
  }
  if (v === null) return 'null';
  if (seen.includes(v)) return '[Circular]';
  if (v instanceof Error) return errorString(v);
  if (isDate(v)) return dateString(v);
  if (v instanceof RegExp) return String(v);
  if (depth >= MAX_DEPTH) return Array.isArray(v) ? '[Array]' : '[Object]';
  seen.push(v);
  try {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const parts = [];
      for (let i = 0; i < v.length; i++) parts.push(formatValue(v[i], seen, depth + 1));
      return `[ ${parts.join(', ')} ]`;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      if (v.length === 0) return '[]';
      return `[ ${Array.from(v, (x) => formatValue(x, seen, depth + 1)).join(', ')} ]`;
    }
    if (v instanceof ArrayBuffer) {
      return v.byteLength === 0 ? '[]' : `[ ${Array.from(new Uint8Array(v)).join(', ')} ]`;
    }
    if (v instanceof Map) {
      if (v.size === 0) return '{}';
      const parts = [];
      for (const [k, x] of v) parts.push(`${formatValue(k, seen, depth + 1)} => ${formatValue(x, seen, depth + 1)}`);
      return `{ ${parts.join(', ')} }`;
    }
    if (v instanceof Set) {
      if (v.size === 0) return '[]';
      return `[ ${Array.from(v, (x) => formatValue(x, seen, depth + 1)).join(', ')} ]`;
    }
    if (v instanceof Promise) return '{}';
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    const parts = [];
    for (const k of keys) {
      let x;
      try {
        x = v[k];
      } catch (e) {
        x = e;
      }
      parts.push(`${formatKey(k)}: ${formatValue(x, seen, depth + 1)}`);
    }
    return `{ ${parts.join(', ')} }`;
  } finally {
    seen.pop();
  }
}

/** One console argument: strings as they are at the top level, everything else formatted. */
export function formatArg(v) {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return errorString(v);
  return formatValue(v, [], 0);
}

/** A console call's arguments as one message. */
export function formatArgs(args) {
  const parts = [];
  for (let i = 0; i < args.length; i++) parts.push(formatArg(args[i]));
  return parts.join(' ');
}
