// HTTP Digest authentication (RFC 7616, RFC 2617), as k6's `auth: 'digest'` does it:
// the credentials come from the URL's userinfo, the request goes out without them, and a
// 401 carrying a Digest challenge is answered once with the computed Authorization.
// The engine asks this module two things per hop: whether to send Basic from the URL,
// and what to send after a 401.
import { createHash, randomBytes } from 'node:crypto';

export type AuthMode = 'basic' | 'digest';

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

/** Challenge parameters (lower-case names) of the first Digest challenge in a
 *  WWW-Authenticate value, or undefined when there is none. */
export function parseDigestChallenge(header: string | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  const m = /(?:^|,)\s*Digest\s+/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  // name=token or name="quoted \" string", comma separated; stops at the next scheme.
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;
  re.lastIndex = m.index + m[0].length;
  let p: RegExpExecArray | null;
  while ((p = re.exec(header))) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
    if (re.lastIndex >= header.length) break;
  }
  return params.nonce !== undefined ? params : undefined;
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/**
 * The Authorization value answering `challenge` for `method` on `url` with the URL's
 * credentials, or undefined when the challenge cannot be answered (unknown algorithm or
 * qop). `cnonce` is for tests; by default it is random.
 */
export function digestAuthorization(
  challenge: Record<string, string>,
  method: string,
  url: URL,
  body: Uint8Array | null,
  cnonce = randomBytes(8).toString('hex'),
): string | undefined {
  const algorithm = challenge.algorithm ?? 'MD5';
  const sess = /-sess$/i.test(algorithm);
  const hashName = HASHES[algorithm.replace(/-sess$/i, '').toUpperCase()];
  if (!hashName) return undefined;
  const H = (s: string | Uint8Array) => createHash(hashName).update(s).digest('hex');
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce!;
  const uri = url.pathname + url.search;
  const offered = (challenge.qop ?? '').split(',').map((q) => q.trim().toLowerCase()).filter(Boolean);
  const qop = offered.length === 0 ? undefined : offered.includes('auth') ? 'auth' : offered.includes('auth-int') ? 'auth-int' : null;
  if (qop === null) return undefined;
  const nc = '00000001';
  let ha1 = H(`${username}:${realm}:${password}`);
  if (sess) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? H(`${method}:${uri}:${H(body ?? new Uint8Array(0))}`) : H(`${method}:${uri}`);
  const response = qop ? H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : H(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${algorithm}`,
    `response=${quote(response)}`,
  ];
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}

/** Per request: Basic from the URL unless digest; after a 401 with a Digest challenge,
 *  the header to retry the same hop with (once per hop). */
export function digestAuth(mode: AuthMode | undefined) {
  const digest = mode === 'digest';
  let answeredHop = -1;
  return {
    sendsBasic: !digest,
    /** The Authorization to retry `hop` with, or undefined to keep the response as it is. */
    retryWith(hop: number, status: number, wwwAuthenticate: string | undefined, method: string, url: URL, body: Uint8Array | null): string | undefined {
      if (!digest || status !== 401 || answeredHop === hop || (!url.username && !url.password)) return undefined;
      const challenge = parseDigestChallenge(wwwAuthenticate);
      if (!challenge) return undefined;
      answeredHop = hop;
      return digestAuthorization(challenge, method, url, body);
    },
  };
}
