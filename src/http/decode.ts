// Transparent response decompression (k6 decodes even though it never asks for it):
// gzip, deflate (zlib, with a raw-deflate fallback), br, and zstd where Node has it.
// Stacked encodings are undone last-applied first. The output is capped like the body.
import * as zlib from 'node:zlib';

export class DecodeError extends Error {
  constructor(readonly encoding: string, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
export class DecodedTooLarge extends Error {}

type Sync = (buf: Buffer, opts: { maxOutputLength: number }) => Buffer;
const zstd = (zlib as unknown as { zstdDecompressSync?: Sync }).zstdDecompressSync;

function one(encoding: string, buf: Buffer, max: number): Buffer {
  // maxOutputLength must be ≥ 1; +1 lets us tell "exactly max" from "more than max".
  const opts = { maxOutputLength: Math.max(1, max + 1) };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(buf, opts);
    case 'deflate':
      try {
        return zlib.inflateSync(buf, opts);
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw e;
        return zlib.inflateRawSync(buf, opts); // some servers send raw deflate
      }
    case 'br':
      return zlib.brotliDecompressSync(buf, opts);
    case 'zstd':
      if (!zstd) return buf;
      return zstd(buf, opts);
    default:
      return buf; // identity, or an encoding we do not know: leave the bytes alone
  }
}

/** Decodes `body` per a Content-Encoding header value. Throws DecodeError / DecodedTooLarge. */
export function decodeBody(contentEncoding: string | undefined, body: Buffer, maxBytes: number): Buffer {
  if (!contentEncoding || body.length === 0) return body;
  const encs = contentEncoding.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  let out = body;
  for (const enc of encs.reverse()) {
    try {
      out = one(enc, out, maxBytes);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new DecodedTooLarge();
      throw new DecodeError(enc, e);
    }
    if (out.length > maxBytes) throw new DecodedTooLarge();
  }
  return out;
}
