// k6/crypto's host half: digests, HMACs and random bytes with node:crypto.
//   crypto.digest     { alg, enc? }  buffers: the data chunks      → string, or {buf:0} for binary
//   crypto.hmac       { alg, enc? }  buffers: [key, ...data chunks] → string, or {buf:0} for binary
//   crypto.randomBytes { n }                                        → {buf:0}
// `alg` uses k6's names (sha512_256 …); `enc` is hex, base64, base64url (padded),
// base64rawurl or binary (the default).
import { createHash, createHmac, randomBytes, type Hash, type Hmac } from 'node:crypto';
import { fields } from './decode.js';
import { ALL_PHASES, GuestError, workerOp, type OpResult } from './types.js';

const NODE_NAMES: Record<string, string> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

const ENCODINGS = new Set(['hex', 'base64', 'base64url', 'base64rawurl', 'binary']);
const MAX_RANDOM = 16 * 1024 * 1024;

const supported = new Map<string, boolean>();

/** Whether this Node/OpenSSL build can compute `alg` (md4 needs OpenSSL's legacy provider). */
export function algorithmSupported(alg: string): boolean {
  const name = NODE_NAMES[alg];
  if (!name) return false;
  let ok = supported.get(name);
  if (ok === undefined) {
    try {
      createHash(name).update('').digest();
      ok = true;
    } catch {
      ok = false;
    }
    supported.set(name, ok);
  }
  return ok;
}

function nodeAlg(alg: unknown): string {
  if (typeof alg !== 'string' || !(alg in NODE_NAMES)) throw new GuestError(`invalid algorithm: ${String(alg)}`);
  if (!algorithmSupported(alg)) {
    throw new GuestError(`${alg} is not available: the OpenSSL build of this Node.js does not provide it`);
  }
  return NODE_NAMES[alg]!;
}

function checkEnc(enc: unknown): string {
  if (enc === undefined || enc === null) return 'binary';
  if (typeof enc !== 'string' || !ENCODINGS.has(enc)) throw new GuestError(`invalid output encoding: ${String(enc)}`);
  return enc;
}

function output(h: Hash | Hmac, enc: string): OpResult {
  const digest = h.digest();
  switch (enc) {
    case 'hex':
      return { value: digest.toString('hex') };
    case 'base64':
      return { value: digest.toString('base64') };
    case 'base64url': {
      const s = digest.toString('base64url');
      return { value: s + '='.repeat((4 - (s.length % 4)) % 4) };
    }
    case 'base64rawurl':
      return { value: digest.toString('base64url') };
    default:
      return { value: { buf: 0 }, buffers: [new Uint8Array(digest)] };
  }
}

const hashPayload = (op: string) => (raw: unknown) => {
  const p = fields(raw, op);
  return { enc: checkEnc(p.enc), alg: nodeAlg(p.alg) };
};

export const digest = workerOp({
  phases: ALL_PHASES,
  doc: '`{ alg, enc? }` + data buffers → string or `{buf}`',
  decode: hashPayload('crypto.digest'),
  run: ({ alg, enc }, _env, buffers) => {
    const h = createHash(alg);
    for (const b of buffers) h.update(b);
    return output(h, enc);
  },
});

export const hmac = workerOp({
  phases: ALL_PHASES,
  doc: '`{ alg, enc? }` + [key, ...data] buffers → string or `{buf}`',
  decode: hashPayload('crypto.hmac'),
  run: ({ alg, enc }, _env, buffers) => {
    const [key, ...data] = buffers;
    const h = createHmac(alg, key ?? new Uint8Array(0));
    for (const b of data) h.update(b);
    return output(h, enc);
  },
});

export const random = workerOp({
  phases: ALL_PHASES,
  doc: '`{ n }` → `{buf}` (at most 16 MiB)',
  decode: (raw) => {
    const n = fields(raw, 'crypto.randomBytes').n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new GuestError('invalid size: must be a positive integer');
    if (n > MAX_RANDOM) throw new GuestError(`invalid size: at most ${MAX_RANDOM} bytes`);
    return n;
  },
  run: (n) => ({ value: { buf: 0 }, buffers: [new Uint8Array(randomBytes(n))] }),
});
