// k6/crypto: hashes and HMACs computed by node:crypto on the host.
import { call } from 'k6p:internal/host';
import { utf8Encode, bytesOf } from 'k6p:lib/utf8';
import { hexEncode as hex } from 'k6p:lib/base64';
import { toArrayBuffer, asArrayBuffer } from 'k6p:support/guest';

const ALGORITHMS = ['md4', 'md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160'];
const ENCODINGS = ['hex', 'base64', 'base64url', 'base64rawurl', 'binary'];

function bytes(input) {
  if (typeof input === 'string') return utf8Encode(input);
  const b = bytesOf(input);
  if (b) return b;
  if (input === null || input === undefined) return new Uint8Array(0);
  return utf8Encode(String(input));
}

function checkAlgorithm(alg) {
  if (!ALGORITHMS.includes(alg)) throw new Error(`invalid algorithm: ${String(alg)}`);
}

function checkEncoding(enc) {
  if (!ENCODINGS.includes(enc)) throw new Error(`invalid output encoding: ${enc === undefined || enc === null ? '' : String(enc)}`);
}

function result(out, enc) {
  if (enc === 'binary') return asArrayBuffer(out.buffers[out.value.buf]);
  return out.value;
}

function digest(alg, chunks, enc) {
  checkAlgorithm(alg);
  checkEncoding(enc);
  return result(call('crypto.digest', { alg, enc }, chunks.map(toArrayBuffer)), enc);
}

function hmacOf(alg, key, chunks, enc) {
  checkAlgorithm(alg);
  checkEncoding(enc);
  return result(call('crypto.hmac', { alg, enc }, [bytes(key), ...chunks].map(toArrayBuffer)), enc);
}

export const md4 = (input, enc) => digest('md4', [bytes(input)], enc);
export const md5 = (input, enc) => digest('md5', [bytes(input)], enc);
export const sha1 = (input, enc) => digest('sha1', [bytes(input)], enc);
export const sha256 = (input, enc) => digest('sha256', [bytes(input)], enc);
export const sha384 = (input, enc) => digest('sha384', [bytes(input)], enc);
export const sha512 = (input, enc) => digest('sha512', [bytes(input)], enc);
export const sha512_224 = (input, enc) => digest('sha512_224', [bytes(input)], enc);
export const sha512_256 = (input, enc) => digest('sha512_256', [bytes(input)], enc);
export const ripemd160 = (input, enc) => digest('ripemd160', [bytes(input)], enc);

/** HMAC of `input` with `key` (strings as UTF-8, or ArrayBuffers). */
export function hmac(alg, key, input, enc) {
  return hmacOf(alg, key, [bytes(input)], enc);
}

class Hasher {
  #alg;
  #key;
  #chunks = [];
  constructor(alg, key) {
    this.#alg = alg;
    this.#key = key;
  }
  /** Add data (string as UTF-8, or bytes). */
  update(input) {
    this.#chunks.push(bytes(input).slice());
  }
  /** The digest of everything so far; can be called again (it does not finalise). */
  digest(enc) {
    return this.#key === undefined ? digest(this.#alg, this.#chunks, enc) : hmacOf(this.#alg, this.#key, this.#chunks, enc);
  }
}

export function createHash(alg) {
  checkAlgorithm(alg);
  return new Hasher(alg, undefined);
}

export function createHMAC(alg, key) {
  checkAlgorithm(alg);
  return new Hasher(alg, bytes(key).slice());
}

/** `n` cryptographically random bytes as an ArrayBuffer. */
export function randomBytes(n) {
  const size = Math.trunc(Number(n));
  if (!(size >= 1)) throw new Error('invalid size: must be at least 1');
  const out = call('crypto.randomBytes', { n: size });
  return asArrayBuffer(out.buffers[out.value.buf]);
}

/** Lower-case hex of a string (UTF-8) or bytes. */
export function hexEncode(data) {
  return hex(bytes(data));
}

export default {
  md4, md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256, ripemd160,
  hmac, createHash, createHMAC, randomBytes, hexEncode,
};
