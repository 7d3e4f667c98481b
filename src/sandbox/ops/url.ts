// `url.parse`: WHATWG URL parsing for the guest's URL class, done by Node's parser.
// payload { url, base?, set?: [property, value] } → the URL's parts.
import { fields } from './decode.js';
import { ALL_PHASES, GuestError, workerOp } from './types.js';

const SETTABLE = new Set(['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash']);

export interface UrlParts {
  href: string;
  origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
}

function invalid(input: string): GuestError {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return new GuestError(`Invalid URL: ${shown}`, 'TypeError');
}

/** Parse (and optionally apply one setter), throwing the guest's TypeError when invalid. */
export function parseUrlParts(url: unknown, base?: unknown, set?: unknown): UrlParts {
  if (typeof url !== 'string') throw new GuestError('url.parse: url must be a string', 'TypeError');
  if (base !== undefined && base !== null && typeof base !== 'string') {
    throw new GuestError('url.parse: base must be a string', 'TypeError');
  }
  let u: URL;
  try {
    u = base === undefined || base === null ? new URL(url) : new URL(url, base);
  } catch {
    throw invalid(base === undefined || base === null ? url : `${url} (base ${base})`);
  }
  if (set !== undefined && set !== null) {
    if (!Array.isArray(set) || set.length !== 2 || typeof set[0] !== 'string' || typeof set[1] !== 'string' || !SETTABLE.has(set[0])) {
      throw new GuestError('url.parse: set must be [property, value]', 'TypeError');
    }
    const [prop, value] = set as [keyof UrlParts, string];
    try {
      (u as unknown as Record<string, string>)[prop] = value;
    } catch {
      throw invalid(value);
    }
  }
  return {
    href: u.href,
    origin: u.origin,
    protocol: u.protocol,
    username: u.username,
    password: u.password,
    host: u.host,
    hostname: u.hostname,
    port: u.port,
    pathname: u.pathname,
    search: u.search,
    hash: u.hash,
  };
}

export const parse = workerOp({
  phases: ALL_PHASES,
  doc: '`{ url, base?, set? }` → WHATWG URL parts (Node\'s parser)',
  decode: (raw) => fields(raw, 'url.parse'),
  run: (p) => ({ value: parseUrlParts(p.url, p.base, p.set) }),
});
