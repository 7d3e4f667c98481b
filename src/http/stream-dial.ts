// One connection for a protocol that is not request/response HTTP/1.1 (gRPC over HTTP/2,
// WebSockets): the same dial path as the HTTP engine (egress policy, source address, proxy,
// TLS trust, failure causes), with the connection facts and a whole-dial timeout.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { NetFailure, failureMessage, requestTimeout, type FailureContext } from './causes.js';
import { resolveEngineOptions } from './defaults.js';
import { createDialEnv } from './dial-env.js';
import { dial, type ConnInfo, type DialTarget, type HopTrace } from './dial.js';
import { proxyFor } from './proxy.js';
import { createRedactor, type Redactor } from './redact.js';
import { emptyTimings } from './timings.js';
import type { EngineOptions, NetworkReason, Timings } from './types.js';

export interface StreamTarget {
  /** TLS or not. */
  secure: boolean;
  hostname: string;
  port: number;
  /** ALPN for the TLS handshake (`['h2']` for gRPC). */
  alpn?: string[];
  /** Per-connection TLS additions (see DialTarget). */
  tls?: DialTarget['tls'];
}

export interface OpenedConnection {
  socket: Socket;
  info: ConnInfo;
  /** blocked / connecting / tls_handshaking of the dial; the caller adds the rest. */
  timings: Timings;
}

/** A failure in k6's terms, ready for a response: `error`, `error_code`, reason and message. */
export interface ShapedFailure {
  error: string;
  error_code: number;
  reason: NetworkReason;
  message: string;
  remote_ip: string;
  remote_port: number;
  local_ip: string;
  local_port: number;
}

export interface StreamDialer {
  readonly opts: EngineOptions;
  readonly redactor: Redactor;
  /** Dials `t`; rejects with a NetFailure (elapsed time and addresses filled in). */
  open(t: StreamTarget, timeoutMs: number, signal?: AbortSignal): Promise<OpenedConnection>;
  /** Turns any error from `open` (or later on the connection) into k6's failure fields. */
  shape(e: unknown): ShapedFailure;
  /** Destroys every socket this dialer opened, even mid-dial. */
  close(): void;
}

const span = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > a ? b - a : 0);

export function createStreamDialer(options: Partial<EngineOptions> & { egressIp?: string }): StreamDialer {
  const opts = resolveEngineOptions(options);
  const redactor = createRedactor({ secretParams: opts.secretParams, secretValues: opts.secretValues });
  const env = createDialEnv(opts);

  async function open(t: StreamTarget, timeoutMs: number, signal?: AbortSignal): Promise<OpenedConnection> {
    const hostname = t.hostname.replace(/^\[|\]$/g, '');
    const authority = hostname.includes(':') ? `[${hostname}]:${t.port}` : `${hostname}:${t.port}`;
    // Proxy choice as Go makes it for these clients: the TLS target uses HTTPS_PROXY, plain HTTP_PROXY.
    const proxy = proxyFor({ proxy: opts.proxy, env: opts.env }, new URL(`${t.secure ? 'https' : 'http'}://${authority}`));
    const trace: HopTrace = { phase: 'policy', host: hostname, viaProxy: !!proxy, dialed: false };
    const started = performance.now();
    const ctx = (): FailureContext => ({ host: hostname, target: trace.target, source: trace.source, proxy: trace.proxy });
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(requestTimeout(trace.phase, timeoutMs, ctx(), !!proxy)), timeoutMs);
    const onCancel = () => ac.abort(requestTimeout(trace.phase, null, ctx(), !!proxy));
    if (signal?.aborted) onCancel();
    signal?.addEventListener('abort', onCancel, { once: true });
    try {
      const { socket, info } = await dial(
        env,
        { protocol: t.secure ? 'https:' : 'http:', hostname, port: t.port, proxy, tunnel: true, ...(t.alpn ? { alpn: t.alpn } : {}), ...(t.tls ? { tls: t.tls } : {}) },
        trace,
        ac.signal,
      );
      const tm = emptyTimings();
      tm.blocked = span(started, trace.connectStart ?? trace.dnsEnd);
      tm.connecting = span(trace.connectStart, trace.connectEnd);
      tm.tls_handshaking = span(trace.tlsStart, trace.tlsEnd);
      return { socket, info, timings: tm };
    } catch (e) {
      const f = e instanceof NetFailure ? e : new NetFailure(1000, String((e as Error)?.message ?? e), 'NetworkError', trace.phase, String((e as Error)?.message ?? e), 'a network error without a more specific cause', ctx());
      f.ctx.elapsedMs ??= performance.now() - started;
      f.ctx.source ??= trace.source;
      f.ctx.target ??= trace.target;
      if (options.egressIp) f.ctx.egressIp = options.egressIp;
      throw f;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
    }
  }

  function shape(e: unknown): ShapedFailure {
    const f = e instanceof NetFailure
      ? e
      : new NetFailure(1000, String((e as Error)?.message ?? e), 'NetworkError', 'wait', String((e as Error)?.message ?? e), 'a network error without a more specific cause');
    return {
      error: redactor.text(f.error),
      error_code: f.code,
      reason: f.reason,
      message: redactor.text(failureMessage(f)),
      remote_ip: f.ctx.target?.ip ?? '',
      remote_port: f.ctx.target?.port ?? 0,
      local_ip: f.ctx.source?.ip ?? '',
      local_port: f.ctx.source?.port ?? 0,
    };
  }

  return {
    opts,
    redactor,
    open,
    shape,
    close: () => env.destroyAll(),
  };
}
