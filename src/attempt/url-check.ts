// The built-in connectivity check (#644 `connectivityCheck`): one request (or connection),
// a verdict on it. No script, no sandbox. The URL's scheme picks the checker (CHECKERS).
import { createHttpEngine, type CreateEngineOptions } from '../http/engine.js';
import type { Redactor } from '../http/redact.js';
import type { EngineOptions, HttpRequest } from '../http/types.js';
import { defaultEngineOptions } from '../http/defaults.js';
import { formatExpect, statusExpected, type StatusRange } from '../plan/expect.js';
import { UsageError } from '../errors.js';
import { evaluateExpectations, hasExpectations, type ResponseExpectations } from '../plan/check.js';
import { tcpCheckRunner, tlsCheckRunner, validateConnUrl } from './conn-check.js';
import { requestRecord } from './request-record.js';
import { endedByTimerOrCancel, inFlightText, markCutShort, stageOf } from './cut-short.js';
import { humanDuration } from '../plan/duration.js';
import type { AttemptResult, AttemptRunner } from './types.js';
import { grpcCheckRunner } from './checks/grpc-check.js';
import { wsCheckRunner } from './checks/ws-check.js';
import { oneRequestResult } from './one-request.js';
import { TIMEOUT_MARGIN_MS } from './checks/result.js';

export interface UrlCheck {
  url: string;
  method: string;
  expect: readonly StatusRange[];
  headers: Record<string, string>;
  body?: string;
  /** Beyond the status: body, JSON and header expectations (src/plan/check.ts). */
  expectations?: ResponseExpectations;
  /** tls://: fail when the server certificate expires sooner than this (ms). */
  minCertValidityMs?: number;
}

export type CheckRunnerFactory = (check: UrlCheck, engineFlags: CreateEngineOptions, redactor: Redactor) => AttemptRunner;

export interface SchemeChecker {
  runner: CheckRunnerFactory;
  /** Throws a UsageError when the URL lacks what this scheme needs (a port, …). */
  validate?: (u: URL) => void;
  /** True when method, expected statuses, headers and body apply to this scheme. */
  http?: boolean;
  /** True when --min-cert-validity applies. */
  certificate?: boolean;
}

/** The checker for each URL scheme. A protocol adds its checker here with one line. */
export const CHECKERS = new Map<string, SchemeChecker>([
  ['http:', { runner: httpCheckRunner, http: true }],
  ['https:', { runner: httpCheckRunner, http: true }],
  ['tcp:', { runner: tcpCheckRunner, validate: validateConnUrl }],
  ['tls:', { runner: tlsCheckRunner, validate: validateConnUrl, certificate: true }],
  ['grpc:', { runner: (c, e, r) => grpcCheckRunner(new URL(c.url), e, r), validate: grpcPort }],
  ['grpcs:', { runner: (c, e, r) => grpcCheckRunner(new URL(c.url), e, r), validate: grpcPort }],
  ['ws:', { runner: (c, e, r) => wsCheckRunner(new URL(c.url), e, r) }],
  ['wss:', { runner: (c, e, r) => wsCheckRunner(new URL(c.url), e, r) }],
]);

function grpcPort(u: URL): void {
  if (!u.port) throw new UsageError(`${u.href}: a gRPC URL needs a port (grpc://host:port[/service])`);
}

const schemes = () => [...CHECKERS.keys()].map((s) => `${s}//`).join(', ');

/** The checker for a URL's scheme (the URL already passed checkableUrl). */
export function checkerFor(url: string): SchemeChecker {
  const c = CHECKERS.get(new URL(url).protocol);
  if (!c) throw new UsageError(`${url}: only ${schemes()} URLs can be checked`);
  return c;
}

/** A URL the built-in check can poll, or a UsageError saying how to write it. */
export function checkableUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${JSON.stringify(url)} is not a URL (write it like https://api.example.com/health or tcp://db.example.com:5432)`);
  }
  const c = CHECKERS.get(u.protocol);
  if (!c) throw new UsageError(`${url}: only ${schemes()} URLs can be checked`);
  c.validate?.(u);
  return url;
}

/** The runner for a check, by its URL's scheme. */
export function urlCheckRunner(check: UrlCheck, engineFlags: CreateEngineOptions, redactor: Redactor): AttemptRunner {
  return checkerFor(checkableUrl(check.url)).runner(check, engineFlags, redactor);
}

/** How much of an unexpected response's body a message quotes. */
const EXCERPT_CHARS = 200;

