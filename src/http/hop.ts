// One request/response exchange on one pooled connection, on undici's handler API
// (onRequestStart, onResponseStart, onResponseData, onResponseEnd, onResponseError).
// It settles once: with the status, raw header pairs, body bytes and the connection's
// facts, or with a classified NetFailure that carries the facts learnt so far.
import type { Dispatcher } from 'undici';
import { performance } from 'node:perf_hooks';
import { budgetExceeded, type BodyBytesLease } from './body-budget.js';
import { NetFailure, bodyTooLarge, exchangeFailure, requestTimeout, type FailureContext } from './causes.js';
import { MAX_HEADER_BYTES } from './defaults.js';
import type { ConnInfo, HopTrace } from './dial.js';
import { findHeader, rawHeaderPairs } from './headers.js';
import { hostnameOf, type ConnectionPool } from './pool.js';
import type { ProxyTarget } from './proxy.js';
import { urlForWire } from './redirects.js';
import { watchRequestSent } from './request-sent.js';
import type { HopClock } from './timings.js';

const now = () => performance.now();

/** Abort reasons on the request-level controller: the request's timeout vs the caller's signal. */
export const TIMEOUT = Symbol('timeout');
export const CANCELLED = Symbol('cancelled');

export interface HopRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | null;
  /** False: the body is read and dropped (responseType "none"). */
  keepBody: boolean;
  proxy: ProxyTarget | null;
  /** The attempt's response-bytes budget, charged as body bytes arrive. */
  budget?: BodyBytesLease | undefined;
}

export interface HopResult {
  status: number;
  reason: string;
  pairs: [string, string][];
  body: Buffer | null;
  info: ConnInfo | null;
  trace: HopTrace;
  t: HopClock;
}

/** What a failed hop knew: its trace, clock marks and connection (for timings and addresses). */
export interface HopFacts {
  trace: HopTrace;
  t: HopClock;
  info: ConnInfo | null;
}

/** A hop's failure with the facts of the hop attached. */
export type HopFailure = NetFailure & { hop?: HopFacts };

export interface HopLimits {
  /** The request-level signal: aborted with TIMEOUT or CANCELLED. */
  signal: AbortSignal;
  timeoutMs: number | null;
  maxBody: number;
  egressIp?: string;
}

export function runHop(pool: ConnectionPool, hr: HopRequest, lim: HopLimits): Promise<HopResult> {
  const t: HopClock = { start: now() };
  const proxy = hr.proxy;
  const trace: HopTrace = { phase: 'connect', host: hostnameOf(hr.url), viaProxy: !!proxy, dialed: false };
  const hopAc = new AbortController();
  const pc = pool.checkout(hr.url, proxy);
  pc.hop = { trace, signal: hopAc.signal };
  const reqSignal = lim.signal;

  const ctx = (): FailureContext => ({
    host: trace.host,
    target: trace.target ?? (pc.info && !pc.info.viaProxy ? pc.info.remote : undefined),
    source: trace.source ?? pc.info?.local,
    proxy: trace.proxy ?? (pc.info?.viaProxy ? pc.info.remote : undefined),
    elapsedMs: now() - t.start,
    egressIp: lim.egressIp,
  });

  return new Promise<HopResult>((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | null = null;
    let unwatchSent: (() => void) | null = null;
    let status = 0;
    let reason = '';
    let pairs: [string, string][] = [];
    const chunks: Buffer[] = [];
    let bytes = 0;

    const done = () => {
      settled = true;
      reqSignal.removeEventListener('abort', onReqAbort);
      unwatchSent?.();
    };

    const fail = (f: HopFailure) => {
      if (settled) return;
      done();
      // Stop the dial or exchange first: its abort handlers record the last facts (source address).
      hopAc.abort(f);
      if (controller && !controller.aborted) controller.abort(f);
      f.ctx.elapsedMs ??= now() - t.start;
      const c = ctx();
      for (const k of Object.keys(c) as (keyof FailureContext)[]) {
        if (f.ctx[k] === undefined && c[k] !== undefined) (f.ctx as Record<string, unknown>)[k] = c[k];
      }
      f.hop = { trace, t, info: pc.info };
      pool.checkin(pc, false);
      reject(f);
    };

    const onReqAbort = () => {
      const isTimeout = reqSignal.reason === TIMEOUT;
      fail(requestTimeout(trace.phase, isTimeout ? lim.timeoutMs : null, ctx(), trace.viaProxy));
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

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) {
          c.abort(new Error('request already settled'));
          return;
        }
        trace.phase = 'send';
        t.sendStart = now();
        if (pc.socket) {
          unwatchSent = watchRequestSent(pc.socket, () => {
            t.sent = now();
            if (trace.phase === 'send') trace.phase = 'wait';
          });
        }
      },
      onResponseStart(c, statusCode, _headers, statusMessage) {
        if (statusCode < 200) return; // 1xx: informational, the real answer follows
        t.headers = now();
        t.sent ??= t.headers;
        trace.phase = 'receive';
        status = statusCode;
        reason = statusMessage ?? '';
        pairs = rawHeaderPairs((c.rawHeaders ?? []) as (Buffer | string)[]);
        // undici caps HTTP/1.1 header blocks (maxHeaderSize) but not HTTP/2 ones: same cap here.
        let headerBytes = 0;
        for (const [k, v] of pairs) headerBytes += k.length + v.length + 4;
        if (headerBytes > MAX_HEADER_BYTES) {
          fail(exchangeFailure(Object.assign(new Error('headers overflow'), { code: 'UND_ERR_HEADERS_OVERFLOW' }), 'wait', ctx()));
        }
      },
      onResponseData(c, chunk) {
        if (settled) return;
        if (!hr.keepBody) return;
        bytes += chunk.length;
        if (bytes > lim.maxBody) {
          fail(bodyTooLarge(lim.maxBody, ctx()));
          if (!c.aborted) c.abort(new Error('response body too large'));
          return;
        }
        if (hr.budget && !hr.budget.take(chunk.length)) {
          fail(budgetExceeded(hr.budget.limit, ctx()));
          if (!c.aborted) c.abort(new Error('response bytes budget exceeded'));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        done();
        t.end = now();
        const info = pc.info;
        pool.checkin(pc, true);
        resolve({ status, reason, pairs, body: hr.keepBody ? Buffer.concat(chunks) : null, info, trace, t });
      },
      onResponseError(_c, err) {
        if (settled) return;
        fail(err instanceof NetFailure ? err : exchangeFailure(err, trace.phase, ctx()));
      },
    };

    try {
      pc.client.dispatch({ origin: hr.url.origin, path, method: hr.method, headers, body: hr.body ?? undefined }, handler);
    } catch (e) {
      fail(exchangeFailure(e, 'send', ctx()));
    }
  });
}
