// Failure classification. Each failure is classified once, where it happens (dial.ts knows
// whether it was resolving, connecting, talking to a proxy or shaking hands), into k6's
// `error`/`error_code` pair for scripts and a stable reason plus a human message for status.
import type { NetworkReason } from './types.js';

/** Where in a request a failure happened. Decides reason and wording. */
export type Phase =
  | 'url'
  | 'policy'
  | 'dns'
  | 'connect'
  | 'proxy'
  | 'tls'
  | 'send'
  | 'wait'
  | 'receive'
  | 'decode';

export interface Endpoint {
  ip: string;
  port: number;
}

/** Facts known about the failed request; filled in as layers learn them. */
export interface FailureContext {
  host?: string;
  target?: Endpoint;
  source?: Endpoint;
  proxy?: Endpoint;
  elapsedMs?: number;
  /** The runner's public address, from `lookupEgressIp`. */
  egressIp?: string;
}

/** A classified network failure. Thrown internally, turned into response fields by the engine. */
export class NetFailure extends Error {
  readonly ctx: FailureContext;
  constructor(
    /** k6 error_code. */
    readonly code: number,
    /** k6-style short `error` text (`dial: connection refused`). */
    readonly error: string,
    readonly reason: NetworkReason,
    readonly phase: Phase,
    /** What happened, without addresses: "connection refused". */
    readonly what: string,
    /** One-line hint for a person. */
    readonly hint: string,
    ctx: FailureContext = {},
  ) {
    super(`${error} (${what})`);
    this.name = 'NetFailure';
    this.ctx = { ...ctx };
  }
}

export function isNetFailure(e: unknown): e is NetFailure {
  return e instanceof NetFailure;
}

const HINTS: Record<NetworkReason, string> = {
  DNSLookupFailed: 'check the host name and the resolver (cluster DNS, private zones, split-horizon DNS)',
  ConnectionRefused: 'nothing listening, or a firewall rejecting the connection',
  ConnectTimeout: 'packets are probably dropped by a firewall, security group or network policy',
  ConnectionReset: 'the server, a proxy, load balancer or firewall closed the connection',
  TLSHandshakeFailed: 'check the certificate (--ca to trust a private CA, --insecure to skip verification) and the TLS versions',
  RequestTimeout: 'connected, but no complete response in time: the server or something in between is slow or stalled',
  EgressDenied: 'add the host, address or CIDR with --allow-host if this destination is intended',
  ProxyFailed: 'check the proxy address, credentials and whether it allows this destination (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, --proxy)',
  ResponseTooLarge: 'raise --max-body, or use responseType "none" when the body is not needed',
  NetworkError: 'a network error without a more specific cause',
};

export function hintFor(reason: NetworkReason): string {
  return HINTS[reason];
}

function errno(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return '';
}

function errMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(err);
}

/** DNS (`dns.lookup`) failures: NXDOMAIN vs a resolver that did not answer. */
export function dnsFailure(err: unknown, host: string, ctx: FailureContext = {}): NetFailure {
  const code = errno(err);
  const c = { ...ctx, host };
  if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME') {
    return new NetFailure(1101, 'lookup: no such host', 'DNSLookupFailed', 'dns', `no such host ${host} (NXDOMAIN)`, HINTS.DNSLookupFailed, c);
  }
  if (code === 'EAI_AGAIN' || code === 'ETIMEOUT') {
    return new NetFailure(
      1100,
      `lookup ${host}: temporary failure in name resolution`,
      'DNSLookupFailed',
      'dns',
      `temporary DNS failure resolving ${host} (the resolver did not answer)`,
      'the resolver is unreachable or timing out; check the cluster DNS and retry',
      c,
    );
  }
  return new NetFailure(1100, `lookup ${host}: ${code || errMessage(err)}`, 'DNSLookupFailed', 'dns', `DNS lookup of ${host} failed (${code || errMessage(err)})`, HINTS.DNSLookupFailed, c);
}

