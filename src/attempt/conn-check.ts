// The built-in tcp:// and tls:// checks: one connection, no HTTP. tcp:// passes when the
// connect succeeds; tls:// when the handshake succeeds with the configured trust (--ca,
// --insecure, --cert/--key, tlsVersion) and, with --min-cert-validity, when the server's
// certificate stays valid at least that long. Same dial path as HTTP: egress policy,
// source address, hosts overrides, causes and messages.
import type { TLSSocket } from 'node:tls';
import { failureMessage, fmtMs } from '../http/causes.js';
import { connectWithDeadline } from '../http/connect.js';
import { defaultEngineOptions, resolveEngineOptions } from '../http/defaults.js';
import { createDialEnv } from '../http/dial-env.js';
import { peerCertOf, type PeerCert } from '../http/dial.js';
import type { CreateEngineOptions } from '../http/engine.js';
import type { Redactor } from '../http/redact.js';
import { emptyTimings } from '../http/timings.js';
import type { EngineOptions, Timings } from '../http/types.js';
import { parseDuration } from '../plan/duration.js';
import { UsageError } from '../errors.js';
import type { AttemptResult, AttemptRunner, RequestRecord } from './types.js';
import type { UrlCheck } from './url-check.js';
import { oneRequestResult } from './one-request.js';
import { TIMEOUT_MARGIN_MS } from './checks/result.js';

const DAY_MS = 86_400_000;

/** A validity period: Go duration, optionally led by whole or fractional days (`7d`, `1d12h`, `36h`). */
export function parseValidity(flag: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)d(.*)$/.exec(v);
  try {
    const ms = m ? Number(m[1]) * DAY_MS + (m[2]!.trim() ? parseDuration(m[2]!.trim()) : 0) : parseDuration(v.trim(), { positive: true });
    if (!(ms > 0)) throw new Error('must be greater than zero');
    return ms;
  } catch (e) {
    throw new UsageError(`--${flag} ${JSON.stringify(v)}: ${(e as Error).message} (write it like 7d, 36h or 1d12h)`);
  }
}

/** `6d 23h`, `5h 10m`, `42s`: how long until (or since) a certificate's expiry. */
export function humanSpan(ms: number): string {
  const a = Math.abs(ms);
  const d = Math.floor(a / DAY_MS);
  const h = Math.floor((a % DAY_MS) / 3_600_000);
  const m = Math.floor((a % 3_600_000) / 60_000);
  if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
  return m > 0 ? `${m}m` : `${Math.round(a / 1000)}s`;
}

/** `certificate "CN=api" issued by "CN=CA", expires 2026-12-08T10:00:00Z (in 6d 23h)`. */
export function describeCert(c: PeerCert, now = Date.now()): string {
  const left = c.validTo - now;
  const when = new Date(c.validTo).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const rel = left >= 0 ? `expires ${when} (in ${humanSpan(left)})` : `expired ${when} (${humanSpan(left)} ago)`;
  return `certificate "${c.subject}" issued by "${c.issuer}", ${rel}`;
}

/** tcp://host:port and tls://host:port name a host and a port, nothing else. */
export function validateConnUrl(u: URL): void {
  const scheme = u.protocol.replace(/:$/, '');
  if (!u.hostname) throw new UsageError(`${u.href}: ${scheme}:// needs a host (write it like ${scheme}://db.example.com:5432)`);
  if (!u.port) throw new UsageError(`${scheme}://${u.hostname}: a port is required (write it like ${scheme}://${u.hostname}:${scheme === 'tls' ? 443 : 5432})`);
  if ((u.pathname && u.pathname !== '/') || u.search || u.username || u.password) {
    throw new UsageError(`${scheme}://${u.host}: only a host and a port (no path, query or credentials)`);
  }
}

function connTimings(trace: { dialed: boolean; dnsStart?: number; connectStart?: number; connectEnd?: number; tlsStart?: number; tlsEnd?: number }, startedAt: number): Timings {
  const t = emptyTimings();
  const d = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > a ? b - a : 0);
  t.blocked = d(startedAt, trace.connectStart);
  t.connecting = d(trace.connectStart, trace.connectEnd);
  t.tls_handshaking = d(trace.tlsStart, trace.tlsEnd);
  t.duration = t.connecting + t.tls_handshaking;
  return t;
}

