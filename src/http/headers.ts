// Header shaping in k6's (Go's) form: canonical MIME names, repeats joined with ", ".
import { STATUS_CODES } from 'node:http';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Go's CanonicalMIMEHeaderKey: `x-request-id` → `X-Request-Id`; invalid names unchanged. */
export function canonicalHeaderName(name: string): string {
  if (!TOKEN.test(name)) return name;
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** undici raw headers (name, value, name, value … as Buffers) → ordered [name, value] pairs. */
export function rawHeaderPairs(raw: readonly (Buffer | string)[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
  }
  return out;
}

/** Response headers in k6 shape, plus the raw Set-Cookie lines (joining them is lossy). */
export function shapeResponseHeaders(pairs: readonly [string, string][]): {
  headers: Record<string, string>;
  setCookies: string[];
} {
  const multi = new Map<string, string[]>();
  const setCookies: string[] = [];
  for (const [n, v] of pairs) {
    const c = canonicalHeaderName(n);
    if (c === 'Set-Cookie') setCookies.push(v);
    const list = multi.get(c);
    if (list) list.push(v);
    else multi.set(c, [v]);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of multi) headers[k] = v.join(', ');
  return { headers, setCookies };
}

/** `"200 OK"`: the code plus the server's reason phrase (or the standard one). */
export function statusText(status: number, reason: string | undefined): string {
  const r = reason && reason.length > 0 ? reason : STATUS_CODES[status] ?? '';
  return r ? `${status} ${r}` : String(status);
}

/** Finds a header by case-insensitive name in a plain record. */
export function findHeader(h: Record<string, string>, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === n) return v;
  return undefined;
}

/** Removes every case-variant of a header name. */
export function deleteHeader(h: Record<string, string>, name: string): void {
  const n = name.toLowerCase();
  for (const k of Object.keys(h)) if (k.toLowerCase() === n) delete h[k];
}
