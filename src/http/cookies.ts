// Cookie jars with the matching rules of Go's net/http/cookiejar (which k6 uses), minus the
// public suffix list: host-only vs domain cookies, path prefix matching, Secure, expiry.
import { isIP } from 'node:net';
import type { ResponseCookie } from './types.js';

/** Go's zero time.Time converted the way k6 does (UnixNano overflows): what k6 reports
 *  as `expires` for a cookie without Expires. */
export const GO_ZERO_TIME_MS = -6795364578871;

interface StoredCookie {
  name: string;
  value: string;
  domain: string; // lower case, no leading dot
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  expires: number | null; // epoch ms; null = session
  created: number;
  seq: number;
}

export interface SetCookieAttrs {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: number; // epoch ms
  maxAge?: number; // seconds; <= 0 deletes
  secure: boolean;
  httpOnly: boolean;
}

/** Parses one Set-Cookie header value. Returns null for an invalid line (Go drops those). */
export function parseSetCookie(line: string): SetCookieAttrs | null {
  const parts = line.split(';');
  const first = parts.shift()!;
  const eq = first.indexOf('=');
  if (eq <= 0) return null;
  const name = first.slice(0, eq).trim();
  let value = first.slice(eq + 1).trim();
  if (!name || /[\s=;,"]/.test(name)) return null;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  const c: SetCookieAttrs = { name, value, secure: false, httpOnly: false };
  for (const p of parts) {
    const i = p.indexOf('=');
    const k = (i < 0 ? p : p.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? '' : p.slice(i + 1).trim();
    switch (k) {
      case 'domain':
        if (v) c.domain = v.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        if (v.startsWith('/')) c.path = v;
        break;
      case 'expires': {
        const t = Date.parse(v);
        if (!Number.isNaN(t)) c.expires = t;
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(v)) c.maxAge = Number(v);
        break;
      case 'secure':
        c.secure = true;
        break;
      case 'httponly':
        c.httpOnly = true;
        break;
    }
  }
  return c;
}

/** A response cookie in k6's JS shape (`res.cookies`). */
export function toResponseCookie(c: SetCookieAttrs): ResponseCookie {
  return {
    name: c.name,
    value: c.value,
    domain: c.domain ?? '',
    path: c.path ?? '',
    http_only: c.httpOnly,
    secure: c.secure,
    max_age: c.maxAge ?? 0,
    expires: c.expires ?? GO_ZERO_TIME_MS,
  };
}

function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const i = pathname.lastIndexOf('/');
  return i === 0 ? '/' : pathname.slice(0, i);
}

function pathMatch(reqPath: string, cookiePath: string): boolean {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
}

function hostOf(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
}

function domainMatch(host: string, c: StoredCookie): boolean {
  if (c.hostOnly) return host === c.domain;
  return host === c.domain || (host.endsWith('.' + c.domain) && !isIP(host));
}

/** A name-keyed record for cookies: no prototype, so any cookie name (`__proto__`,
 *  `constructor`) is an ordinary key. JSON.stringify and the guest's JSON.parse keep it so. */
export const cookieRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

let seqCounter = 0;

export class CookieJar {
  private cookies = new Map<string, StoredCookie>();
  constructor(private readonly now: () => number = Date.now) {}

  private key(c: { domain: string; path: string; name: string }): string {
    return `${c.domain};${c.path};${c.name}`;
  }

  /** Stores one cookie as received from `url` (Set-Cookie) or set by a script. Returns false when rejected. */
  set(url: URL, attrs: SetCookieAttrs): boolean {
    const host = hostOf(url);
    let domain = host;
    let hostOnly = true;
    if (attrs.domain) {
      // Go cookiejar without a public suffix list: the attribute must equal the host or be a
      // parent domain of it; an IP host accepts only its own address, as a host-only cookie.
      const d = attrs.domain.toLowerCase().replace(/^\./, '');
      if (isIP(host)) {
        if (d !== host) return false;
      } else {
        if (!d || d.endsWith('.') || (host !== d && !host.endsWith('.' + d))) return false;
        domain = d;
        hostOnly = false;
      }
    }
    const path = attrs.path && attrs.path.startsWith('/') ? attrs.path : defaultPath(url.pathname);
    let expires: number | null = null;
    if (attrs.maxAge !== undefined) {
      expires = attrs.maxAge <= 0 ? 0 : this.now() + attrs.maxAge * 1000;
    } else if (attrs.expires !== undefined) {
      expires = attrs.expires;
    }
    const k = this.key({ domain, path, name: attrs.name });
    if (expires !== null && expires <= this.now()) {
      this.cookies.delete(k);
      return true;
    }
    const old = this.cookies.get(k);
    this.cookies.set(k, {
      name: attrs.name,
      value: attrs.value,
      domain,
      hostOnly,
      path,
      secure: attrs.secure,
      httpOnly: attrs.httpOnly,
      expires,
      created: old?.created ?? this.now(),
      seq: old?.seq ?? seqCounter++,
    });
    return true;
  }

  /** Stores every Set-Cookie line of a response. */
  storeSetCookies(url: URL, lines: readonly string[]): void {
    for (const l of lines) {
      const c = parseSetCookie(l);
      if (c) this.set(url, c);
    }
  }

  /** Cookies to send to `url`, in Go's order (longer path first, then older first). */
  cookiesFor(url: URL): { name: string; value: string }[] {
    const host = hostOf(url);
    const https = url.protocol === 'https:';
    const path = url.pathname || '/';
    const now = this.now();
    const out: StoredCookie[] = [];
    for (const [k, c] of this.cookies) {
      if (c.expires !== null && c.expires <= now) {
        this.cookies.delete(k);
        continue;
      }
      if (!domainMatch(host, c) || !pathMatch(path, c.path) || (c.secure && !https)) continue;
      out.push(c);
    }
    out.sort((a, b) => b.path.length - a.path.length || a.created - b.created || a.seq - b.seq);
    return out.map((c) => ({ name: c.name, value: c.value }));
  }

  /** k6 `cookiesForURL`: name → values. */
  cookiesForURL(url: URL): Record<string, string[]> {
    const out = cookieRecord<string[]>();
    for (const c of this.cookiesFor(url)) (out[c.name] ??= []).push(c.value);
    return out;
  }

  /** Removes every cookie that would be sent to `url`. */
  clear(url: URL): void {
    this.remove(url, () => true);
  }

  /** Removes the cookies named `name` that would be sent to `url`. */
  delete(url: URL, name: string): void {
    this.remove(url, (c) => c.name === name);
  }

  private remove(url: URL, pred: (c: StoredCookie) => boolean): void {
    const host = hostOf(url);
    const path = url.pathname || '/';
    for (const [k, c] of this.cookies) {
      if (domainMatch(host, c) && pathMatch(path, c.path) && pred(c)) this.cookies.delete(k);
    }
  }
}
