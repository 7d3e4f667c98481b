// Opening one connection: name → addresses (hosts override, DNS), the egress check on every
// address actually dialled, the source-address bind, TCP with its own connect timeout, an
// optional proxy tunnel, and TLS. Each step records its timing and classifies its own
// failures (causes.ts), so the engine never has to guess what a socket error meant.
import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import {
  NetFailure,
  asProxyFailure,
  connectFailure,
  connectTimeout,
  dnsFailure,
  egressDenied,
  proxyStatusFailure,
  scriptHostsDenied,
  tlsFailure,
  tlsTimeout,
  type Endpoint,
  type Phase,
} from './causes.js';
import type { EgressPolicy } from './egress.js';
import { parseIp } from './ip.js';
import type { ProxyTarget } from './proxy.js';
import type { EngineOptions, TlsAuth } from './types.js';

/** Mutable record of one request hop, shared by dial and engine (timings in performance.now() ms). */
export interface HopTrace {
  phase: Phase;
  host: string;
  target?: Endpoint;
  source?: Endpoint;
  proxy?: Endpoint;
  viaProxy: boolean;
  /** True when this hop opened a new connection (else it reused one). */
  dialed: boolean;
  dnsStart?: number;
  dnsEnd?: number;
  connectStart?: number;
  connectEnd?: number;
  tlsStart?: number;
  tlsEnd?: number;
  /** The target's certificate, after a handshake that succeeded (Node frees it when verification fails). */
  peerCert?: PeerCert;
}

/** What a person needs to know about a server certificate. */
export interface PeerCert {
  subject: string;
  issuer: string;
  /** Epoch ms. */
  validFrom: number;
  validTo: number;
}

function dn(o: Record<string, string | string[] | undefined> | undefined): string {
  if (!o) return '';
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** The peer certificate of a TLS socket, if it presented one. */
export function peerCertOf(t: tls.TLSSocket): PeerCert | undefined {
  try {
    const c = t.getPeerCertificate();
    if (!c || !c.valid_to) return undefined;
    return { subject: dn(c.subject as never), issuer: dn(c.issuer as never), validFrom: Date.parse(c.valid_from), validTo: Date.parse(c.valid_to) };
  } catch {
    return undefined;
  }
}

/** What the engine learns about a connection, kept with the pooled client. */
export interface ConnInfo {
  remote: Endpoint;
  local: Endpoint;
  tlsVersion: string;
  tlsCipher: string;
  /** The protocol TLS negotiated by ALPN (`h2`, `http/1.1`), `''` without TLS or ALPN. */
  alpn: string;
  viaProxy: boolean;
}

export interface DialEnv {
  opts: EngineOptions;
  policy: EgressPolicy;
  pickLocal: (family: 4 | 6) => string | undefined | null;
  /** Registers a socket so `engine.close()` can destroy it even mid-dial. */
  track: (s: net.Socket) => void;
}

/**
 * What to dial. `https:` and `tls:` end with a TLS handshake, `http:` and `tcp:` with a plain
 * TCP connection. Only an `https:` target goes through a proxy's CONNECT tunnel; an `http:`
 * target with a proxy gets a socket to the proxy (absolute-form requests).
 */
export interface DialTarget {
  protocol: 'http:' | 'https:' | 'tcp:' | 'tls:';
  /** URL host name (brackets stripped for IPv6). Used for SNI, Host and policy. */
  hostname: string;
  port: number;
  proxy: ProxyTarget | null;
  /** ALPN protocols offered in the TLS handshake, preferred first; default `['http/1.1']`. */
  alpn?: readonly string[];
  /** Per-connection TLS additions (k6 grpc `connect({ tls })`): extra CAs, a client certificate. */
  tls?: { ca?: string[]; cert?: string; key?: string; passphrase?: string };
  /** Tunnel through the proxy with CONNECT even for a plain-text target (gRPC, WebSocket). */
  tunnel?: boolean;
}

/** True when the target's connection ends with a TLS handshake. */
export function usesTls(protocol: DialTarget['protocol']): boolean {
  return protocol === 'https:' || protocol === 'tls:';
}

const now = () => performance.now();

function stripBrackets(h: string): string {
  return h.replace(/^\[|\]$/g, '');
}

/** `hosts` lookup: exact name or `*.suffix` entry → { host, port? }. */
export function hostsOverride(hosts: Record<string, string>, name: string): { host: string; port?: number } | null {
  const n = name.toLowerCase();
  let v: string | undefined;
  for (const [k, val] of Object.entries(hosts)) {
    const key = k.toLowerCase();
    if (key === n) {
      v = val;
      break;
    }
    if (key.startsWith('*.') && n.endsWith(key.slice(1)) && v === undefined) v = val;
  }
  if (v === undefined) return null;
  const s = v.trim();
  // "ip", "ip:port", "[v6]:port", "v6", "name", "name:port"
  const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (br) return { host: br[1]!, port: br[2] ? Number(br[2]) : undefined };
  if (net.isIPv6(s)) return { host: s };
  const m = /^(.*):(\d+)$/.exec(s);
  if (m) return { host: m[1]!, port: Number(m[2]) };
  return { host: s };
}

/** Rejects when the signal fires, with the signal's reason (the engine sets a NetFailure). */
function abortable<T>(p: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const l = () => {
      onAbort?.();
      reject(signal.reason);
    };
    signal.addEventListener('abort', l, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', l);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', l);
        reject(e);
      },
    );
  });
}

