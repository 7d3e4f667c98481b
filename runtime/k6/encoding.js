// k6/encoding: base64 in Go's four variants; strings are UTF-8.
import { base64Encode, base64Decode, variantOf } from 'k6p:lib/base64';
import { utf8Encode, utf8Decode, bytesOf } from 'k6p:lib/utf8';
import { asArrayBuffer } from 'k6p:support/guest';

function inputBytes(input) {
  if (typeof input === 'string') return utf8Encode(input);
  const b = bytesOf(input);
  if (b) return b;
  throw new TypeError(`invalid type ${input === null ? 'null' : typeof input}, expected string, []byte or ArrayBuffer`);
}

/** Base64-encode a string (as UTF-8) or bytes: std (default), rawstd, url or rawurl. */
export function b64encode(input, encoding) {
  const v = variantOf(encoding);
  return base64Encode(inputBytes(input), v.url, v.pad);
}

/** Decode base64 to an ArrayBuffer, or to a string (UTF-8) when format is "s". */
export function b64decode(input, encoding, format) {
  const v = variantOf(encoding);
  const s = typeof input === 'string' ? input : bytesOf(input) ? utf8Decode(bytesOf(input)) : String(input);
  const bytes = base64Decode(s, v.url, v.pad);
  if (format === 's') return utf8Decode(bytes);
  return asArrayBuffer(bytes);
}

export default { b64encode, b64decode };