/** Failures while opening TCP (to the target, or to a proxy when `viaProxy`). */
export function connectFailure(err: unknown, ctx: FailureContext, viaProxy = false): NetFailure {
  const code = errno(err);
  const f = ((): NetFailure => {
    switch (code) {
      case 'ECONNREFUSED':
        return new NetFailure(1212, 'dial: connection refused', 'ConnectionRefused', 'connect', 'connection refused', HINTS.ConnectionRefused, ctx);
      case 'ETIMEDOUT':
        return new NetFailure(1211, 'dial: i/o timeout', 'ConnectTimeout', 'connect', 'no answer to the connect', HINTS.ConnectTimeout, ctx);
      case 'EHOSTUNREACH':
        return new NetFailure(1210, 'dial: no route to host', 'ConnectionRefused', 'connect', 'host unreachable (ICMP unreachable or no route)', 'a firewall answering with ICMP unreachable/prohibited, or no route to the target', ctx);
      case 'ENETUNREACH':
        return new NetFailure(1210, 'dial: network is unreachable', 'ConnectionRefused', 'connect', 'network unreachable', 'the runner has no route to this network (IPv6 without connectivity, missing route)', ctx);
      case 'EADDRNOTAVAIL':
        return new NetFailure(1210, 'dial: cannot assign requested address', 'NetworkError', 'connect', 'cannot bind the source address', 'a localIPs address is not configured on this runner', ctx);
      case 'EPERM':
      case 'EACCES':
        return new NetFailure(1210, 'dial: operation not permitted', 'NetworkError', 'connect', 'the runner\'s own firewall refused the connection', 'a local firewall rule (OUTPUT chain) blocks this destination', ctx);
      case 'ECONNRESET':
        return new NetFailure(1220, 'read: connection reset by peer', 'ConnectionReset', 'connect', 'connection reset while connecting', HINTS.ConnectionReset, ctx);
      default:
        return new NetFailure(1210, `dial: ${code || errMessage(err)}`, 'NetworkError', 'connect', `connect failed (${code || errMessage(err)})`, HINTS.NetworkError, ctx);
    }
  })();
  return viaProxy ? asProxyFailure(f) : f;
}

/** The connect timer fired (our own connect timeout, separate from the request timeout). */
export function connectTimeout(ctx: FailureContext, timeoutMs: number, viaProxy = false): NetFailure {
  const f = new NetFailure(1211, 'dial: i/o timeout', 'ConnectTimeout', 'connect', `no answer to the connect within ${fmtMs(timeoutMs)}`, HINTS.ConnectTimeout, ctx);
  return viaProxy ? asProxyFailure(f) : f;
}

/** Re-labels a failure that happened on the way to (or inside) the proxy. */
export function asProxyFailure(f: NetFailure): NetFailure {
  return new NetFailure(f.code, f.error, 'ProxyFailed', 'proxy', `proxy: ${f.what}`, `it was the proxy, not the target; ${HINTS.ProxyFailed}`, f.ctx);
}

/** A proxy answered CONNECT with something other than 2xx. */
export function proxyStatusFailure(status: number, statusText: string, ctx: FailureContext): NetFailure {
  const what = status === 407
    ? 'the proxy requires authentication (407 Proxy Authentication Required)'
    : `the proxy refused the tunnel (CONNECT answered ${status} ${statusText})`;
  const hint = status === 407
    ? 'put credentials in the proxy URL (http://user:pass@proxy:port)'
    : `it was the proxy, not the target; ${HINTS.ProxyFailed}`;
  return new NetFailure(1000, `proxyconnect tcp: ${status} ${statusText}`.trim(), 'ProxyFailed', 'proxy', what, hint, ctx);
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
]);

/** Failures during the TLS handshake. A reset here is reported as a TLS failure. */
export function tlsFailure(err: unknown, ctx: FailureContext): NetFailure {
  const code = errno(err);
  const msg = errMessage(err);
  const T = (c: number, error: string, what: string, hint = HINTS.TLSHandshakeFailed) =>
    new NetFailure(c, error, 'TLSHandshakeFailed', 'tls', what, hint, ctx);
  if (UNKNOWN_AUTHORITY.has(code)) {
    return T(1310, 'x509: unknown authority', `certificate signed by an unknown authority (${code.toLowerCase().replace(/_/g, ' ')})`, 'trust the issuing CA with --ca (tlsAuth/ca), or --insecure to skip verification');
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return T(1311, "x509: certificate doesn't match hostname", `hostname mismatch: ${msg.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}`, 'the certificate is for another name: check the URL host, SNI and `hosts` overrides');
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return T(1300, 'x509: certificate has expired or is not yet valid', code === 'CERT_HAS_EXPIRED' ? 'certificate expired' : 'certificate not yet valid', 'renew the certificate (or check the runner clock)');
  }
  if (code === 'ECONNRESET' || /socket disconnected before secure TLS connection/i.test(msg)) {
    return T(1220, 'read: connection reset by peer', 'connection reset during the TLS handshake', 'TCP connected but the handshake was cut: an SNI/egress filter, a TLS-inspecting proxy or a TLS mismatch');
  }
  if (/wrong version number|http request|packet length too long|unknown protocol/i.test(msg)) {
    return T(1301, 'tls: first record does not look like a TLS handshake', 'the server did not answer with TLS', 'the port speaks plain HTTP (use http://) or another protocol');
  }
  if (/unsupported protocol|protocol version|no protocols available|version too low|ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION/i.test(msg + code)) {
    return T(1300, 'tls: protocol version not supported', `no common TLS version (${msg})`, 'the server and tlsVersion have no TLS version in common');
  }
  if (/NO_APPLICATION_PROTOCOL|no application protocol/i.test(msg + code)) {
    return T(1300, 'tls: no application protocol', 'the server accepts none of the offered application protocols (ALPN)', 'an HTTP/2-only server with HTTP/1.1 forced (--http1, GODEBUG=http2client=0): allow HTTP/2');
  }
  if (/certificate required|bad certificate|alert_certificate|alert 116|alert 42/i.test(msg + code)) {
    return T(1300, `tls: ${msg}`, `the server rejected the client certificate (${msg})`, 'the server wants a client certificate: configure tlsAuth / --cert and --key');
  }
  return T(1300, `tls: ${code || msg}`, `TLS handshake failed (${code || msg})`);
}