function connCheckRunner(kind: 'tcp' | 'tls', check: UrlCheck, engineFlags: CreateEngineOptions, redactor: Redactor): AttemptRunner {
  const opts = resolveEngineOptions({ ...defaultEngineOptions(), ...engineFlags });
  const u = new URL(check.url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port);
  const shown = redactor.url(`${kind}://${u.host}`);
  const method = kind.toUpperCase();
  return async (ctx) => {
    const started = Date.now();
    const env = createDialEnv(opts);
    try {
      const out = await connectWithDeadline(
        env,
        {
          protocol: kind === 'tls' ? 'tls:' : 'tcp:',
          host,
          // No ALPN offer: a TLS check must not fail on a server that speaks only h2 (gRPC) or only HTTP/1.1.
          alpn: [],
          port,
          timeoutMs: Math.max(1, ctx.deadline - started - TIMEOUT_MARGIN_MS),
          ...(engineFlags.egressIp ? { egressIp: engineFlags.egressIp } : {}),
        },
        ctx.signal,
      );
      const f = out.ok ? undefined : out.failure;
      const remote = out.ok ? out.info.remote : f?.ctx.target;
      const local = out.ok ? out.info.local : f?.ctx.source;
      const rec: RequestRecord = {
        method,
        url: shown,
        status: 0,
        error: f ? redactor.text(f.error) : '',
        error_code: f ? f.code : 0,
        remote_ip: remote?.ip ?? '',
        remote_port: remote?.port ?? 0,
        local_ip: local?.ip ?? '',
        local_port: local?.port ?? 0,
        proto: out.ok ? out.info.tlsVersion : '',
        timings: connTimings(out.trace, out.startedAt),
        ...(f ? { reason: f.reason, message: redactor.text(failureMessage(f)) } : {}),
      };
      const base = oneRequestResult(ctx, started, rec);
      if (!out.ok) {
        const cert = kind === 'tls' && CERT_CODES.has(out.failure.code) && out.failure.phase === 'tls' ? await certificateAnyway(opts, host, port, ctx.signal) : undefined;
        const about = cert ? `; ${describeCert(cert)}` : '';
        return { ...base, outcome: 'failed', reason: out.failure.reason, message: redactor.text(`${shown} failed: ${failureMessage(out.failure)}${about}`) } satisfies AttemptResult;
      }
      const cert = kind === 'tls' ? peerCertOf(out.socket as TLSSocket) : undefined;
      out.socket.destroy();
      const route = `from ${fmtEp(out.info.local)} to ${fmtEp(out.info.remote)}${host !== out.info.remote.ip ? ` (${host})` : ''}`;
      const took = fmtMs(rec.timings.connecting + rec.timings.tls_handshaking);
      if (kind === 'tcp') return { ...base, outcome: 'passed', message: redactor.text(`${shown} → connected ${route} in ${took}`) };
      const hs = `${shown} → TLS handshake (${out.info.tlsVersion}) ${route} in ${took}`;
      if (!cert) return { ...base, outcome: 'failed', reason: 'TLSHandshakeFailed', message: redactor.text(`${hs}, but the server presented no certificate`) };
      const min = check.minCertValidityMs;
      if (min !== undefined && cert.validTo - Date.now() < min) {
        return {
          ...base,
          outcome: 'failed',
          reason: 'CertificateExpiresSoon',
          message: redactor.text(`${hs}; ${describeCert(cert)}: sooner than --min-cert-validity ${humanSpan(min)}; renew the certificate`),
        };
      }
      return { ...base, outcome: 'passed', message: redactor.text(`${hs}; ${describeCert(cert)}`) };
    } finally {
      env.destroyAll();
    }
  };
}

/** k6 codes of handshakes that failed on the certificate (untrusted, wrong name, expired). */
const CERT_CODES = new Set([1300, 1310, 1311]);

/**
 * The certificate a server presents, read from a second handshake without verification.
 * Only for the message after a handshake failed on the certificate: Node frees the peer
 * certificate when verification fails, and a person fixing it needs its subject, issuer
 * and dates. The verdict is already decided; the same egress policy applies.
 */
async function certificateAnyway(opts: EngineOptions, host: string, port: number, signal: AbortSignal): Promise<PeerCert | undefined> {
  const env = createDialEnv({ ...opts, insecureSkipTLSVerify: true });
  try {
    const out = await connectWithDeadline(env, { protocol: 'tls:', host, port, alpn: [], timeoutMs: Math.min(opts.connectTimeoutMs, 2_000) }, signal);
    return out.ok ? peerCertOf(out.socket as TLSSocket) : undefined;
  } finally {
    env.destroyAll();
  }
}

function fmtEp(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export const tcpCheckRunner = (check: UrlCheck, flags: CreateEngineOptions, redactor: Redactor) => connCheckRunner('tcp', check, flags, redactor);
export const tlsCheckRunner = (check: UrlCheck, flags: CreateEngineOptions, redactor: Redactor) => connCheckRunner('tls', check, flags, redactor);
