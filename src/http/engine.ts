// The host network engine: one per attempt. It runs k6 request semantics (redirects,
// cookies, decompression, error codes) on undici, over connections it opens itself
// (dial.ts) so that every request knows exactly which socket served it. The pieces:
// pool.ts (connections), hop.ts (one exchange), redirects.ts, jars.ts, timings.ts.
// `exchange()` returns the neutral result (exchange.ts); k6's response object is shaped
// at the bridge (src/sandbox/ops/http-response.ts), which `request()` applies for callers
// that want k6's shape.
import { performance } from 'node:perf_hooks';
import { NetFailure, bodyTooLarge, decodeFailure, exchangeFailure, failureMessage, invalidUrl, unsupportedScheme, type FailureContext } from './causes.js';
import type { BodyBytesLease } from './body-budget.js';
import { DecodeError, DecodedTooLarge, decodeBody } from './decode.js';
import { resolveEngineOptions } from './defaults.js';
import { createDialEnv } from './dial-env.js';
import type { ConnInfo } from './dial.js';
import type { ConnFacts, Exchange, ExchangeFailure, SentRequest } from './exchange.js';
import { hopHeaders } from './hop-headers.js';
import { CANCELLED, TIMEOUT, runHop, type HopFailure, type HopResult } from './hop.js';
import { createJarRegistry } from './jars.js';
import { createConnectionPool, hostnameOf } from './pool.js';
import { proxyFor } from './proxy.js';
import { digestAuth } from './digest.js';
import { createRedactor, type Redactor } from './redact.js';
import { REDIRECT_STATUSES, redirectMethod, redirectReferer, sameOrSubdomain } from './redirects.js';
import { emptyTimings, hopTimings } from './timings.js';
import type { EngineOptions, HttpEngine, HttpRequest, HttpResponse } from './types.js';
import { k6Response } from '../sandbox/ops/http-response.js';

/** Engine options plus what the engine may add to messages. */
export interface CreateEngineOptions extends Partial<EngineOptions> {
  /** The runner's public address (from `lookupEgressIp`), quoted in failure messages. */
  egressIp?: string;
  /** Sees every finished request with its response (`--http-debug`); what it throws is ignored. */
  onExchange?: (res: HttpResponse) => void;
}

const now = () => performance.now();

/** All values of a header in wire order, joined as Go joins repeats. */
function headerValue(pairs: readonly [string, string][], name: string): string | undefined {
  const n = name.toLowerCase();
  const v = pairs.filter(([k]) => k.toLowerCase() === n).map(([, x]) => x);
  return v.length > 0 ? v.join(', ') : undefined;
}

/** HTTP/2 can be turned off as in k6 (Go): GODEBUG=http2client=0. */
export function godebugDisablesH2(env: Record<string, string | undefined> | undefined): boolean {
  return /(^|,)\s*http2client=0\s*(,|$)/.test(env?.GODEBUG ?? '');
}