/** http:// and https://: one request, a verdict on its status. */
export function httpCheckRunner(check: UrlCheck, engineFlags: CreateEngineOptions, redactor: Redactor): AttemptRunner {
  const options: CreateEngineOptions & EngineOptions = { ...defaultEngineOptions(), ...engineFlags };
  return async (ctx) => {
    const started = Date.now();
    const engine = createHttpEngine(options);
    const req: HttpRequest = {
      method: check.method,
      url: check.url,
      headers: check.headers,
      body: check.body !== undefined ? Buffer.from(check.body) : null,
      // The request's own timeout ends it just before the driver cancels the attempt, so the
      // verdict says RequestTimeout/ConnectTimeout rather than "cancelled".
      timeoutMs: Math.max(1, ctx.deadline - started - TIMEOUT_MARGIN_MS),
      maxRedirects: options.maxRedirects,
      responseType: 'text',
    };
    try {
      const res = await engine.request(req, ctx.signal);
      const rec = requestRecord(req, res, redactor);
      // Ended by the validation deadline (its timer was cut to it) or a cancel, not by a
      // timeout of its own: recorded as cut short, never as ConnectTimeout/RequestTimeout.
      const elapsed = Date.now() - started;
      const cut = endedByTimerOrCancel(res) && (ctx.signal.aborted || (!!ctx.deadlineIsValidation && elapsed >= req.timeoutMs - 1));
      const stage = res.failure ? stageOf(res.failure) : '';
      if (cut) markCutShort(rec, ctx.deadlineIsValidation && !ctx.signal.aborted ? 'the validation deadline' : 'cancellation', elapsed);
      // Marked as a script's request would be (k6's http_req_failed, here by --expect).
      if (res.failure || !statusExpected(check.expect, res.status)) {
        rec.failed = true;
        if (!res.failure) rec.expected = formatExpect(check.expect);
      }
      const base = oneRequestResult(ctx, started, rec);
      const target = `${check.method} ${rec.url}`;
      if (cut) {
        const how = ctx.deadlineIsValidation && !ctx.signal.aborted ? `cut short by the validation deadline after ${humanDuration(elapsed)}` : 'the attempt was cancelled';
        return {
          ...base, outcome: 'failed', reason: 'Cancelled', message: `${how}; in flight: ${inFlightText(check.method, rec.url, stage, elapsed)}`,
          ...(ctx.deadlineIsValidation ? { cutShort: true as const } : {}),
        } satisfies AttemptResult;
      }
      if (res.failure) {
        return { ...base, outcome: 'failed', reason: res.failure.reason, message: `${target} failed: ${res.failure.message}` } satisfies AttemptResult;
      }
      if (statusExpected(check.expect, res.status)) {
        const seen = `${target} → ${res.status_text || res.status}`;
        if (!hasExpectations(check.expectations)) return { ...base, outcome: 'passed', message: `${seen} (expected ${formatExpect(check.expect)})` };
        // Each expectation is a named check, reported like a script's.
        const results = evaluateExpectations(check.expectations!, res);
        for (const r of results) ctx.onEvent?.({ type: 'check', attempt: ctx.attempt, name: r.name, group: '', passed: r.passed });
        const checks = results.map((r) => ({ name: r.name, group: '', passes: r.passed ? 1 : 0, fails: r.passed ? 0 : 1 }));
        const failed = results.filter((r) => !r.passed);
        if (!failed.length) return { ...base, checks, outcome: 'passed', message: `${seen}, ${results.length} expectation${results.length > 1 ? 's' : ''} met` };
        return { ...base, checks, outcome: 'failed', reason: 'CheckFailed', message: redactor.text(`${seen}: ${failed.map((r) => r.detail).join('; ')}`) };
      }
      const seenAs = options.egressIp ? `; the target sees this runner as ${options.egressIp}` : '';
      const hint = res.status === 403 || res.status === 401
        ? `; TCP and TLS succeeded, so an L7 allowlist, WAF or authentication is the likely cause${seenAs}`
        : '';
      const path = res.remote_ip ? ` (from ${res.local_ip}:${res.local_port} to ${res.remote_ip}:${res.remote_port})` : '';
      const excerpt = bodyExcerpt(res.body);
      return {
        ...base,
        outcome: 'failed',
        reason: 'UnexpectedStatus',
        message: redactor.text(`${target} → ${res.status_text || res.status}${path}, expected ${formatExpect(check.expect)}${hint}${excerpt ? `; body: ${excerpt}` : ''}`),
      };
    } finally {
      await engine.close().catch(() => undefined);
    }
  };
}

function bodyExcerpt(body: string | Uint8Array | null): string {
  if (typeof body !== 'string') return '';
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? JSON.stringify(flat.slice(0, EXCERPT_CHARS) + '…') : flat ? JSON.stringify(flat) : '';
}
