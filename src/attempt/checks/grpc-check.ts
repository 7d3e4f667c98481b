// `check grpc://host:port[/service]` (grpcs:// for TLS): the standard health service
// answers SERVING, for the whole server or the named service.
import { performance } from 'node:perf_hooks';
import { NetFailure, failureMessage } from '../../http/causes.js';
import { defaultEngineOptions } from '../../http/defaults.js';
import type { CreateEngineOptions } from '../../http/engine.js';
import type { Redactor } from '../../http/redact.js';
import { createStreamDialer } from '../../http/stream-dial.js';
import { emptyTimings } from '../../http/timings.js';
import { Code, CODE_NAMES, GrpcConnection } from '../../grpc/connection.js';
import { HEALTH_CHECK_PATH, healthRequest, healthStatus, SERVING_STATUS } from '../../grpc/services.js';
import type { AttemptRunner, RequestRecord } from '../types.js';
import { checkResult, TIMEOUT_MARGIN_MS } from './result.js';

export function grpcCheckRunner(url: URL, engineFlags: CreateEngineOptions, redactor: Redactor): AttemptRunner {
  const secure = url.protocol === 'grpcs:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const service = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const shown = redactor.url(url.href);
  const target = `gRPC health ${shown}`;
  return async (ctx) => {
    const started = Date.now();
    const t0 = performance.now();
    const dialer = createStreamDialer({ ...defaultEngineOptions(), ...engineFlags });
    const timeoutMs = Math.max(1, ctx.deadline - started - TIMEOUT_MARGIN_MS);
    const rec: RequestRecord = {
      method: 'gRPC', url: shown, status: 0, error: '', error_code: 0, remote_ip: '', remote_port: 0, local_ip: '', local_port: 0, proto: '',
      timings: emptyTimings(),
    };
    const emit = () => ctx.onEvent?.({ type: 'request', attempt: ctx.attempt, request: rec });
    let conn: GrpcConnection | undefined;
    try {
      try {
        conn = await GrpcConnection.connect(dialer, { host, port, plaintext: !secure, timeoutMs, userAgent: dialer.opts.userAgent }, ctx.signal);
      } catch (e) {
        const s = dialer.shape(e);
        Object.assign(rec, { error: s.error, error_code: s.error_code, reason: s.reason, message: s.message, remote_ip: s.remote_ip, remote_port: s.remote_port, local_ip: s.local_ip, local_port: s.local_port });
        rec.timings.duration = performance.now() - t0;
        emit();
        return checkResult(ctx.attempt, started, rec, { passed: false, reason: s.reason, message: `${target} failed: ${s.message}` });
      }
      const left = Math.max(1, ctx.deadline - Date.now() - TIMEOUT_MARGIN_MS);
      const r = await conn.call(HEALTH_CHECK_PATH, [healthRequest(service)], {}, left, ctx.signal);
      const route = `from ${ep(conn.info.local)} to ${ep(conn.info.remote)}`;
      Object.assign(rec, {
        status: r.httpStatus, proto: r.httpStatus ? 'HTTP/2.0' : '', grpc_status: r.status, timings: r.timings,
        remote_ip: conn.info.remote.ip, remote_port: conn.info.remote.port, local_ip: conn.info.local.ip, local_port: conn.info.local.port,
      });
      if (r.failure) {
        const s = dialer.shape(r.failure);
        Object.assign(rec, { error: s.error, error_code: s.error_code, reason: s.reason, message: s.message });
        emit();
        return checkResult(ctx.attempt, started, rec, { passed: false, reason: s.reason, message: `${target} failed: ${s.message}` });
      }
      const what = service ? `service ${JSON.stringify(service)}` : 'the server';
      if (r.status !== Code.OK) {
        const hint = r.status === Code.Unimplemented
          ? '; the server does not offer the standard health service (grpc.health.v1)'
          : r.status === Code.NotFound ? '; the health service does not know this service name' : r.status === Code.PermissionDenied || r.status === Code.Unauthenticated ? '; the connection worked: authentication or an L7 allowlist is the likely cause' : '';
        rec.error = `${CODE_NAMES[r.status] ?? r.status}: ${r.statusMessage}`;
        rec.reason = 'UnexpectedStatus';
        rec.message = redactor.text(`gRPC status ${CODE_NAMES[r.status] ?? 'code'} (${r.status})${r.statusMessage ? `: ${r.statusMessage}` : ''} ${route}${hint}`);
        emit();
        return checkResult(ctx.attempt, started, rec, { passed: false, reason: 'UnexpectedStatus', message: `${target} failed: ${rec.message}` });
      }
      const st = healthStatus(r);
      emit();
      if (st === 1) return checkResult(ctx.attempt, started, rec, { passed: true, message: `${target} → SERVING (${what})` });
      return checkResult(ctx.attempt, started, rec, {
        passed: false,
        reason: 'UnexpectedStatus',
        message: redactor.text(`${target} → ${SERVING_STATUS[st] ?? st} for ${what} ${route}, expected SERVING; the server answers but reports itself not ready`),
      });
    } catch (e) {
      const f = e instanceof NetFailure ? e : new NetFailure(1000, String((e as Error)?.message), 'NetworkError', 'wait', String((e as Error)?.message), '');
      return checkResult(ctx.attempt, started, rec, { passed: false, reason: f.reason, message: redactor.text(`${target} failed: ${failureMessage(f)}`) });
    } finally {
      conn?.close();
      dialer.close();
    }
  };
}

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
