// application/x-www-form-urlencoded (Go url.Values.Encode and the WHATWG URLSearchParams)
// and multipart/form-data bodies as k6 builds them.
// Self-contained: imported by guest modules (k6p:lib/form) and directly by node tests.

// ---- UTF-8 (a private copy: lib files do not import each other) ----

function utf8(str) {
  const s = String(str);
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
          continue;
        }
        c = 0xfffd;
      }
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return out;
}

function fromUtf8(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
    let need, cp, lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0xf; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 7; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
    else { out += '\ufffd'; i++; continue; }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const c = bytes[j];
      if (j >= bytes.length || c < lo || c > hi) { ok = false; break; }
      lo = 0x80; hi = 0xbf;
      cp = (cp << 6) | (c & 63);
    }
    out += ok ? String.fromCodePoint(cp) : '\ufffd';
    i = j;
  }
  return out;
}

const HEX = '0123456789ABCDEF';

// ---- Go url.Values.Encode (k6 object bodies) ----

/** Go url.QueryEscape. */
export function queryEscape(s) {
  let out = '';
  for (const b of utf8(s)) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

function formScalar(v, key, warnings) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' || typeof v === 'function') {
    warnings.push(`form field "${key}" has a nested object value, which cannot be encoded; sending an empty value`);
    return '';
  }
  return String(v);
}

/**
 * A plain object as k6 encodes it for a form body: keys sorted, array values repeated,
 * null/undefined as empty, nested objects as empty (with a warning).
 * @returns {{ body: string, warnings: string[] }}
 */
export function encodeForm(obj) {
  const warnings = [];
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [];
  for (const k of keys) {
    const v = obj[k];
    const values = Array.isArray(v) ? v.map((x) => formScalar(x, k, warnings)) : [formScalar(v, k, warnings)];
    for (const x of values) parts.push(`${queryEscape(k)}=${queryEscape(x)}`);
  }
  return { body: parts.join('&'), warnings };
}

// ---- multipart/form-data ----

