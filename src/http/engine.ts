// The host network engine: one per attempt. It runs k6 request semantics (redirects,
// cookies, decompression, error codes) on undici, over connections it opens itself
// (dial.ts) so that every request knows exactly which socket served it.
//
// Why a small pool of undici Clients instead of one Agent: an Agent hides which pooled
// socket carried a request (so remote/local address and timings could only be guessed), and
// a request still waiting for a connection cannot be cancelled. Here every request checks a
// Client out exclusively; its connector dials on behalf of that request (so connect
// failures, timings and addresses belong to it), and idle Clients are reused within the
// engine's lifetime like k6 reuses a VU's connections. `close()` destroys them all, and a
// new engine (a new attempt) always dials afresh.
import { Client } from 'undici';
import type { Dispatcher } from 'undici';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  NetFailure,
  bodyTooLarge,
  decodeFailure,
  exchangeFailure,
  failureMessage,
  invalidUrl,
  requestTimeout,
  unsupportedScheme,
  type FailureContext,
} from './causes.js';
import { CookieJar, parseSetCookie, toResponseCookie } from './cookies.js';
import { DecodeError, DecodedTooLarge, decodeBody } from './decode.js';
import { MAX_HEADER_BYTES, resolveEngineOptions } from './defaults.js';
import { dial, type ConnInfo, type HopTrace } from './dial.js';
import { createEgressPolicy } from './egress.js';
import { canonicalHeaderName, deleteHeader, findHeader, rawHeaderPairs, shapeResponseHeaders, statusText } from './headers.js';
import { createLocalIpPicker } from './local-ips.js';
import { proxyFor, type ProxyTarget } from './proxy.js';
import { createRedactor, type Redactor } from './redact.js';
import type { EngineOptions, HttpEngine, HttpRequest, HttpResponse, ResponseCookie, Timings } from './types.js';

/** Engine options plus what the engine may add to messages. */
export interface CreateEngineOptions extends Partial<EngineOptions> {
  /** The runner's public address (from `lookupEgressIp`), quoted in failure messages. */
  egressIp?: string;
  /** Sees every finished request with its response (`--http-debug`); what it throws is ignored. */
  onExchange?: (res: HttpResponse) => void;
}

const now = () => performance.now();

/** Abort reasons on the request-level controller: our timeout vs the caller's signal. */
const TIMEOUT = Symbol('timeout');
const CANCELLED = Symbol('cancelled');

interface PooledClient {
  client: Client;
  key: string;
  /** The request currently using this client; its dial happens on its behalf. */
  hop: HopState | null;
  info: ConnInfo | null;
}

interface HopState {
  trace: HopTrace;
  signal: AbortSignal;
}

interface HopResult {
  status: number;
  reason: string;
  pairs: [string, string][];
  body: Buffer | null;
  info: ConnInfo | null;
  trace: HopTrace;
  t: { start: number; sendStart?: number; sent?: number; headers?: number; end?: number };
}

interface HopRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | null;
  keepBody: boolean;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

function emptyTimings(): Timings {
  return { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
}

const d = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > a ? b - a : 0);

/** Timings of the last hop, k6 style. DNS time is counted in `blocked` (`looking_up` stays 0, as in k6). */
function hopTimings(t: HopResult['t'], trace: HopTrace): Timings {
  const tm = emptyTimings();
  const firstDial = trace.dialed ? (trace.connectStart ?? trace.dnsStart) : undefined;
  tm.blocked = d(t.start, firstDial ?? t.sendStart ?? t.end);
  if (trace.dialed) {
    if (trace.dnsStart !== undefined) tm.blocked = d(t.start, trace.connectStart ?? trace.dnsEnd);
    tm.connecting = d(trace.connectStart, trace.connectEnd);
    tm.tls_handshaking = d(trace.tlsStart, trace.tlsEnd);
  }
  tm.sending = d(t.sendStart, t.sent ?? t.headers);
  tm.waiting = d(t.sent ?? t.sendStart, t.headers);
  tm.receiving = d(t.headers, t.end);
  tm.duration = tm.sending + tm.waiting + tm.receiving;
  return tm;
}

