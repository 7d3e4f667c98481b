// One connection with a deadline, for protocols that are not request/response HTTP on the
// engine's pool (the tcp:// and tls:// checks; usable by any protocol that brings its own
// framing). It wraps dial(): the same egress policy, source address, hosts overrides, TLS
// trust and failure causes, plus one deadline over DNS, connect and handshake, and a
// failure that always names what was learnt (source and target addresses, elapsed time).
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { NetFailure, exchangeFailure, requestTimeout, type FailureContext } from './causes.js';
import { dial, type ConnInfo, type DialEnv, type DialTarget, type HopTrace } from './dial.js';

const now = () => performance.now();

export interface ConnectTarget {
  protocol: DialTarget['protocol'];
  /** Host name or IP literal (brackets allowed for IPv6). */
  host: string;
  port: number;
  alpn?: readonly string[];
  /** Deadline for DNS + connect + handshake, ms (the connect timeout still applies per dial). */
  timeoutMs: number;
  /** The runner's public address, quoted in failure messages. */
  egressIp?: string;
}

export type ConnectOutcome =
  | { ok: true; socket: Socket; info: ConnInfo; trace: HopTrace; startedAt: number }
  | { ok: false; failure: NetFailure; trace: HopTrace; startedAt: number };

/** Dials `t`; never throws. The caller owns (and must destroy) the socket on success. */
export async function connectWithDeadline(env: DialEnv, t: ConnectTarget, signal?: AbortSignal): Promise<ConnectOutcome> {
  const startedAt = now();
  const host = t.host.replace(/^\[|\]$/g, '');
  const trace: HopTrace = { phase: 'connect', host, viaProxy: false, dialed: false };
  const ctx = (): FailureContext => ({ host, target: trace.target, source: trace.source, elapsedMs: now() - startedAt, egressIp: t.egressIp });
  const ac = new AbortController();
  // Aborting with a classified failure: dial's steps reject with the signal's reason.
  const stop = (timeoutMs: number | null) => ac.abort(requestTimeout(trace.phase, timeoutMs, ctx()));
  const timer = setTimeout(() => stop(t.timeoutMs), Math.max(1, t.timeoutMs));
  const onCaller = () => stop(null);
  if (signal?.aborted) stop(null);
  else signal?.addEventListener('abort', onCaller, { once: true });
  try {
    // dial's steps listen for an abort; one that came before the dial started is checked here.
    if (ac.signal.aborted) throw ac.signal.reason;
    const { socket, info } = await dial(env, { protocol: t.protocol, hostname: host, port: t.port, proxy: null, ...(t.alpn ? { alpn: t.alpn } : {}) }, trace, ac.signal);
    return { ok: true, socket, info, trace, startedAt };
  } catch (e) {
    const f = e instanceof NetFailure ? e : exchangeFailure(e, trace.phase, ctx());
    const c = ctx();
    for (const k of Object.keys(c) as (keyof FailureContext)[]) {
      if (f.ctx[k] === undefined && c[k] !== undefined) (f.ctx as Record<string, unknown>)[k] = c[k];
    }
    return { ok: false, failure: f, trace, startedAt };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCaller);
  }
}