function escapeQuotes(s) {
  return String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A random 60-hex-digit boundary (Go's multipart.Writer uses 30 random bytes). */
export function randomBoundary(random = Math.random) {
  let s = '';
  for (let i = 0; i < 60; i++) s += '0123456789abcdef'[Math.floor(random() * 16)];
  return s;
}

/**
 * Build a multipart/form-data body. `isFile(v)` tells file values ({data, filename,
 * content_type}) from plain fields; `bytesOf(data)` turns file data into bytes.
 * Fields are written in sorted key order; arrays become repeated parts.
 * @returns {{ body: Uint8Array, contentType: string }}
 */
export function encodeMultipart(obj, isFile, bytesOf, boundary = randomBoundary()) {
  const chunks = [];
  let size = 0;
  const push = (arr) => {
    chunks.push(arr);
    size += arr.length;
  };
  let first = true;
  const part = (headers, content) => {
    push(utf8(`${first ? '' : '\r\n'}--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`));
    first = false;
    push(content);
  };
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) {
    const v = obj[k];
    for (const x of Array.isArray(v) ? v : [v]) {
      if (isFile(x)) {
        const ct = x.content_type || 'application/octet-stream';
        part(
          [`Content-Disposition: form-data; name="${escapeQuotes(k)}"; filename="${escapeQuotes(x.filename)}"`, `Content-Type: ${ct}`],
          bytesOf(x.data),
        );
      } else {
        const s = x === null || x === undefined ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x);
        part([`Content-Disposition: form-data; name="${escapeQuotes(k)}"`], utf8(s));
      }
    }
  }
  push(utf8(`${first ? '' : '\r\n'}--${boundary}--\r\n`));
  const body = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    body.set(c, o);
    o += c.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

// ---- WHATWG URLSearchParams ----

function usv(v) {
  const s = String(v);
  // Replace lone surrogates with U+FFFD.
  return typeof s.toWellFormed === 'function' ? s.toWellFormed() : fromUtf8(utf8(s));
}

function formEncode(s) {
  let out = '';
  for (const b of utf8(s)) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

function isHex(c) {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function percentDecode(s) {
  const bytes = utf8(s);
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length + 0 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
      i += 2;
    } else out.push(b);
  }
  return fromUtf8(out);
}

/** Parse an application/x-www-form-urlencoded string into [name, value] pairs. */
export function parseUrlencoded(input) {
  const list = [];
  for (const seq of String(input).split('&')) {
    if (seq === '') continue;
    const eq = seq.indexOf('=');
    const name = eq < 0 ? seq : seq.slice(0, eq);
    const value = eq < 0 ? '' : seq.slice(eq + 1);
    list.push([percentDecode(name.replace(/\+/g, ' ')), percentDecode(value.replace(/\+/g, ' '))]);
  }
  return list;
}

/** Serialize [name, value] pairs as application/x-www-form-urlencoded. */
export function serializeUrlencoded(list) {
  return list.map(([n, v]) => `${formEncode(n)}=${formEncode(v)}`).join('&');
}

const hooks = new WeakMap(); // URLSearchParams → { list, onUpdate }

export class URLSearchParams {
  constructor(init = '') {
    const state = { list: [], onUpdate: null };
    hooks.set(this, state);
    if (init !== null && typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function') || typeof pair[Symbol.iterator] !== 'function') {
            throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          }
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          state.list.push([usv(p[0]), usv(p[1])]);
        }
      } else {
        for (const k of Reflect.ownKeys(init)) {
          if (typeof k !== 'string') continue;
          const d = Object.getOwnPropertyDescriptor(init, k);
          if (d && d.enumerable) state.list.push([usv(k), usv(init[k])]);
        }
      }
    } else {
      let s = usv(init);
      if (s.startsWith('?')) s = s.slice(1);
      state.list = parseUrlencoded(s);
    }
  }
  #state() {
    const s = hooks.get(this);
    if (!s) throw new TypeError('Illegal invocation');
    return s;
  }
  #changed() {
    const s = this.#state();
    if (s.onUpdate) s.onUpdate(serializeUrlencoded(s.list));
  }
  get size() {
    return this.#state().list.length;
  }
  append(name, value) {
    if (arguments.length < 2) throw new TypeError('The "name" and "value" arguments must be specified');
    this.#state().list.push([usv(name), usv(value)]);
    this.#changed();
  }
  delete(name, value) {
    if (arguments.length < 1) throw new TypeError('The "name" argument must be specified');
    const s = this.#state();
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    s.list = s.list.filter(([a, b]) => !(a === n && (v === undefined || b === v)));
    this.#changed();
  }
  get(name) {
    if (arguments.length < 1) throw new TypeError('The "name" argument must be specified');
    const n = usv(name);
    const e = this.#state().list.find(([a]) => a === n);
    return e ? e[1] : null;
  }
  getAll(name) {
    if (arguments.length < 1) throw new TypeError('The "name" argument must be specified');
    const n = usv(name);
    return this.#state().list.filter(([a]) => a === n).map(([, b]) => b);
  }
  has(name, value) {
    if (arguments.length < 1) throw new TypeError('The "name" argument must be specified');
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    return this.#state().list.some(([a, b]) => a === n && (v === undefined || b === v));
  }
  set(name, value) {
    if (arguments.length < 2) throw new TypeError('The "name" and "value" arguments must be specified');
    const s = this.#state();
    const n = usv(name);
    const v = usv(value);
    const i = s.list.findIndex(([a]) => a === n);
    if (i < 0) s.list.push([n, v]);
    else {
      s.list[i] = [n, v];
      s.list = s.list.filter(([a], j) => j <= i || a !== n);
    }
    this.#changed();
  }
  sort() {
    const s = this.#state();
    // Stable sort by UTF-16 code units (Array.prototype.sort is stable).
    s.list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.#changed();
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
    const s = this.#state();
    for (let i = 0; i < s.list.length; i++) callback.call(thisArg, s.list[i][1], s.list[i][0], this);
  }
  *entries() {
    const s = this.#state();
    for (let i = 0; i < s.list.length; i++) yield [s.list[i][0], s.list[i][1]];
  }
  *keys() {
    for (const [k] of this.entries()) yield k;
  }
  *values() {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
  toString() {
    return serializeUrlencoded(this.#state().list);
  }
  get [Symbol.toStringTag]() {
    return 'URLSearchParams';
  }
}

/** For URL: be told when the params change (`fn(serialized)`). */
export function bindSearchParams(params, fn) {
  hooks.get(params).onUpdate = fn;
}

/** For URL: replace the list after the URL's query changed (no update callback). */
export function resetSearchParams(params, query) {
  const s = hooks.get(params);
  let q = String(query);
  if (q.startsWith('?')) q = q.slice(1);
  s.list = parseUrlencoded(q);
}