/** Where a hop's addresses came from: the script's `hosts` entries are checked harder. */
type AddressOrigin = 'operator-hosts' | 'script-hosts' | 'dns';

interface Resolved {
  ips: string[];
  port?: number;
  origin: AddressOrigin;
  /** The script's hosts entry, for messages. */
  entry?: string;
}

/** Resolves a name to addresses (operator's hosts, then the script's, then DNS), in the
 *  resolver's order. `scriptHosts: false` ignores the script's entries (the proxy's name). */
async function resolve(env: DialEnv, name: string, trace: HopTrace, signal: AbortSignal, scriptHosts = true): Promise<Resolved> {
  let o = hostsOverride(env.opts.hosts, name);
  let origin: AddressOrigin = o ? 'operator-hosts' : 'dns';
  if (!o && scriptHosts && env.opts.scriptHosts) {
    o = hostsOverride(env.opts.scriptHosts, name);
    if (o) origin = 'script-hosts';
  }
  const host = o ? stripBrackets(o.host) : name;
  const entry = origin === 'script-hosts' ? `${name} → ${o!.port !== undefined ? `${host}:${o!.port}` : host}` : undefined;
  const out = (ips: string[]): Resolved => ({ ips, origin, ...(o?.port !== undefined ? { port: o.port } : {}), ...(entry ? { entry } : {}) });
  if (net.isIP(host)) return out([host]);
  // Odd literal forms (127.1, 0x7f.1) are what the kernel would dial: canonicalise, never resolve.
  const lit = parseIp(host);
  if (lit) return out([lit.text]);
  return out(await lookupAll(host, name, trace, signal));
}

async function lookupAll(host: string, name: string, trace: HopTrace, signal: AbortSignal): Promise<string[]> {
  trace.phase = 'dns';
  trace.dnsStart = now();
  try {
    const res = await abortable(lookup(host, { all: true, verbatim: true }), signal);
    return res.map((r) => r.address);
  } catch (e) {
    if (e instanceof NetFailure) throw e;
    throw dnsFailure(e, host, { host: name });
  } finally {
    trace.dnsEnd = now();
  }
}

/**
 * The egress check on the addresses about to be dialled. An address from the script's
 * `hosts` entry, with an allowlist on, is admitted only by an IP/CIDR entry or when the
 * name's real DNS answer holds it: a name entry vouches for the name's own addresses,
 * never for wherever a script points it.
 */
