// Proxy selection: an explicit proxy URL, or HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the
// environment the engine was given. Pure, so the rules are testable without sockets.
import { parseIp, parseCidr, cidrContains } from './ip.js';

export interface ProxyTarget {
  /** http: or https: (the scheme used to talk to the proxy itself). */
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** `Proxy-Authorization` value from userinfo in the proxy URL, if any. */
  authorization?: string;
  /** The proxy URL without credentials, for messages. */
  display: string;
}

export interface ProxyConfig {
  proxy?: string;
  env?: Record<string, string | undefined>;
}

function envVar(env: Record<string, string | undefined>, name: string): string | undefined {
  // Lower case wins, as in curl and Go; an empty value means "unset".
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/** Parses a proxy URL (scheme optional, default http). Throws on garbage. */
export function parseProxyUrl(raw: string): ProxyTarget {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  const u = new URL(withScheme);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`unsupported proxy scheme "${u.protocol.replace(/:$/, '')}" (only http and https proxies)`);
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const t: ProxyTarget = { protocol: u.protocol, hostname, port, display: `${u.protocol}//${u.host}` };
  if (u.username || u.password) {
    const cred = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    t.authorization = 'Basic ' + Buffer.from(cred).toString('base64');
  }
  return t;
}

/** NO_PROXY matching: `*`, host names and domain suffixes (`.example.com` or `example.com`), IPs, CIDRs, optional `:port`. */
export function noProxyMatches(noProxy: string, hostname: string, port: number): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const ip = parseIp(host);
  for (let entry of noProxy.split(/[\s,]+/).filter(Boolean)) {
    entry = entry.toLowerCase();
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes('::') && (m[1]!.match(/:/g)?.length ?? 0) === 0) {
      entry = m[1]!;
      entryPort = Number(m[2]);
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (ip) {
      const c = parseCidr(entry);
      if (c && cidrContains(c, ip)) return true;
      continue;
    }
    const dom = entry.replace(/^\*?\./, '');
    if (host === dom || host.endsWith('.' + dom)) return true;
  }
  return false;
}

/**
 * The proxy for a target URL, or null for a direct connection.
 * An explicit `proxy` applies to every host not excluded by NO_PROXY. Environment proxies,
 * like Go's net/http (k6), never apply to localhost or loopback addresses.
 */
export function proxyFor(cfg: ProxyConfig, url: URL): ProxyTarget | null {
  const env = cfg.env ?? process.env;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const noProxy = envVar(env, 'no_proxy');
  if (noProxy && noProxyMatches(noProxy, url.hostname, port)) return null;
  if (cfg.proxy) return parseProxyUrl(cfg.proxy);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const ip = parseIp(host);
  if (host === 'localhost' || host.endsWith('.localhost') || (ip && (ip.family === 4 ? ip.bytes[0] === 127 : ip.text === '::1'))) {
    return null;
  }
  const raw = url.protocol === 'https:' ? envVar(env, 'https_proxy') : envVar(env, 'http_proxy');
  return raw ? parseProxyUrl(raw) : null;
}
