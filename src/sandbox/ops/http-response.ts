// k6's response object (`res.status`, `res.headers`, `res.timings`, …) from the engine's
// neutral exchange. This is where k6's shape lives: Go-canonical header names with repeats
// joined, parsed response cookies, the `request` echo, error/error_code rules and the body
// as text or bytes. src/http stays free of it.
import { cookieRecord, parseSetCookie, toResponseCookie } from '../../http/cookies.js';
import type { Exchange } from '../../http/exchange.js';
import { canonicalHeaderName, shapeResponseHeaders, statusText } from '../../http/headers.js';
import type { HttpRequest, HttpResponse, ResponseCookie } from '../../http/types.js';

function requestEcho(ex: Exchange): HttpResponse['request'] {
  const r = ex.request;
  const h: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) (h[canonicalHeaderName(k)] ??= []).push(v);
  return { method: r.method, url: r.url, headers: h, body: r.body ? r.body.toString('utf8') : '', cookies: r.cookies };
}

export function k6Response(ex: Exchange, responseType: HttpRequest['responseType']): HttpResponse {
  const f = ex.failure;
  const base = {
    url: ex.url,
    remote_ip: ex.conn.remote?.ip ?? '',
    remote_port: ex.conn.remote?.port ?? 0,
    local_ip: ex.conn.local?.ip ?? '',
    local_port: ex.conn.local?.port ?? 0,
    timings: ex.timings,
    request: requestEcho(ex),
  };
  if (ex.status === 0) {
    // No response: a network failure (f is always set here).
    return {
      ...base,
      status: 0,
      status_text: '',
      proto: '',
      headers: {},
      cookies: {},
      body: null,
      tls_version: '',
      tls_cipher_suite: '',
      error: f?.error ?? '',
      error_code: f?.code ?? 1000,
      ...(f ? { failure: { reason: f.reason, message: f.message } } : {}),
    };
  }
  const { headers, setCookies } = shapeResponseHeaders(ex.headers);
  const cookies: Record<string, ResponseCookie[]> = cookieRecord();
  for (const line of setCookies) {
    const c = parseSetCookie(line);
    if (c) (cookies[c.name] ??= []).push(toResponseCookie(c));
  }
  // A failure with a k6 error (a body that cannot be decoded) sets error/error_code; a
  // proxy's 407 keeps k6's status-based code and only carries the reason for the verdict.
  const k6Error = f && f.error !== '';
  return {
    ...base,
    status: ex.status,
    status_text: statusText(ex.status, ex.reason),
    proto: ex.conn.proto,
    headers,
    cookies,
    body: ex.body === null ? null : responseType === 'binary' ? new Uint8Array(ex.body.buffer, ex.body.byteOffset, ex.body.byteLength) : ex.body.toString('utf8'),
    tls_version: ex.conn.tlsVersion,
    tls_cipher_suite: ex.conn.tlsCipher,
    error: k6Error ? f.error : '',
    error_code: k6Error ? f.code : ex.status >= 400 ? 1000 + ex.status : 0,
    ...(f ? { failure: { reason: f.reason, message: f.message } } : {}),
  };
}
