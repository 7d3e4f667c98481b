// The host half of the global `crypto.subtle` (WebCrypto), done by Node's own webcrypto.
// Answered on the main thread (Node's SubtleCrypto is asynchronous). Keys never cross as
// host objects: every key the host makes or imports goes back to the guest as its JWK
// plus the WebCrypto attributes (a "key descriptor"), and each operation imports it again
// for just that call. The host keeps nothing between calls, so there is nothing to bound.
//
//   webcrypto.<method>  payload { args: [...] }, buffers: BufferSources → { value } (same encoding)
//
// In payloads and answers, bytes are `{ "$buf": i }` (an index into the buffers) and keys
// are `{ "$key": { jwk, type, extractable, algorithm, usages } }`.
import { webcrypto } from 'node:crypto';
import { fields } from './decode.js';
import { ALL_PHASES, GuestError, mainOp, type OpResult } from './types.js';

const subtle = webcrypto.subtle;
type Key = webcrypto.CryptoKey;
// Node 20 has the class on the global object only (not on node:crypto's webcrypto).
const CryptoKeyClass = (globalThis as unknown as { CryptoKey: new () => Key }).CryptoKey;

export const WEBCRYPTO_PREFIX = 'webcrypto.';

interface KeyDescriptor {
  /** The key as a JWK; or, for PBKDF2/HKDF keys (never exportable), its raw bytes. */
  jwk?: webcrypto.JsonWebKey;
  raw?: unknown;
  type: string;
  extractable: boolean;
  algorithm: unknown;
  usages: string[];
}

/** Bytes, keys and plain values from the guest's encoding. Keys are imported again. */
async function fromWire(v: unknown, buffers: Uint8Array[]): Promise<unknown> {
  if (Array.isArray(v)) return Promise.all(v.map((x) => fromWire(x, buffers)));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$buf === 'number') {
    const b = buffers[o.$buf];
    if (!b) throw new GuestError('a buffer is missing', 'TypeError');
    return b;
  }
  if (o.$key && typeof o.$key === 'object') return importDescriptor(o.$key as KeyDescriptor, buffers);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = await fromWire(x, buffers);
  return out;
}

async function importDescriptor(d: KeyDescriptor, buffers: Uint8Array[]): Promise<Key> {
  if (!d || (typeof d.jwk !== 'object' && !d.raw) || !Array.isArray(d.usages)) throw new GuestError('not a CryptoKey', 'TypeError');
  const algorithm = (await fromWire(d.algorithm, buffers)) as webcrypto.AlgorithmIdentifier;
  if (!d.jwk) {
    const raw = (await fromWire(d.raw, buffers)) as Uint8Array;
    const k = await subtle.importKey('raw', raw, algorithm, false, d.usages as webcrypto.KeyUsage[]);
    rawMaterial.set(k, raw);
    return k;
  }
  const jwk = { ...d.jwk };
  delete jwk.key_ops; // the descriptor's usages are the key's; the JWK only carries material
  return subtle.importKey('jwk', jwk, algorithm as webcrypto.RsaHashedImportParams, true, d.usages as webcrypto.KeyUsage[]);
}

/** Answers in the guest's encoding: bytes to buffers, keys to descriptors. */
async function toWire(v: unknown, buffers: Uint8Array[]): Promise<unknown> {
  if (v instanceof ArrayBuffer) return { $buf: buffers.push(new Uint8Array(v)) - 1 };
  if (ArrayBuffer.isView(v)) return { $buf: buffers.push(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))) - 1 };
  if (v instanceof CryptoKeyClass) return { $key: await describe(v, buffers) };
  if (Array.isArray(v)) return Promise.all(v.map((x) => toWire(x, buffers)));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await toWire(x, buffers);
    return out;
  }
  return v;
}

/** Keys made here are always extractable on the host (to travel as JWK); the guest's
 *  CryptoKey keeps the extractable flag the script asked for and enforces it. */
const extractable = new WeakMap<Key, boolean>();
/** Raw bytes of keys WebCrypto never exports (PBKDF2, HKDF), as they were imported. */
const rawMaterial = new WeakMap<Key, Uint8Array>();

async function describe(k: Key, buffers: Uint8Array[]): Promise<KeyDescriptor> {
  const raw = rawMaterial.get(k);
  return {
    ...(raw ? { raw: { $buf: buffers.push(raw) - 1 } } : { jwk: await subtle.exportKey('jwk', k) }),
    type: k.type,
    extractable: extractable.get(k) ?? k.extractable,
    algorithm: await toWire(k.algorithm, buffers),
    usages: [...k.usages],
  };
}

function remember<T>(result: T, wanted: boolean): T {
  const mark = (k: unknown) => k instanceof CryptoKeyClass && extractable.set(k, wanted);
  if (result && typeof result === 'object' && 'privateKey' in result) {
    mark((result as unknown as webcrypto.CryptoKeyPair).privateKey);
    (result as unknown as webcrypto.CryptoKeyPair).publicKey && extractable.set((result as unknown as webcrypto.CryptoKeyPair).publicKey, true); // public keys are always extractable
  } else mark(result);
  return result;
}

