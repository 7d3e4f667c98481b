// Base64 (Go encoding/base64 variants), the forgiving atob/btoa of the HTML spec, and hex.
// Self-contained: imported by guest modules (k6p:lib/base64) and directly by node tests.

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function reverse(alpha) {
  const m = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) m[alpha.charCodeAt(i)] = i;
  return m;
}
const STD_REV = reverse(STD);
const URL_REV = reverse(URL);

/** The k6 variant names: std (default), rawstd, url, rawurl. Unknown → std. */
export function variantOf(name) {
  switch (name) {
    case 'rawstd':
      return { url: false, pad: false };
    case 'url':
      return { url: true, pad: true };
    case 'rawurl':
      return { url: true, pad: false };
    default:
      return { url: false, pad: true };
  }
}

/** Encode bytes (Uint8Array) as base64. */
export function base64Encode(bytes, url = false, pad = true) {
  const a = url ? URL : STD;
  const n = bytes.length;
  const chunks = [];
  let out = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += a[v >> 18] + a[(v >> 12) & 63] + a[(v >> 6) & 63] + a[v & 63];
    if (out.length > 8192) { chunks.push(out); out = ''; }
  }
  if (i < n) {
    const rem = n - i;
    const v = (bytes[i] << 16) | (rem === 2 ? bytes[i + 1] << 8 : 0);
    out += a[v >> 18] + a[(v >> 12) & 63];
    if (rem === 2) out += a[(v >> 6) & 63] + (pad ? '=' : '');
    else if (pad) out += '==';
  }
  chunks.push(out);
  return chunks.join('');
}

/** A Go-style corrupt-input error. */
function corrupt(at) {
  return new Error(`illegal base64 data at input byte ${at}`);
}

/**
 * Decode like Go's base64.Encoding.DecodeString (non-strict): '\r' and '\n' are skipped,
 * padded variants need '=' padding, raw variants reject it. Throws Go's message on bad input.
 */
export function base64Decode(str, url = false, pad = true) {
  const s = String(str);
  const rev = url ? URL_REV : STD_REV;
  const len = s.length;
  const out = new Uint8Array(Math.ceil((len * 3) / 4));
  let o = 0;
  let si = 0;
  const q = [0, 0, 0, 0];
  for (;;) {
    let j = 0;
    let done = false;
    while (j < 4) {
      if (si === len) {
        if (j === 0) return out.slice(0, o);
        if (j === 1 || pad) throw corrupt(si - j);
        done = true;
        break;
      }
      const ch = s.charCodeAt(si++);
      if (ch === 10 || ch === 13) continue;
      if (ch === 61 && pad) {
        if (j < 2) throw corrupt(si - 1);
        if (j === 2) {
          while (si < len && (s.charCodeAt(si) === 10 || s.charCodeAt(si) === 13)) si++;
          if (si === len) throw corrupt(len);
          if (s.charCodeAt(si) !== 61) throw corrupt(si - 1);
          si++;
        }
        while (si < len && (s.charCodeAt(si) === 10 || s.charCodeAt(si) === 13)) si++;
        if (si < len) throw corrupt(si);
        done = true;
        break;
      }
      const v = ch < 128 ? rev[ch] : -1;
      if (v < 0) throw corrupt(si - 1);
      q[j++] = v;
    }
    const v = (q[0] << 18) | (q[1] << 12) | ((j > 2 ? q[2] : 0) << 6) | (j > 3 ? q[3] : 0);
    out[o++] = (v >> 16) & 255;
    if (j > 2) out[o++] = (v >> 8) & 255;
    if (j > 3) out[o++] = v & 255;
    if (done) return out.slice(0, o);
  }
}

function invalidCharacter(message) {
  const e = new Error(message);
  e.name = 'InvalidCharacterError';
  return e;
}

/** HTML `btoa`: a Latin-1 string to base64; code units above 0xFF throw. */
export function btoa(data) {
  if (arguments.length === 0) throw new TypeError('btoa requires 1 argument');
  const s = String(data);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw invalidCharacter('Invalid character');
    bytes[i] = c;
  }
  return base64Encode(bytes, false, true);
}

/** HTML `atob` (forgiving-base64 decode) to a Latin-1 string. */
export function atob(data) {
  if (arguments.length === 0) throw new TypeError('atob requires 1 argument');
  let s = String(data).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/==?$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
    throw invalidCharacter('The string to be decoded is not correctly encoded.');
  }
  const bytes = base64Decode(s, false, false);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

const HEX = '0123456789abcdef';

/** Lower-case hex of bytes. */
export function hexEncode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return out;
}