async function admitted(env: DialEnv, host: string, r: Resolved, port: number, trace: HopTrace, signal: AbortSignal): Promise<string[]> {
  trace.phase = 'policy';
  const allowed: string[] = [];
  let denial: NetFailure | undefined;
  let real: Set<string> | null | undefined;
  const realAnswer = async (): Promise<Set<string> | null> => {
    if (real !== undefined) return real;
    try {
      real = new Set((await lookupAll(host, host, trace, signal)).map((ip) => parseIp(ip)?.text ?? ip));
    } catch (e) {
      if (signal.aborted) throw e;
      real = null;
    }
    return real;
  };
  for (const ip of r.ips) {
    let d = env.policy.checkAddress(host, ip);
    if (r.origin === 'script-hosts') {
      // Allowed by the name alone is not enough: the name did not pick this address.
      if (d.allowed && env.policy.restricted && !env.policy.checkAddressByEntry(ip).allowed) {
        const answer = await realAnswer();
        const canon = parseIp(ip)?.text ?? ip;
        if (!answer?.has(canon)) {
          const why = answer
            ? `${canon} is not an address ${host} resolves to (${[...answer].join(', ') || 'none'}) and no --allow-host IP or CIDR entry covers it`
            : `${host} could not be resolved to confirm ${canon}, and no --allow-host IP or CIDR entry covers it`;
          d = { allowed: false, code: 1110, error: 'ip is blocked by the egress policy', why };
        }
      }
    }
    trace.phase = 'policy';
    if (d.allowed) allowed.push(ip);
    else if (r.origin === 'script-hosts') denial ??= scriptHostsDenied(d.code, d.error, r.entry!, d.why, { host, target: { ip, port } }, env.policy.restricted);
    else denial ??= egressDenied(d.code, d.error, d.why, { host, target: { ip, port } });
  }
  if (allowed.length === 0) throw denial ?? egressDenied(1110, 'ip is blocked by the egress policy', `${host} has no address`, { host });
  return allowed;
}

function endpointOf(addr: string | undefined, port: number | undefined): Endpoint | undefined {
  return addr ? { ip: stripBrackets(addr), port: port ?? 0 } : undefined;
}