export const MAX_RSA_BITS = 8192;

const METHODS = new Set(['digest', 'generateKey', 'importKey', 'exportKey', 'sign', 'verify', 'encrypt', 'decrypt', 'deriveBits', 'deriveKey', 'wrapKey', 'unwrapKey']);

export async function webcryptoOp(op: string, payload: unknown, buffers: Uint8Array[]): Promise<OpResult> {
  const method = op.slice(WEBCRYPTO_PREFIX.length);
  if (!METHODS.has(method)) throw new GuestError(`crypto.subtle.${method} is not supported`, 'NotSupportedError');
  const raw = (payload as { args?: unknown })?.args;
  if (!Array.isArray(raw)) throw new GuestError('invalid arguments', 'TypeError');
  const args = (await fromWire(raw, buffers)) as unknown[];
  // Key generation runs on the host's thread pool: keep one call's work bounded.
  const bits = Number((args[0] as { modulusLength?: unknown } | undefined)?.modulusLength ?? 0);
  if (method === 'generateKey' && bits > MAX_RSA_BITS) {
    throw new GuestError(`RSA keys of more than ${MAX_RSA_BITS} bits are not generated here (asked for ${bits})`, 'NotSupportedError');
  }
  let result: unknown;
  try {
    switch (method) {
      case 'generateKey':
        // Made extractable so it can travel; the guest keeps the script's flag.
        result = remember(await subtle.generateKey(args[0] as webcrypto.RsaHashedKeyGenParams, true, args[2] as webcrypto.KeyUsage[]), Boolean(args[1]));
        break;
      case 'importKey': {
        const name = String((args[2] as { name?: unknown })?.name ?? args[2]).toUpperCase();
        if (name === 'PBKDF2' || name === 'HKDF') {
          // Never exportable: it travels as the bytes it was imported from.
          const k = await subtle.importKey(args[0] as 'raw', args[1] as Uint8Array, args[2] as webcrypto.AlgorithmIdentifier, false, args[4] as webcrypto.KeyUsage[]);
          if (args[1] instanceof Uint8Array) rawMaterial.set(k, args[1]);
          result = remember(k, false);
          break;
        }
        result = remember(await subtle.importKey(args[0] as 'jwk', args[1] as webcrypto.JsonWebKey, args[2] as webcrypto.AlgorithmIdentifier, true, args[4] as webcrypto.KeyUsage[]), Boolean(args[3]));
        break;
      }
      case 'deriveKey':
        result = remember(await subtle.deriveKey(args[0] as webcrypto.EcdhKeyDeriveParams, args[1] as Key, args[2] as webcrypto.AesDerivedKeyParams, true, args[4] as webcrypto.KeyUsage[]), Boolean(args[3]));
        break;
      case 'unwrapKey':
        result = remember(
          await subtle.unwrapKey(args[0] as 'raw', args[1] as Uint8Array, args[2] as Key, args[3] as webcrypto.AlgorithmIdentifier, args[4] as webcrypto.AlgorithmIdentifier, true, args[6] as webcrypto.KeyUsage[]),
          Boolean(args[5]),
        );
        break;
      default:
        result = await (subtle as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args);
    }
  } catch (e) {
    const err = e as Error;
    throw new GuestError(err?.message ?? String(e), err?.name && err.name !== 'Error' ? err.name : 'OperationError');
  }
  const out: Uint8Array[] = [];
  return { value: await toWire(result, out), buffers: out };
}

/** One registry entry per `crypto.subtle` method (async on the main thread: Node's WebCrypto). */
const subtleOp = (method: string) =>
  mainOp({
    phases: ALL_PHASES,
    doc: `\`{ args }\` (keys as JWK or raw bytes, data as buffers) → \`crypto.subtle.${method}\`'s result`,
    decode: (raw) => fields(raw, WEBCRYPTO_PREFIX + method),
    run: (p, _env, buffers) => webcryptoOp(WEBCRYPTO_PREFIX + method, p, buffers),
  });

export const subtleDigest = subtleOp('digest');
export const subtleGenerateKey = subtleOp('generateKey');
export const subtleImportKey = subtleOp('importKey');
export const subtleExportKey = subtleOp('exportKey');
export const subtleSign = subtleOp('sign');
export const subtleVerify = subtleOp('verify');
export const subtleEncrypt = subtleOp('encrypt');
export const subtleDecrypt = subtleOp('decrypt');
export const subtleDeriveBits = subtleOp('deriveBits');
export const subtleDeriveKey = subtleOp('deriveKey');
export const subtleWrapKey = subtleOp('wrapKey');
export const subtleUnwrapKey = subtleOp('unwrapKey');
