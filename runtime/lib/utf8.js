// UTF-8 and the WHATWG TextEncoder/TextDecoder (UTF-8 only), in plain JS.
// Self-contained: imported by guest modules (k6p:lib/utf8) and directly by node tests.

/** Encode a string as UTF-8; lone surrogates become U+FFFD (USVString conversion). */
export function utf8Encode(str) {
  const s = String(str);
  const n = s.length;
  // Fast path for ASCII.
  let ascii = true;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  const out = new Uint8Array(n * 3);
  let o = 0;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[o++] = 0xf0 | (cp >> 18);
          out[o++] = 0x80 | ((cp >> 12) & 63);
          out[o++] = 0x80 | ((cp >> 6) & 63);
          out[o++] = 0x80 | (cp & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
      out[o++] = 0x80 | (c & 63);
    }
  }
  return out.slice(0, o);
}

/**
 * Decode UTF-8 bytes per the WHATWG decoder: maximal subparts of ill-formed sequences
 * become one U+FFFD each (or throw a TypeError when `fatal`).
 * Returns { text, rest } where `rest` is an incomplete trailing sequence when `stream`.
 */
export function utf8DecodeChunk(bytes, fatal, stream) {
  const n = bytes.length;
  let out = '';
  let parts = [];
  let i = 0;
  const bad = () => {
    if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
    out += '\ufffd';
  };
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
    } else {
      let need, cp, lower = 0x80, upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0xf;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 7;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else { bad(); i++; continue; }
      let j = i + 1;
      let ok = true;
      for (let k = 0; k < need; k++, j++) {
        if (j >= n) {
          if (stream) return { text: flush(parts, out), rest: bytes.slice(i) };
          ok = false;
          break;
        }
        const c = bytes[j];
        if (c < lower || c > upper) { ok = false; break; }
        lower = 0x80; upper = 0xbf;
        cp = (cp << 6) | (c & 63);
      }
      if (!ok) { bad(); i = j; continue; }
      out += String.fromCodePoint(cp);
      i = j;
    }
    if (out.length > 8192) { parts.push(out); out = ''; }
  }
  return { text: flush(parts, out), rest: null };
}

function flush(parts, out) {
  if (parts.length === 0) return out;
  parts.push(out);
  return parts.join('');
}

/** Lossy UTF-8 decode of a whole buffer (U+FFFD for invalid input). */
export function utf8Decode(bytes) {
  return utf8DecodeChunk(toBytes(bytes), false, false).text;
}

/** An ArrayBuffer, typed array or DataView as a Uint8Array view (no copy); otherwise null. */
export function bytesOf(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return new Uint8Array(v);
  return null;
}

function toBytes(v) {
  const b = bytesOf(v);
  if (b) return b;
  if (v === undefined) return new Uint8Array(0);
  throw new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView');
}

export class TextEncoder {
  get encoding() {
    return 'utf-8';
  }
  encode(input = '') {
    return utf8Encode(input);
  }
  encodeInto(src, dest) {
    if (!(dest instanceof Uint8Array)) throw new TypeError('The "dest" argument must be an instance of Uint8Array');
    const s = String(src);
    let read = 0;
    let written = 0;
    for (let i = 0; i < s.length; ) {
      const cp = s.codePointAt(i);
      const units = cp > 0xffff ? 2 : 1;
      const enc = utf8Encode(s.slice(i, i + units));
      if (written + enc.length > dest.length) break;
      dest.set(enc, written);
      written += enc.length;
      read += units;
      i += units;
    }
    return { read, written };
  }
  get [Symbol.toStringTag]() {
    return 'TextEncoder';
  }
}

const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];

export class TextDecoder {
  #fatal;
  #ignoreBOM;
  #pending = null;
  #bomSeen = false;
  constructor(label = 'utf-8', options = {}) {
    const l = String(label).trim().toLowerCase();
    if (!UTF8_LABELS.includes(l)) throw new RangeError(`The "${label}" encoding is not supported`);
    const o = options == null ? {} : options;
    this.#fatal = Boolean(o.fatal);
    this.#ignoreBOM = Boolean(o.ignoreBOM);
  }
  get encoding() {
    return 'utf-8';
  }
  get fatal() {
    return this.#fatal;
  }
  get ignoreBOM() {
    return this.#ignoreBOM;
  }
  decode(input, options = {}) {
    const stream = Boolean(options && options.stream);
    let bytes = toBytes(input);
    if (this.#pending) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending);
      joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = null;
    }
    let text, rest;
    try {
      ({ text, rest } = utf8DecodeChunk(bytes, this.#fatal, stream));
    } catch (e) {
      this.#bomSeen = false;
      throw e;
    }
    this.#pending = rest;
    if (!this.#ignoreBOM && !this.#bomSeen && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.#bomSeen = true;
    }
    if (!stream) {
      this.#bomSeen = false;
      this.#pending = null;
    }
    return text;
  }
  get [Symbol.toStringTag]() {
    return 'TextDecoder';
  }
}