export function createHttpEngine(options: CreateEngineOptions = {}): HttpEngine {
  const opts = resolveEngineOptions(options);
  const egressIp = options.egressIp;
  const redactor: Redactor = createRedactor({ secretParams: opts.secretParams, secretValues: opts.secretValues });
  const env = createDialEnv(opts);
  const http1 = opts.http1 ?? godebugDisablesH2(opts.env ?? process.env);
  const pool = createConnectionPool(env, { http1 });
  const jars = createJarRegistry();
  let closed = false;

  const failureOf = (f: NetFailure): ExchangeFailure => ({ reason: f.reason, code: f.code, error: f.error, message: redactor.text(failureMessage(f)) });

  const connFacts = (info: ConnInfo | null | undefined, f?: NetFailure): ConnFacts => {
    const remote = info?.remote ?? f?.ctx.target;
    const local = info?.local ?? f?.ctx.source;
    return {
      ...(remote ? { remote } : {}),
      ...(local ? { local } : {}),
      tlsVersion: info?.tlsVersion ?? '',
      tlsCipher: info?.tlsCipher ?? '',
      proto: '',
      viaProxy: info?.viaProxy ?? false,
    };
  };

  const failed = (f: NetFailure, url: string, request: SentRequest, timings = emptyTimings(), info?: ConnInfo | null): Exchange => ({
    url,
    status: 0,
    reason: '',
    headers: [],
    body: null,
    conn: connFacts(info, f),
    timings,
    failure: failureOf(f),
    request,
  });

  async function exchange(req: HttpRequest, signal?: AbortSignal, budget?: BodyBytesLease): Promise<Exchange> {
    const method = req.method;
    const maxRedirects = Number.isInteger(req.maxRedirects) && req.maxRedirects >= 0 ? req.maxRedirects : opts.maxRedirects;
    const timeoutMs = Number.isFinite(req.timeoutMs) && req.timeoutMs > 0 ? req.timeoutMs : 60_000;
    const jar = jars.jarFor(req.jar);
    const reqCookies = req.cookies ?? {};
    const userHeaders: Record<string, string> = { ...req.headers };
    const asSent = (m: string, u: string, h: Record<string, string>, b: Buffer | null, cookies: SentRequest['cookies']): SentRequest => ({ method: m, url: u, headers: h, body: b, cookies });
    const body = req.body ? Buffer.from(req.body) : null;
    const firstEcho = asSent(method, req.url, userHeaders, body, {});

    // URL checks first: they fail without touching the network.
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (e) {
      const f = /^[a-z][a-z0-9+.-]*:/i.test(req.url) ? invalidUrl(req.url, (e as Error).message) : unsupportedScheme('');
      return failed(f, req.url, firstEcho);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return failed(unsupportedScheme(url.protocol.replace(/:$/, '')), req.url, firstEcho);
    }
    if (closed) {
      return failed(new NetFailure(1000, 'engine closed', 'NetworkError', 'url', 'the HTTP engine was closed', 'internal: request after the attempt ended', {}), req.url, firstEcho);
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
    let curBody: Buffer | null = body;
    let curUrl = url;
    let curUrlText = req.url;
    let dropSensitive = false;
    let referer: string | null = null;
    const keepBody = req.responseType !== 'none';
    const authMode = digestAuth(req.auth);
    let digestHeader: string | undefined;

    try {
      for (let hop = 0; ; hop++) {
        const { headers: h, cookies: echoCookies } = hopHeaders({
          user: userHeaders,
          hop,
          url: curUrl,
          body: curBody,
          dropSensitive,
          userAgent: opts.userAgent,
          referer,
          jarCookies: jar ? jar.cookiesFor(curUrl) : [],
          scoped: reqCookies,
          sendsBasic: authMode.sendsBasic,
          digest: digestHeader,
        });
        const sent = asSent(curMethod, curUrlText, h, curBody, echoCookies);
        const proxy = proxyFor({ proxy: opts.proxy, env: opts.env }, curUrl);
        let r: HopResult;
        try {
          r = await runHop(pool, { method: curMethod, url: curUrl, headers: h, body: curBody, keepBody, proxy, budget }, { signal: ac.signal, timeoutMs, maxBody: opts.maxBodyBytes, egressIp });
        } catch (e) {
          const f: HopFailure = e instanceof NetFailure ? e : exchangeFailure(e, 'send', { host: hostnameOf(curUrl) });
          const facts = f.hop;
          const tm = facts ? hopTimings({ ...facts.t, end: facts.t.end ?? now() }, facts.trace) : emptyTimings();
          if (!facts?.t.sendStart) tm.duration = 0;
          return failed(f, curUrlText, sent, tm, facts?.info);
        }

        const setCookies = r.pairs.filter(([k]) => k.toLowerCase() === 'set-cookie').map(([, v]) => v);
        if (jar && setCookies.length > 0) jar.storeSetCookies(curUrl, setCookies);

        // auth: 'digest': a 401 with a Digest challenge is answered once, on the same hop.
        const answer = authMode.retryWith(hop, r.status, headerValue(r.pairs, 'WWW-Authenticate'), curMethod, curUrl, curBody);
        digestHeader = answer;
        if (answer) {
          hop--; // the same hop again, now answering the Digest challenge
          continue;
        }

        const location = headerValue(r.pairs, 'Location');
        if (REDIRECT_STATUSES.has(r.status) && location !== undefined && hop < maxRedirects) {
          let next: URL;
          try {
            next = new URL(location, curUrl);
          } catch {
            const f = new NetFailure(1000, `failed to parse Location header "${location}"`, 'NetworkError', 'receive', 'the redirect Location is not a valid URL', 'fix the server\'s Location header', { host: hostnameOf(curUrl) });
            return failed(f, curUrlText, sent, hopTimings(r.t, r.trace), r.info);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            return failed(unsupportedScheme(next.protocol.replace(/:$/, '')), next.href, sent, hopTimings(r.t, r.trace), r.info);
          }
          ({ method: curMethod, body: curBody } = redirectMethod(r.status, curMethod, curBody));
          if (!sameOrSubdomain(hostnameOf(next), initialHost)) dropSensitive = true;
          referer = redirectReferer(curUrl, next);
          if (next.password) redactor.addSecret(decodeURIComponent(next.password));
          curUrl = next;
          curUrlText = next.href;
          continue;
        }

        return finalExchange(r, curUrlText, sent, keepBody, !!proxy);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** The final hop's answer: body decoded, a proxy's 407 and a bad encoding as failures. */
  function finalExchange(r: HopResult, url: string, request: SentRequest, keepBody: boolean, viaProxy: boolean): Exchange {
    const timings = hopTimings(r.t, r.trace);
    const info = r.info;
    const ex: Exchange = {
      url,
      status: r.status,
      reason: r.reason,
      headers: r.pairs,
      body: null,
      conn: { ...connFacts(info), proto: info?.alpn === 'h2' ? 'HTTP/2.0' : 'HTTP/1.1' },
      timings,
      request,
    };
    const ctx = (): FailureContext => ({ host: hostnameOf(new URL(url)), target: info?.remote, source: info?.local, elapsedMs: timings.duration, egressIp });
    if (r.status === 407 && viaProxy) {
      const f = new NetFailure(1407, '', 'ProxyFailed', 'wait', 'the proxy requires authentication (407 Proxy Authentication Required)', 'put credentials in the proxy URL (http://user:pass@proxy:port)', {
        ...ctx(),
        target: undefined,
        proxy: info?.remote,
      });
      ex.failure = failureOf(f);
    }
    const noBody = r.status < 200 || r.status === 204 || r.status === 304;
    if (!keepBody || noBody) return ex;
    try {
      ex.body = decodeBody(headerValue(r.pairs, 'Content-Encoding'), r.body ?? Buffer.alloc(0), opts.maxBodyBytes);
    } catch (e) {
      const f = e instanceof DecodedTooLarge ? bodyTooLarge(opts.maxBodyBytes, ctx(), true) : decodeFailure(e instanceof DecodeError ? e.encoding : '?', e instanceof DecodeError ? e.cause : e, ctx());
      ex.failure = failureOf(f);
    }
    return ex;
  }

  // --http-debug sees every exchange, a script's as well as the built-in check's, in k6's shape.
  const observed = async (req: HttpRequest, signal?: AbortSignal, budget?: BodyBytesLease): Promise<Exchange> => {
    const ex = await exchange(req, signal, budget);
    try {
      options.onExchange?.(k6Response(ex, req.responseType));
    } catch {
      // a debug printer must not break a request
    }
    return ex;
  };
  const exchangeOut = options.onExchange ? observed : exchange;

  return {
    exchange: exchangeOut,
    async request(req, signal, budget) {
      return k6Response(await exchangeOut(req, signal, budget), req.responseType);
    },
    newJar: () => jars.newJar(),
    jarCookiesForURL: (jar, url) => jars.cookiesForURL(jar, url),
    jarSet: (jar, url, name, value, o) => jars.set(jar, url, name, value, o),
    jarClear: (jar, url) => jars.clear(jar, url),
    jarDelete: (jar, url, name) => jars.delete(jar, url, name),
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
      env.destroyAll();
    },
  };
}
