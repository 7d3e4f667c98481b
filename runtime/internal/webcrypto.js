// k6p:internal/webcrypto — `crypto.subtle` and `CryptoKey`. The work is done on the host
// by Node's WebCrypto (src/sandbox/ops/webcrypto.ts). A CryptoKey here holds its key as a
// JWK in a private slot (never a host object) that travels back for each operation.
import { call } from 'k6p:internal/host';
import { asArrayBuffer } from 'k6p:support/guest';

const material = new WeakMap(); // CryptoKey → { jwk } or { raw: ArrayBuffer }
let constructing = false;

export class CryptoKey {
  constructor() {
    if (!constructing) throw new TypeError('Illegal constructor');
  }
  get [Symbol.toStringTag]() {
    return 'CryptoKey';
  }
}

function makeKey(d, buffers) {
  constructing = true;
  let k;
  try {
    k = new CryptoKey();
  } finally {
    constructing = false;
  }
  Object.defineProperties(k, {
    type: { value: d.type, enumerable: true },
    extractable: { value: d.extractable, enumerable: true },
    algorithm: { value: Object.freeze(fromWire(d.algorithm, buffers)), enumerable: true },
    usages: { value: Object.freeze([...d.usages]), enumerable: true },
  });
  material.set(k, d.jwk ? { jwk: d.jwk } : { raw: fromWire(d.raw, buffers) });
  return k;
}

function isBufferSource(v) {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

function bytesOf(v) {
  if (v instanceof ArrayBuffer) return v.slice(0);
  return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
}

function toWire(v, buffers) {
  if (isBufferSource(v)) return { $buf: buffers.push(bytesOf(v)) - 1 };
  if (v instanceof CryptoKey) {
    const m = material.get(v);
    if (!m) throw new TypeError('not a CryptoKey');
    const held = m.jwk ? { jwk: m.jwk } : { raw: toWire(m.raw, buffers) };
    return { $key: { ...held, type: v.type, extractable: v.extractable, algorithm: toWire(v.algorithm, buffers), usages: [...v.usages] } };
  }
  if (Array.isArray(v)) return v.map((x) => toWire(x, buffers));
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v)) out[k] = toWire(v[k], buffers);
    return out;
  }
  return v;
}

function fromWire(v, buffers) {
  if (Array.isArray(v)) return v.map((x) => fromWire(x, buffers));
  if (!v || typeof v !== 'object') return v;
  if (typeof v.$buf === 'number') {
    return asArrayBuffer(buffers[v.$buf]);
  }
  if (v.$key) return makeKey(v.$key, buffers);
  const out = {};
  for (const k of Object.keys(v)) out[k] = fromWire(v[k], buffers);
  // An RSA key's publicExponent is a Uint8Array in WebCrypto.
  if (out.publicExponent instanceof ArrayBuffer) out.publicExponent = new Uint8Array(out.publicExponent);
  return out;
}

function run(method, args) {
  try {
    const buffers = [];
    const payload = { args: toWire(args, buffers) };
    const { value, buffers: back } = call('webcrypto.' + method, payload, buffers);
    return Promise.resolve(fromWire(value, back));
  } catch (e) {
    return Promise.reject(e);
  }
}

function needsExtractable(key, what) {
  if (key instanceof CryptoKey && !key.extractable) {
    const e = new Error(`${what}: the key is not extractable`);
    e.name = 'InvalidAccessError';
    throw e;
  }
}

export const subtle = {
  digest: (algorithm, data) => run('digest', [algorithm, data]),
  generateKey: (algorithm, extractable, usages) => run('generateKey', [algorithm, Boolean(extractable), usages]),
  importKey: (format, keyData, algorithm, extractable, usages) => run('importKey', [format, keyData, algorithm, Boolean(extractable), usages]),
  exportKey(format, key) {
    try {
      needsExtractable(key, 'exportKey');
    } catch (e) {
      return Promise.reject(e);
    }
    return run('exportKey', [format, key]).then((out) => {
      if (format === 'jwk' && out && typeof out === 'object') {
        out.ext = key.extractable;
        out.key_ops = [...key.usages];
      }
      return out;
    });
  },
  sign: (algorithm, key, data) => run('sign', [algorithm, key, data]),
  verify: (algorithm, key, signature, data) => run('verify', [algorithm, key, signature, data]),
  encrypt: (algorithm, key, data) => run('encrypt', [algorithm, key, data]),
  decrypt: (algorithm, key, data) => run('decrypt', [algorithm, key, data]),
  deriveBits: (algorithm, baseKey, length) => run('deriveBits', [algorithm, baseKey, length === undefined ? null : length]),
  deriveKey: (algorithm, baseKey, derivedKeyType, extractable, usages) => run('deriveKey', [algorithm, baseKey, derivedKeyType, Boolean(extractable), usages]),
  wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    try {
      needsExtractable(key, 'wrapKey');
    } catch (e) {
      return Promise.reject(e);
    }
    return run('wrapKey', [format, key, wrappingKey, wrapAlgorithm]);
  },
  unwrapKey: (format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, usages) =>
    run('unwrapKey', [format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, Boolean(extractable), usages]),
};