/** TLS handshake did not finish within the connect timeout. */
export function tlsTimeout(ctx: FailureContext, timeoutMs: number): NetFailure {
  return new NetFailure(1300, 'tls: handshake timeout', 'TLSHandshakeFailed', 'tls', `TLS handshake did not finish within ${fmtMs(timeoutMs)}`, 'TCP connected but no TLS answer: an SNI/egress filter dropping the ClientHello, or not a TLS port', ctx);
}

/** The whole-request timeout (or the caller's signal) fired. */
export function requestTimeout(phase: Phase, timeoutMs: number | null, ctx: FailureContext, viaProxy = false): NetFailure {
  const why = timeoutMs === null ? 'the attempt was cancelled' : `no complete response within ${fmtMs(timeoutMs)}`;
  if (phase === 'dns') {
    return new NetFailure(1100, 'lookup: i/o timeout', 'DNSLookupFailed', 'dns', `${why} while resolving ${ctx.host ?? 'the host'}`, HINTS.DNSLookupFailed, ctx);
  }
  if (phase === 'connect' || phase === 'proxy') {
    const what = timeoutMs === null ? 'no connection before the attempt was cancelled' : `no answer to the connect within the request timeout (${fmtMs(timeoutMs)})`;
    const f = new NetFailure(1211, 'dial: i/o timeout', 'ConnectTimeout', 'connect', what, HINTS.ConnectTimeout, ctx);
    return viaProxy ? asProxyFailure(f) : f;
  }
  if (phase === 'tls') {
    return new NetFailure(1050, 'request timeout', 'TLSHandshakeFailed', 'tls', `${why} during the TLS handshake`, 'TCP connected but the handshake stalled: an SNI/egress filter, or not a TLS port', ctx);
  }
  const stage = phase === 'receive' ? 'reading the body' : phase === 'send' ? 'sending the request' : 'waiting for the response headers';
  return new NetFailure(1050, 'request timeout', 'RequestTimeout', phase, `${why} (connected; ${stage})`, HINTS.RequestTimeout, ctx);
}

/** Errors raised while the request/response is on an open connection (undici errors). */
export function exchangeFailure(err: unknown, phase: Phase, ctx: FailureContext): NetFailure {
  if (err instanceof NetFailure) return err;
  const code = errno(err);
  const msg = errMessage(err);
  switch (code) {
    case 'ECONNRESET':
      return new NetFailure(1220, 'read: connection reset by peer', 'ConnectionReset', phase, phase === 'receive' ? 'connection reset while reading the body' : 'connection reset before the response', HINTS.ConnectionReset, ctx);
    case 'EPIPE':
      return new NetFailure(1201, 'write: broken pipe', 'ConnectionReset', phase, 'the connection closed while sending the request', HINTS.ConnectionReset, ctx);
    case 'UND_ERR_SOCKET':
      return new NetFailure(1000, phase === 'receive' ? 'unexpected EOF' : 'EOF', 'ConnectionReset', phase, phase === 'receive' ? 'the server closed the connection in the middle of the body' : 'the server closed the connection without a response', HINTS.ConnectionReset, ctx);
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new NetFailure(1000, 'net/http: response headers too large', 'ResponseTooLarge', phase, 'the response headers are larger than the header limit', 'the server sent unusually large headers (cookies?)', ctx);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return new NetFailure(1000, 'unexpected EOF', 'ConnectionReset', phase, 'the body ended before its Content-Length', HINTS.ConnectionReset, ctx);
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_ABORTED':
      // The engine was closed under the request: the attempt ended (deadline or cancel).
      return requestTimeout(phase, null, ctx);
    case 'UND_ERR_INVALID_ARG':
      return new NetFailure(1000, msg, 'NetworkError', phase, `invalid request: ${msg}`, 'check the method, headers and URL', ctx);
    default:
      if (/^HPE_/.test(code)) {
        return new NetFailure(1000, `malformed HTTP response: ${msg}`, 'NetworkError', phase, `the server's answer is not valid HTTP/1.1 (${code})`, 'the port may speak another protocol (TLS? HTTP/2 only?)', ctx);
      }
      return new NetFailure(1000, msg, 'NetworkError', phase, `${code ? code + ': ' : ''}${msg}`, HINTS.NetworkError, ctx);
  }
}