/** One TCP connect with its own timer; failures are classified here. */
function tcpConnect(
  env: DialEnv,
  ip: string,
  port: number,
  timeoutMs: number,
  trace: HopTrace,
  signal: AbortSignal,
  viaProxy: boolean,
): Promise<net.Socket> {
  const family = net.isIP(ip) === 6 ? 6 : 4;
  const localAddress = env.pickLocal(family);
  const target = { ip, port };
  if (viaProxy) trace.proxy = target;
  else trace.target = target;
  if (localAddress === null) {
    const f = connectFailure({ code: 'EADDRNOTAVAIL' }, { host: trace.host, target }, viaProxy);
    return Promise.reject(
      new NetFailure(f.code, f.error, f.reason, f.phase, `no localIPs address of the IPv${family} family for ${ip}`, 'add an address of that family to localIPs', f.ctx),
    );
  }
  trace.phase = 'connect';
  trace.connectStart = now();
  trace.dialed = true;
  return new Promise<net.Socket>((resolvePromise, reject) => {
    const s = net.connect({ host: ip, port, localAddress, family });
    env.track(s);
    s.setNoDelay(true);
    let done = false;
    // The kernel picks the source port when the connect is issued; once it is refused the
    // socket forgets it, so it is read right after the attempt starts for the message.
    let attempted: Endpoint | undefined;
    const current = (): Endpoint | undefined => {
      try {
        return endpointOf(s.localAddress, s.localPort);
      } catch {
        return undefined;
      }
    };
    s.on('connectionAttempt', () => queueMicrotask(() => (attempted = current() ?? attempted)));
    const source = (): Endpoint | undefined => current() ?? attempted ?? (localAddress ? { ip: localAddress, port: 0 } : undefined);
    const finish = (err: NetFailure | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      trace.connectEnd = now();
      if (err) {
        s.destroy();
        reject(err);
      } else resolvePromise(s);
    };
    const timer = setTimeout(() => {
      trace.source = source();
      finish(connectTimeout({ host: trace.host, target, source: trace.source }, timeoutMs, viaProxy));
    }, timeoutMs);
    const onAbort = () => {
      trace.source = source();
      finish(signal.reason instanceof NetFailure ? signal.reason : connectTimeout({ host: trace.host, target }, timeoutMs, viaProxy));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    s.once('connect', () => {
      trace.source = source();
      finish(null);
    });
    s.once('error', (e) => {
      trace.source = source();
      finish(connectFailure(e, { host: trace.host, target, source: trace.source }, viaProxy));
    });
  });
}

const TLS_VERSIONS: Record<string, tls.SecureVersion> = {
  'tls1.0': 'TLSv1',
  'tls1.1': 'TLSv1.1',
  'tls1.2': 'TLSv1.2',
  'tls1.3': 'TLSv1.3',
};

/** k6 `tlsVersion` → Node min/max. Unknown strings are ignored (defaults apply). */
export function tlsVersionRange(v: EngineOptions['tlsVersion']): { minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion } {
  if (!v) return {};
  if (typeof v === 'string') {
    const x = TLS_VERSIONS[v.toLowerCase()];
    return x ? { minVersion: x, maxVersion: x } : {};
  }
  const r: { minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion } = {};
  if (v.min && TLS_VERSIONS[v.min.toLowerCase()]) r.minVersion = TLS_VERSIONS[v.min.toLowerCase()];
  if (v.max && TLS_VERSIONS[v.max.toLowerCase()]) r.maxVersion = TLS_VERSIONS[v.max.toLowerCase()];
  return r;
}

/** The tlsAuth entry for a host: exact domain, `*.suffix`, or an entry without domains. */
export function tlsAuthFor(list: readonly TlsAuth[], host: string): TlsAuth | undefined {
  const h = host.toLowerCase();
  return list.find((a) => {
    if (!a.domains || a.domains.length === 0) return true;
    return a.domains.some((d) => {
      const dd = d.toLowerCase();
      return dd === h || (dd.startsWith('*.') && h.endsWith(dd.slice(1))) || h.endsWith('.' + dd.replace(/^\./, ''));
    });
  });
}

/** Node TLS options for a server name, from the engine options. */
export function tlsOptionsFor(opts: EngineOptions, host: string, alpn: readonly string[] = ['http/1.1']): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = {
    rejectUnauthorized: !opts.insecureSkipTLSVerify,
    ...(alpn.length > 0 ? { ALPNProtocols: [...alpn] } : {}),
    ...tlsVersionRange(opts.tlsVersion),
  };
  // Extra CAs are added to Node's bundled roots, not instead of them.
  if (opts.ca.length > 0) o.ca = [...tls.rootCertificates, ...opts.ca];
  const auth = tlsAuthFor(opts.tlsAuth, host);
  if (auth) {
    o.cert = auth.cert;
    o.key = auth.key;
    if (auth.password) o.passphrase = auth.password;
  }
  return o;
}

/** Per-connection CAs join the trusted set; a per-connection client certificate replaces tlsAuth's. */
function tlsAdditions(opts: EngineOptions, extra: DialTarget['tls']): tls.ConnectionOptions {
  if (!extra) return {};
  const o: tls.ConnectionOptions = {};
  if (extra.ca?.length) o.ca = [...tls.rootCertificates, ...opts.ca, ...extra.ca];
  if (extra.cert && extra.key) {
    o.cert = extra.cert;
    o.key = extra.key;
    if (extra.passphrase) o.passphrase = extra.passphrase;
  }
  return o;
}

function tlsVersionName(v: string | null): string {
  // TLSv1.3 → tls1.3, TLSv1 → tls1.0 (k6's constants)
  if (!v) return '';
  const m = /^TLSv(\d)(?:\.(\d))?$/.exec(v);
  return m ? `tls${m[1]}.${m[2] ?? '0'}` : v.toLowerCase();
}

