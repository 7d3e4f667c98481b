// The globals k6 scripts expect. Imported by the prelude before the user's script.
import { call } from 'k6p:internal/host';
import { setTimeout, clearTimeout, setInterval, clearInterval } from 'k6p:internal/loop';
import { formatArgs } from 'k6p:lib/format';
import { TextEncoder, TextDecoder } from 'k6p:lib/utf8';
import { atob, btoa } from 'k6p:lib/base64';
import { URLSearchParams, bindSearchParams, resetSearchParams } from 'k6p:lib/form';
import { makeURLClass } from 'k6p:lib/url';
import { info, asArrayBuffer } from 'k6p:support/guest';
import { subtle, CryptoKey } from 'k6p:internal/webcrypto';

const g = globalThis;

function define(name, value) {
  Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
}

// ---- console ----
function logger(level) {
  return function (...args) {
    call('console', { level, message: formatArgs(args) });
  };
}
const console = {};
for (const [name, level] of [
  ['log', 'info'],
  ['debug', 'debug'],
  ['info', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
]) {
  Object.defineProperty(console, name, { value: logger(level), writable: true, configurable: true, enumerable: true });
}
define('console', console);

// ---- encoding, URL ----
define('TextEncoder', TextEncoder);
define('TextDecoder', TextDecoder);
define('atob', atob);
define('btoa', btoa);
define('URLSearchParams', URLSearchParams);
define(
  'URL',
  makeURLClass({
    parse(url, base, set) {
      const payload = { url };
      if (base !== undefined) payload.base = base;
      if (set !== undefined) payload.set = set;
      return call('url.parse', payload).value;
    },
    URLSearchParams,
    bindSearchParams,
    resetSearchParams,
  }),
);

// ---- timers ----
define('setTimeout', setTimeout);
define('clearTimeout', clearTimeout);
define('setInterval', setInterval);
define('clearInterval', clearInterval);

// ---- k6 globals ----
define('global', g);
const start = info();
define('__ENV', Object.assign({}, start.env || {}));
Object.defineProperty(g, '__VU', {
  configurable: true,
  enumerable: false,
  get() {
    const v = info().vu;
    return typeof v === 'number' ? v : 1;
  },
});
// k6 sets __ITER only for the default function's iterations (undefined elsewhere).
Object.defineProperty(g, '__ITER', {
  configurable: true,
  enumerable: false,
  get() {
    const i = info();
    if (i.phase !== undefined && i.phase !== 'default') return undefined;
    return typeof i.iter === 'number' ? i.iter : 0;
  },
});

// As in k6, a relative path resolves against the module that calls open(): the caller's
// file is the second frame of a fresh stack (the host accepts only the script's own files).
function callerFile() {
  const frame = String(new Error().stack || '').split('\n')[2] || '';
  const m = /\(?([^\s()]+):\d+:\d+\)?\s*$/.exec(frame);
  return m ? m[1] : '';
}
define('open', function open(path, mode) {
  const payload = { path: path === undefined ? '' : String(path), mode: mode === undefined ? '' : String(mode) };
  const from = callerFile();
  if (from) payload.from = from;
  const { value, buffers } = call('open', payload);
  if (value !== null && typeof value === 'object' && typeof value.buf === 'number') return asArrayBuffer(buffers[value.buf]);
  return value;
});

// ---- WebCrypto: getRandomValues, randomUUID, and subtle (done on the host) ----
function randomBytes(n) {
  if (n === 0) return new Uint8Array(0);
  const { value, buffers } = call('crypto.randomBytes', { n });
  return new Uint8Array(asArrayBuffer(buffers[value.buf]));
}
const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
const webCrypto = {
  getRandomValues(array) {
    if (!ArrayBuffer.isView(array) || array instanceof DataView || !INTEGER_ARRAYS.includes(array.constructor.name)) {
      const e = new TypeError('The data argument must be an integer-type TypedArray');
      e.name = 'TypeMismatchError';
      throw e;
    }
    if (array.byteLength > 65536) {
      const e = new Error(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`);
      e.name = 'QuotaExceededError';
      throw e;
    }
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
    return array;
  },
  randomUUID() {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
};
Object.defineProperty(webCrypto, 'subtle', { value: subtle, enumerable: true });
define('crypto', webCrypto);
define('CryptoKey', CryptoKey);
