// The headers one hop sends: the script's, minus what k6 recomputes or drops on a redirect,
// plus what k6 adds (User-Agent, Basic auth from the URL, Referer, cookies).
import { cookieRecord } from './cookies.js';
import type { SentRequest } from './exchange.js';
import { deleteHeader, findHeader } from './headers.js';

export interface HopHeaderInput {
  user: Record<string, string>;
  /** 0 for the first request, then one per redirect followed. */
  hop: number;
  url: URL;
  body: Buffer | null;
  /** After a redirect to another host: no Authorization, Cookie or request-scoped cookies. */
  dropSensitive: boolean;
  userAgent: string;
  referer: string | null;
  /** The jar's cookies for this URL, in the jar's order. */
  jarCookies: readonly { name: string; value: string }[];
  /** k6 `params.cookies`; `replace` hides a jar cookie of the same name. */
  scoped: Record<string, { value: string; replace: boolean }>;
}

function basicAuth(u: URL): string | null {
  if (!u.username && !u.password) return null;
  const cred = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  return 'Basic ' + Buffer.from(cred).toString('base64');
}

export function hopHeaders(i: HopHeaderInput): { headers: Record<string, string>; cookies: SentRequest['cookies'] } {
  const h: Record<string, string> = { ...i.user };
  deleteHeader(h, 'Content-Length'); // recomputed, as k6 does
  if (i.dropSensitive) {
    deleteHeader(h, 'Authorization');
    deleteHeader(h, 'Cookie');
  }
  if (i.body === null && i.hop > 0) {
    deleteHeader(h, 'Content-Type');
    deleteHeader(h, 'Content-Encoding');
  }
  if (!findHeader(h, 'User-Agent') && i.userAgent) h['User-Agent'] = i.userAgent;
  const auth = basicAuth(i.url);
  if (auth && !findHeader(h, 'Authorization')) h['Authorization'] = auth;
  if (i.referer && !findHeader(h, 'Referer')) h['Referer'] = i.referer;

  // Cookies: the jar's for this URL, then request-scoped ones.
  const cookies: SentRequest['cookies'] = cookieRecord();
  const send: string[] = [];
  const scoped = i.dropSensitive ? {} : i.scoped;
  for (const c of i.jarCookies) {
    if (scoped[c.name]?.replace) continue;
    (cookies[c.name] ??= []).push({ name: c.name, value: c.value, replace: false });
    send.push(`${c.name}=${c.value}`);
  }
  for (const [name, c] of Object.entries(scoped)) {
    (cookies[name] ??= []).push({ name, value: c.value, replace: c.replace });
    send.push(`${name}=${c.value}`);
  }
  if (send.length > 0) {
    const existing = findHeader(h, 'Cookie');
    deleteHeader(h, 'Cookie');
    h['Cookie'] = existing ? `${existing}; ${send.join('; ')}` : send.join('; ');
  }
  return { headers: h, cookies };
}
