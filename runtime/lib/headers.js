// Go's canonical MIME header keys (net/textproto.CanonicalMIMEHeaderKey).
// Self-contained: imported by guest modules (k6p:lib/headers) and directly by node tests.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `content-type` → `Content-Type`; keys with non-token characters are returned unchanged. */
export function canonicalHeaderKey(key) {
  const k = String(key);
  if (!TOKEN.test(k)) return k;
  let out = '';
  let upper = true;
  for (let i = 0; i < k.length; i++) {
    const c = k[i];
    if (upper && c >= 'a' && c <= 'z') out += c.toUpperCase();
    else if (!upper && c >= 'A' && c <= 'Z') out += c.toLowerCase();
    else out += c;
    upper = c === '-';
  }
  return out;
}

/**
 * k6 `params.headers` → a plain record: values String()-coerced, names canonicalised
 * (the last of two spellings wins), null/undefined values skipped.
 */
export function normalizeHeaders(headers) {
  const out = {};
  if (headers == null || typeof headers !== 'object') return out;
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v === null || v === undefined) continue;
    out[canonicalHeaderKey(k)] = String(v);
  }
  return out;
}