function basicAuth(u: URL): string | null {
  if (!u.username && !u.password) return null;
  const cred = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  return 'Basic ' + Buffer.from(cred).toString('base64');
}

/** Go's rule for carrying Authorization/Cookie across a redirect: same host or a subdomain of it. */
function sameOrSubdomain(next: string, initial: string): boolean {
  const a = next.toLowerCase();
  const b = initial.toLowerCase();
  return a === b || a.endsWith('.' + b);
}

function urlForWire(u: URL): string {
  const c = new URL(u.href);
  c.username = '';
  c.password = '';
  c.hash = '';
  return c.href;
}

function hostnameOf(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, '');
}

function portOf(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

export function createHttpEngine(options: CreateEngineOptions = {}): HttpEngine {
  const opts = resolveEngineOptions(options);
  const egressIp = options.egressIp;
  const policy = createEgressPolicy(opts.allowHosts);
  const pickLocal = createLocalIpPicker(opts.localIPs);
  const redactor: Redactor = createRedactor({ secretParams: opts.secretParams, secretValues: opts.secretValues });
  const sockets = new Set<Socket>();
  const idle = new Map<string, PooledClient[]>();
  const busy = new Set<PooledClient>();
  const jars = new Map<string, CookieJar>([['vu', new CookieJar()]]);
  let jarSeq = 0;
  let closed = false;

  const env = {
    opts,
    policy,
    pickLocal,
    track(s: Socket) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    },
  };

  function newClient(url: URL, proxy: ProxyTarget | null, key: string): PooledClient {
    const pc: PooledClient = { client: undefined as unknown as Client, key, hop: null, info: null };
    const target = { protocol: url.protocol as 'http:' | 'https:', hostname: hostnameOf(url), port: portOf(url), proxy };
    pc.client = new Client(url.origin, {
      // The connector dials for whichever request holds this client right now.
      connect: (_o, cb) => {
        const hop = pc.hop;
        if (!hop) {
          cb(new Error('connection requested without an active request'), null);
          return;
        }
        dial(env, target, hop.trace, hop.signal).then(
          ({ socket, info }) => {
            pc.info = info;
            cb(null, socket);
          },
          (e: unknown) => cb(e instanceof Error ? e : new Error(String(e)), null),
        );
      },
      pipelining: 1,
      maxHeaderSize: MAX_HEADER_BYTES,
      // Our own deadline covers headers and body; undici's per-phase timers stay off.
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 4_000,
    });
    pc.client.on('disconnect', () => {
      pc.info = null;
    });
    return pc;
  }

  function checkout(url: URL, proxy: ProxyTarget | null): PooledClient {
    const key = `${url.protocol}//${url.host}|${proxy?.display ?? ''}`;
    const list = idle.get(key);
    while (list && list.length > 0) {
      const pc = list.pop()!;
      if (!pc.client.destroyed && !pc.client.closed) {
        busy.add(pc);
        return pc;
      }
    }
    const pc = newClient(url, proxy, key);
    busy.add(pc);
    return pc;
  }

  function checkin(pc: PooledClient, reusable: boolean): void {
    busy.delete(pc);
    pc.hop = null;
    if (!reusable || closed || pc.client.destroyed || pc.client.closed) {
      pc.client.destroy().catch(() => {});
      return;
    }
    const list = idle.get(pc.key) ?? [];
    list.push(pc);
    idle.set(pc.key, list);
  }

  function jarFor(id: string | null | undefined): CookieJar | null {
    if (id === null) return null;
    const key = id ?? 'vu';
    let j = jars.get(key);
    if (!j) {
      j = new CookieJar();
      jars.set(key, j);
    }
    return j;
  }

  /** One request/response exchange on one connection. Rejects with a NetFailure. */
  function runHop(hr: HopRequest, reqSignal: AbortSignal, timeoutMs: number | null, maxBody: number): Promise<HopResult> {
    const t: HopResult['t'] = { start: now() };
    const proxy = proxyFor({ proxy: opts.proxy, env: opts.env }, hr.url);
    const trace: HopTrace = { phase: 'connect', host: hostnameOf(hr.url), viaProxy: !!proxy, dialed: false };
    const hopAc = new AbortController();
    const pc = checkout(hr.url, proxy);
    pc.hop = { trace, signal: hopAc.signal };

    const ctx = (): FailureContext => ({
      host: trace.host,
      target: trace.target ?? (pc.info && !pc.info.viaProxy ? pc.info.remote : undefined),
      source: trace.source ?? pc.info?.local,
      proxy: trace.proxy ?? (pc.info?.viaProxy ? pc.info.remote : undefined),
      elapsedMs: now() - t.start,
      egressIp,
    });

    return new Promise<HopResult>((resolve, reject) => {
      let settled = false;
      let abortConn: ((err?: Error) => void) | null = null;
      let status = 0;
      let reason = '';
      let pairs: [string, string][] = [];
      const chunks: Buffer[] = [];
      let bytes = 0;

      const fail = (f: NetFailure) => {
        if (settled) return;
        settled = true;
        reqSignal.removeEventListener('abort', onReqAbort);
        // Stop the dial or exchange first: its abort handlers record the last facts (source address).
        hopAc.abort(f);
        abortConn?.(f);
        f.ctx.elapsedMs ??= now() - t.start;
        const c = ctx();
        for (const k of Object.keys(c) as (keyof FailureContext)[]) {
          if (f.ctx[k] === undefined && c[k] !== undefined) (f.ctx as Record<string, unknown>)[k] = c[k];
        }
        (f as NetFailure & { hop?: Partial<HopResult> }).hop = { trace, t, info: pc.info };
        checkin(pc, false);
        reject(f);
      };

      const onReqAbort = () => {
        const isTimeout = reqSignal.reason === TIMEOUT;
        fail(requestTimeout(trace.phase, isTimeout ? timeoutMs : null, ctx(), trace.viaProxy));
      };
      if (reqSignal.aborted) {
        onReqAbort();
        return;
      }
      reqSignal.addEventListener('abort', onReqAbort, { once: true });

      const headers: Record<string, string> = { ...hr.headers };
      let path = hr.url.pathname + hr.url.search;
      if (proxy && hr.url.protocol === 'http:') {
        // Forward proxy for plain http: absolute-form request line, credentials for the proxy.
        path = urlForWire(hr.url);
        if (proxy.authorization && !findHeader(headers, 'Proxy-Authorization')) headers['Proxy-Authorization'] = proxy.authorization;
      }

      const handler = {
        onConnect(abort: (err?: Error) => void) {
          abortConn = abort;
          if (settled) {
            abort();
            return;
          }
          trace.phase = 'send';
          t.sendStart = now();
        },
        onRequestSent() {
          t.sent = now();
          trace.phase = 'wait';
        },
        onHeaders(statusCode: number, raw: Buffer[], _resume: () => void, text: string) {
          if (statusCode < 200) return true; // 1xx: informational, the real answer follows
          t.headers = now();
          t.sent ??= t.headers;
          trace.phase = 'receive';
          status = statusCode;
          reason = text;
          pairs = rawHeaderPairs(raw);
          return true;
        },
        onData(chunk: Buffer) {
          if (settled) return false;
          if (!hr.keepBody) return true;
          bytes += chunk.length;
          if (bytes > maxBody) {
            fail(bodyTooLarge(maxBody, ctx()));
            return false;
          }
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          if (settled) return;
          settled = true;
          t.end = now();
          reqSignal.removeEventListener('abort', onReqAbort);
          const info = pc.info;
          checkin(pc, true);
          resolve({ status, reason, pairs, body: hr.keepBody ? Buffer.concat(chunks) : null, info, trace, t });
        },
        onError(err: Error) {
          if (settled) return;
          fail(err instanceof NetFailure ? err : exchangeFailure(err, trace.phase, ctx()));
        },
      };

      try {
        pc.client.dispatch(
          { origin: hr.url.origin, path, method: hr.method, headers, body: hr.body ?? undefined },
          handler as unknown as Dispatcher.DispatchHandler,
        );
      } catch (e) {
        fail(exchangeFailure(e, 'send', ctx()));
      }
    });
  }

  /** Builds the `request` echo in k6's shape (header values as arrays). */
  function requestEcho(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | null,
    cookies: Record<string, { name: string; value: string; replace: boolean }[]>,
  ): HttpResponse['request'] {
    const h: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(headers)) (h[canonicalHeaderName(k)] ??= []).push(v);
    return { method, url, headers: h, body: body ? body.toString('utf8') : '', cookies };
  }

  function errorResponse(f: NetFailure, url: string, echo: HttpResponse['request'], timings: Timings, info?: ConnInfo | null): HttpResponse {
    return {
      status: 0,
      status_text: '',
      proto: '',
      headers: {},
      cookies: {},
      body: null,
      url,
      remote_ip: info?.remote.ip ?? f.ctx.target?.ip ?? '',
      remote_port: info?.remote.port ?? f.ctx.target?.port ?? 0,
      local_ip: info?.local.ip ?? f.ctx.source?.ip ?? '',
      local_port: info?.local.port ?? f.ctx.source?.port ?? 0,
      tls_version: '',
      tls_cipher_suite: '',
      timings,
      error: f.error,
      error_code: f.code,
      failure: { reason: f.reason, message: redactor.text(failureMessage(f)) },
      request: echo,
    };
  }

  async function request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const method = req.method;
    const maxRedirects = Number.isInteger(req.maxRedirects) && req.maxRedirects >= 0 ? req.maxRedirects : opts.maxRedirects;
    const timeoutMs = Number.isFinite(req.timeoutMs) && req.timeoutMs > 0 ? req.timeoutMs : 60_000;
    const jar = jarFor(req.jar);
    const reqCookies = req.cookies ?? {};
    const userHeaders: Record<string, string> = { ...req.headers };
    const emptyEcho = requestEcho(method, req.url, userHeaders, req.body ? Buffer.from(req.body) : null, {});

    // URL checks first: they fail without touching the network.
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (e) {
      const f = /^[a-z][a-z0-9+.-]*:/i.test(req.url) ? invalidUrl(req.url, (e as Error).message) : unsupportedScheme('');
      return errorResponse(f, req.url, emptyEcho, emptyTimings());
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return errorResponse(unsupportedScheme(url.protocol.replace(/:$/, '')), req.url, emptyEcho, emptyTimings());
    }
    if (closed) {
      return errorResponse(new NetFailure(1000, 'engine closed', 'NetworkError', 'url', 'the HTTP engine was closed', 'internal: request after the attempt ended', {}), req.url, emptyEcho, emptyTimings());
    }
    if (url.password) redactor.addSecret(decodeURIComponent(url.password));

    // One deadline for the whole request, redirects included (as Go's Client.Timeout).
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(TIMEOUT), timeoutMs);
    const onCallerAbort = () => ac.abort(CANCELLED);
    if (signal?.aborted) ac.abort(CANCELLED);
    else signal?.addEventListener('abort', onCallerAbort, { once: true });

    const initialHost = hostnameOf(url);
    let curMethod = method;
    let curBody: Buffer | null = req.body && req.body.length > 0 ? Buffer.from(req.body) : req.body ? Buffer.alloc(0) : null;
    let curUrl = url;
    let curUrlText = req.url;
    let dropSensitive = false;
    let referer: string | null = null;
    const keepBody = req.responseType !== 'none';

    try {
      for (let hop = 0; ; hop++) {
        // Headers for this hop: user headers, then what k6 adds.
        const h: Record<string, string> = { ...userHeaders };
        deleteHeader(h, 'Content-Length'); // recomputed, as k6 does
        if (dropSensitive) {
          deleteHeader(h, 'Authorization');
          deleteHeader(h, 'Cookie');
        }
        if (curBody === null && hop > 0) {
          deleteHeader(h, 'Content-Type');
          deleteHeader(h, 'Content-Encoding');
        }
        if (!findHeader(h, 'User-Agent') && opts.userAgent) h['User-Agent'] = opts.userAgent;
        const auth = basicAuth(curUrl);
        if (auth && !findHeader(h, 'Authorization')) h['Authorization'] = auth;
        if (referer && !findHeader(h, 'Referer')) h['Referer'] = referer;

        // Cookies: the jar's for this URL, then request-scoped ones (`replace` hides a jar cookie).
        const echoCookies: Record<string, { name: string; value: string; replace: boolean }[]> = {};
        const sendCookies: string[] = [];
        const jarCookies = jar ? jar.cookiesFor(curUrl) : [];
        const scoped = dropSensitive ? {} : reqCookies;
        for (const c of jarCookies) {
          if (scoped[c.name]?.replace) continue;
          (echoCookies[c.name] ??= []).push({ name: c.name, value: c.value, replace: false });
          sendCookies.push(`${c.name}=${c.value}`);
        }
        for (const [name, c] of Object.entries(scoped)) {
          (echoCookies[name] ??= []).push({ name, value: c.value, replace: c.replace });
          sendCookies.push(`${name}=${c.value}`);
        }
        if (sendCookies.length > 0) {
          const existing = findHeader(h, 'Cookie');
          deleteHeader(h, 'Cookie');
          h['Cookie'] = existing ? `${existing}; ${sendCookies.join('; ')}` : sendCookies.join('; ');
        }

        const echo = requestEcho(curMethod, curUrlText, h, curBody, echoCookies);
        let r: HopResult;
        try {
          r = await runHop({ method: curMethod, url: curUrl, headers: h, body: curBody, keepBody }, ac.signal, timeoutMs, opts.maxBodyBytes);
        } catch (e) {
          const f = e instanceof NetFailure ? e : exchangeFailure(e, 'send', { host: hostnameOf(curUrl) });
          const hopInfo = (f as NetFailure & { hop?: { trace: HopTrace; t: HopResult['t']; info: ConnInfo | null } }).hop;
          const tm = hopInfo ? hopTimings({ ...hopInfo.t, end: hopInfo.t.end ?? now() }, hopInfo.trace) : emptyTimings();
          if (!hopInfo?.t.sendStart) tm.duration = 0;
          return errorResponse(f, curUrlText, echo, tm, hopInfo?.info);
        }

        const { headers, setCookies } = shapeResponseHeaders(r.pairs);
        if (jar && setCookies.length > 0) jar.storeSetCookies(curUrl, setCookies);

        const location = headers['Location'];
        if (REDIRECT.has(r.status) && location !== undefined && hop < maxRedirects) {
          let next: URL;
          try {
            next = new URL(location, curUrl);
          } catch {
            const f = new NetFailure(1000, `failed to parse Location header "${location}"`, 'NetworkError', 'receive', 'the redirect Location is not a valid URL', 'fix the server\'s Location header', { host: hostnameOf(curUrl) });
            return errorResponse(f, curUrlText, echo, hopTimings(r.t, r.trace), r.info);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            return errorResponse(unsupportedScheme(next.protocol.replace(/:$/, '')), next.href, echo, hopTimings(r.t, r.trace), r.info);
          }
          if (r.status === 301 || r.status === 302 || r.status === 303) {
            if (curMethod !== 'GET' && curMethod !== 'HEAD') curMethod = 'GET';
            curBody = null;
          }
          if (!sameOrSubdomain(hostnameOf(next), initialHost)) dropSensitive = true;
          // Go sends a Referer on redirects, except from https to http.
          referer = curUrl.protocol === 'https:' && next.protocol === 'http:' ? null : urlForWire(curUrl);
          if (next.password) redactor.addSecret(decodeURIComponent(next.password));
          curUrl = next;
          curUrlText = next.href;
          continue;
        }

        return finalResponse(r, headers, setCookies, curUrlText, echo, req, keepBody, proxyFor({ proxy: opts.proxy, env: opts.env }, curUrl));
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  function finalResponse(
    r: HopResult,
    headers: Record<string, string>,
    setCookies: string[],
    url: string,
    echo: HttpResponse['request'],
    req: HttpRequest,
    keepBody: boolean,
    proxy: ProxyTarget | null,
  ): HttpResponse {
    const timings = hopTimings(r.t, r.trace);
    const info = r.info;
    const cookies: Record<string, ResponseCookie[]> = {};
    for (const line of setCookies) {
      const c = parseSetCookie(line);
      if (c) (cookies[c.name] ??= []).push(toResponseCookie(c));
    }
    const base: HttpResponse = {
      status: r.status,
      status_text: statusText(r.status, r.reason),
      proto: 'HTTP/1.1',
      headers,
      cookies,
      body: null,
      url,
      remote_ip: info?.remote.ip ?? '',
      remote_port: info?.remote.port ?? 0,
      local_ip: info?.local.ip ?? '',
      local_port: info?.local.port ?? 0,
      tls_version: info?.tlsVersion ?? '',
      tls_cipher_suite: info?.tlsCipher ?? '',
      timings,
      error: '',
      error_code: r.status >= 400 ? 1000 + r.status : 0,
      request: echo,
    };
    if (r.status === 407 && proxy) {
      const f = new NetFailure(1407, '', 'ProxyFailed', 'wait', 'the proxy requires authentication (407 Proxy Authentication Required)', 'put credentials in the proxy URL (http://user:pass@proxy:port)', {
        host: hostnameOf(new URL(url)),
        proxy: info?.remote,
        source: info?.local,
        elapsedMs: timings.duration,
        egressIp,
      });
      base.failure = { reason: 'ProxyFailed', message: redactor.text(failureMessage(f)) };
    }
    const noBody = r.status < 200 || r.status === 204 || r.status === 304;
    if (!keepBody || noBody) return base;
    let bytes = r.body ?? Buffer.alloc(0);
    try {
      bytes = decodeBody(headers['Content-Encoding'], bytes, opts.maxBodyBytes);
    } catch (e) {
      const ctx: FailureContext = { host: hostnameOf(new URL(url)), target: info?.remote, source: info?.local, elapsedMs: timings.duration, egressIp };
      const f = e instanceof DecodedTooLarge ? bodyTooLarge(opts.maxBodyBytes, ctx, true) : decodeFailure(e instanceof DecodeError ? e.encoding : '?', e instanceof DecodeError ? e.cause : e, ctx);
      return { ...base, error: f.error, error_code: f.code, failure: { reason: f.reason, message: redactor.text(failureMessage(f)) } };
    }
    base.body = req.responseType === 'binary' ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8');
    return base;
  }

  function parseJarUrl(url: string): URL {
    return new URL(url);
  }

  const observed = async (req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> => {
    const res = await request(req, signal);
    try {
      options.onExchange?.(res);
    } catch {
      // a debug printer must not break a request
    }
    return res;
  };

  return {
    request: options.onExchange ? observed : request,
    newJar() {
      const id = `jar${++jarSeq}`;
      jars.set(id, new CookieJar());
      return id;
    },
    jarCookiesForURL(jar, url) {
      return jarFor(jar)?.cookiesForURL(parseJarUrl(url)) ?? {};
    },
    jarSet(jar, url, name, value, o = {}) {
      const j = jarFor(jar);
      if (!j) return;
      const expires = typeof o.expires === 'string' ? Date.parse(o.expires) : typeof o.expires === 'number' ? o.expires : undefined;
      const maxAge = typeof o.max_age === 'number' ? o.max_age : typeof o.maxAge === 'number' ? o.maxAge : undefined;
      j.set(parseJarUrl(url), {
        name,
        value,
        domain: typeof o.domain === 'string' && o.domain ? o.domain : undefined,
        path: typeof o.path === 'string' && o.path ? o.path : undefined,
        expires: expires !== undefined && !Number.isNaN(expires) ? expires : undefined,
        maxAge,
        secure: o.secure === true,
        httpOnly: o.http_only === true || o.httpOnly === true,
      });
    },
    jarClear(jar, url) {
      jarFor(jar)?.clear(parseJarUrl(url));
    },
    jarDelete(jar, url, name) {
      jarFor(jar)?.delete(parseJarUrl(url), name);
    },
    async close() {
      if (closed) return;
      closed = true;
      const all = [...busy, ...[...idle.values()].flat()];
      idle.clear();
      busy.clear();
      await Promise.all(all.map((pc) => pc.client.destroy().catch(() => {})));
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