function tlsHandshake(
  env: DialEnv,
  socket: net.Socket,
  servername: string,
  trace: HopTrace,
  signal: AbortSignal,
  forProxy: boolean,
  alpn?: readonly string[],
  extra?: DialTarget['tls'],
): Promise<tls.TLSSocket> {
  trace.phase = 'tls';
  trace.tlsStart = now();
  const timeoutMs = env.opts.connectTimeoutMs;
  return new Promise<tls.TLSSocket>((resolvePromise, reject) => {
    const isIpName = net.isIP(servername) !== 0;
    const t = tls.connect({
      ...tlsOptionsFor(env.opts, servername, alpn),
      ...tlsAdditions(env.opts, extra),
      socket,
      // SNI carries names only; `host` is what the certificate is checked against.
      servername: isIpName ? undefined : servername,
      host: servername,
    });
    env.track(t);
    let done = false;
    const ctx = () => ({ host: trace.host, target: trace.target, source: trace.source, proxy: trace.proxy });
    const finish = (err: NetFailure | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      trace.tlsEnd = now();
      // Only after a good handshake: on a failed one Node has freed the TLS state already.
      if (!err && !forProxy) trace.peerCert = peerCertOf(t);
      if (err) {
        t.destroy();
        socket.destroy();
        reject(forProxy ? asProxyFailure(err) : err);
      } else resolvePromise(t);
    };
    const timer = setTimeout(() => finish(tlsTimeout(ctx(), timeoutMs)), timeoutMs);
    const onAbort = () => finish(signal.reason instanceof NetFailure ? signal.reason : tlsTimeout(ctx(), timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    t.once('secureConnect', () => finish(null));
    t.once('error', (e) => finish(tlsFailure(e, ctx())));
    // A peer that closes without an error event (FIN during the handshake).
    t.once('close', () => finish(tlsFailure({ code: 'ECONNRESET', message: 'socket closed during the TLS handshake' }, ctx())));
  });
}

/** Sends CONNECT host:port through an open proxy socket and waits for a 2xx. */
function proxyConnect(
  socket: net.Socket,
  proxy: ProxyTarget,
  host: string,
  port: number,
  trace: HopTrace,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  trace.phase = 'proxy';
  const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  let req = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  if (proxy.authorization) req += `Proxy-Authorization: ${proxy.authorization}\r\n`;
  req += '\r\n';
  const ctx = () => ({ host: trace.host, proxy: trace.proxy, source: trace.source });
  return new Promise<void>((resolvePromise, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: NetFailure | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolvePromise();
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16 * 1024) finish(asProxyFailure(new NetFailure(1000, 'proxyconnect tcp: response too large', 'ProxyFailed', 'proxy', 'the proxy sent an oversized CONNECT response', '', ctx())));
        return;
      }
      const m = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(buf.subarray(0, end).toString('latin1'));
      if (!m) {
        finish(asProxyFailure(new NetFailure(1000, 'proxyconnect tcp: malformed response', 'ProxyFailed', 'proxy', 'the proxy answered CONNECT with something that is not HTTP', '', ctx())));
        return;
      }
      const status = Number(m[1]);
      if (status < 200 || status > 299) {
        finish(proxyStatusFailure(status, m[2] ?? '', ctx()));
        return;
      }
      // Bytes after the CONNECT response belong to the tunnel (a server that speaks first,
      // like an HTTP/2 server's SETTINGS): keep them for whoever reads the socket next, after
      // this reader is gone (unshift re-emits them at once to a listener still attached).
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) socket.pause(); // buffered until the next reader (http2 reads what is buffered)
      finish(null);
      if (rest.length > 0) socket.unshift(rest);
    };
    const onError = (e: Error) => finish(connectFailure(e, ctx(), true));
    const onClose = () => finish(asProxyFailure(new NetFailure(1000, 'proxyconnect tcp: EOF', 'ProxyFailed', 'proxy', 'the proxy closed the connection during CONNECT', '', ctx())));
    const timer = setTimeout(
      () => finish(asProxyFailure(new NetFailure(1211, 'proxyconnect tcp: i/o timeout', 'ConnectTimeout', 'proxy', 'no answer to CONNECT from the proxy', '', ctx()))),
      timeoutMs,
    );
    const onAbort = () => finish(signal.reason instanceof NetFailure ? asProxyFailure(signal.reason) : asProxyFailure(new NetFailure(1211, 'proxyconnect tcp: i/o timeout', 'ConnectTimeout', 'proxy', 'cancelled during CONNECT', '', ctx())));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(req);
  });
}