export function bodyTooLarge(limit: number, ctx: FailureContext, decoded = false): NetFailure {
  return new NetFailure(
    1000,
    `response body exceeds the limit of ${fmtBytes(limit)}`,
    'ResponseTooLarge',
    decoded ? 'decode' : 'receive',
    `the response body${decoded ? ' (decompressed)' : ''} is larger than ${fmtBytes(limit)}`,
    HINTS.ResponseTooLarge,
    ctx,
  );
}

export function decodeFailure(encoding: string, err: unknown, ctx: FailureContext): NetFailure {
  return new NetFailure(1701, `error decompressing response body (${encoding}: ${errMessage(err)})`, 'NetworkError', 'decode', `the ${encoding} body could not be decompressed`, 'the server sent a corrupt or mislabelled Content-Encoding', ctx);
}

export function invalidUrl(url: string, why: string): NetFailure {
  return new NetFailure(1020, `invalid URL: ${why}`, 'NetworkError', 'url', `invalid URL (${why})`, 'check the URL', {});
}

export function unsupportedScheme(scheme: string): NetFailure {
  return new NetFailure(1000, `unsupported protocol scheme "${scheme}"`, 'NetworkError', 'url', `unsupported protocol scheme "${scheme}"`, 'only http:// and https:// URLs can be requested', {});
}

export function egressDenied(code: 1110 | 1111, error: string, why: string, ctx: FailureContext): NetFailure {
  return new NetFailure(code, error, 'EgressDenied', 'policy', `denied by the egress policy: ${why}`, HINTS.EgressDenied, ctx);
}

/** An address from the script's `options.hosts` that the operator's policy does not admit. */
export function scriptHostsDenied(code: 1110 | 1111, error: string, entry: string, why: string, ctx: FailureContext, allowlist: boolean): NetFailure {
  return new NetFailure(
    code, error, 'EgressDenied', 'policy',
    `the script's options.hosts entry ${entry} was refused by the egress policy (${why})`,
    allowlist
      ? "under an allowlist a script's hosts entry is used only when an --allow-host IP or CIDR entry covers the address or the name really resolves to it; add the address with --allow-host if this destination is intended"
      : HINTS.EgressDenied,
    ctx,
  );
}

function fmtEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function fmtMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')} s`;
}

export function fmtBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * The message a person reads: what happened, from which address to which address, after
 * how long, and what to do. Example:
 *   connection refused from 10.1.0.7:39000 to 10.0.0.5:443 (api.example.com) after 1.2 ms:
 *   nothing listening, or a firewall rejecting the connection
 * Callers redact it (it can contain a host name and proxy URL, never a credential).
 */
export function failureMessage(f: NetFailure): string {
  const c = f.ctx;
  const route: string[] = [];
  if (c.source) route.push(`from ${fmtEndpoint(c.source)}`);
  if (c.proxy && f.reason === 'ProxyFailed') route.push(`to proxy ${fmtEndpoint(c.proxy)}${c.host ? ` (for ${c.host})` : ''}`);
  else if (c.target) route.push(`to ${fmtEndpoint(c.target)}${c.host && c.host !== c.target.ip ? ` (${c.host})` : ''}`);
  else if (c.host) route.push(`to ${c.host}`);
  if (c.proxy && f.reason !== 'ProxyFailed') route.push(`via proxy ${fmtEndpoint(c.proxy)}`);
  let msg = f.what;
  if (route.length) msg += ` ${route.join(' ')}`;
  if (c.elapsedMs !== undefined) msg += ` after ${fmtMs(c.elapsedMs)}`;
  msg += `: ${f.hint}`;
  if (c.egressIp && f.reason !== 'EgressDenied') msg += ` (the target sees this runner as ${c.egressIp})`;
  return msg;
}
