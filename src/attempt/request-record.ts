// What the status document keeps of a request: no bodies, no headers, URLs redacted.
import type { Redactor } from '../http/redact.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { RequestRecord } from './types.js';

export function requestRecord(req: HttpRequest, res: HttpResponse, redactor: Redactor): RequestRecord {
  const retryAfter = res.status === 429 || res.status === 503 ? retryAfterSeconds(res.headers['Retry-After']) : undefined;
  return {
    method: req.method,
    url: redactor.url(res.url || req.url),
    status: res.status,
    error: redactor.text(res.error),
    error_code: res.error_code,
    remote_ip: res.remote_ip,
    remote_port: res.remote_port,
    local_ip: res.local_ip,
    local_port: res.local_port,
    proto: res.proto,
    timings: res.timings,
    ...(res.failure ? { reason: res.failure.reason, message: redactor.text(res.failure.message) } : {}),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function retryAfterSeconds(v: string | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.round((t - now) / 1000));
}