/** Dials the first address that answers, sharing the connect timeout across addresses (as Go does). */
async function connectAny(
  env: DialEnv,
  ips: readonly string[],
  port: number,
  trace: HopTrace,
  signal: AbortSignal,
  viaProxy: boolean,
): Promise<net.Socket> {
  const deadline = now() + env.opts.connectTimeoutMs;
  let last: unknown;
  for (let i = 0; i < ips.length; i++) {
    const remaining = Math.max(1, deadline - now());
    const share = ips.length === 1 ? env.opts.connectTimeoutMs : Math.max(1, Math.floor(remaining / (ips.length - i)));
    try {
      return await tcpConnect(env, ips[i]!, port, share, trace, signal, viaProxy);
    } catch (e) {
      last = e;
      if (signal.aborted) throw e;
    }
  }
  throw last;
}

/**
 * Opens a connection for `t`: policy, DNS, source address, TCP, proxy tunnel, TLS (for
 * https:/tls:, offering `t.alpn`). With a proxy, an https target gets a CONNECT tunnel; an
 * http target gets a socket to the proxy (the engine then sends absolute-form requests).
 * The protocol-neutral entry point: HTTP, and any other protocol over TCP/TLS, dial here so
 * egress policy, source address, timings and failure causes are the same for all of them.
 * Every failure is a NetFailure; `trace` keeps the facts learnt so far either way.
 */
export async function dial(env: DialEnv, t: DialTarget, trace: HopTrace, signal: AbortSignal): Promise<{ socket: net.Socket; info: ConnInfo }> {
  const host = stripBrackets(t.hostname);
  trace.host = host;
  trace.viaProxy = !!t.proxy;

  // Policy on the name first: a denied name is never resolved.
  trace.phase = 'policy';
  const byName = t.proxy ? env.policy.checkProxied(host) : env.policy.checkName(host);
  if (byName && !byName.allowed) throw egressDenied(byName.code, byName.error, byName.why, { host });

  let socket: net.Socket;
  let remote: Endpoint;
  if (t.proxy) {
    // The proxy is operator configuration (flag or environment), not script input: it is
    // not subject to the allowlist; the target name above is.
    const p = t.proxy;
    // The script's `hosts` entries never apply to the proxy's own name.
    const { ips, port } = await resolve(env, stripBrackets(p.hostname), trace, signal, false).catch((e: unknown) => {
      throw e instanceof NetFailure ? asProxyFailure(e) : e;
    });
    socket = await connectAny(env, ips, port ?? p.port, trace, signal, true);
    remote = trace.proxy!;
    if (p.protocol === 'https:') socket = await tlsHandshake(env, socket, stripBrackets(p.hostname), trace, signal, true);
    if (usesTls(t.protocol) || t.tunnel) {
      await proxyConnect(socket, p, host, t.port, trace, signal, env.opts.connectTimeoutMs);
    }
  } else {
    const r = await resolve(env, host, trace, signal);
    // The address check: applies to what is actually dialled, whatever produced it.
    const allowed = await admitted(env, host, r, r.port ?? t.port, trace, signal);
    socket = await connectAny(env, allowed, r.port ?? t.port, trace, signal, false);
    remote = trace.target!;
  }

  let tlsVersion = '';
  let tlsCipher = '';
  let alpn = '';
  if (usesTls(t.protocol)) {
    const ts = await tlsHandshake(env, socket, host, trace, signal, false, t.alpn, t.tls);
    tlsVersion = tlsVersionName(ts.getProtocol());
    tlsCipher = ts.getCipher()?.standardName ?? '';
    alpn = typeof ts.alpnProtocol === 'string' ? ts.alpnProtocol : '';
    socket = ts;
  }
  trace.phase = 'send';
  return {
    socket,
    info: { remote, local: trace.source ?? { ip: '', port: 0 }, tlsVersion, tlsCipher, alpn, viaProxy: !!t.proxy },
  };
}
