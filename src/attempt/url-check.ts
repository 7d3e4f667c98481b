// The built-in connectivity check (#644 `connectivityCheck`): one request, a verdict
// on its status. No script, no sandbox.
import { createHttpEngine, type CreateEngineOptions } from '../http/engine.js';
import type { Redactor } from '../http/redact.js';
import type { EngineOptions, HttpRequest } from '../http/types.js';
import { defaultEngineOptions } from '../http/defaults.js';
import { formatExpect, statusExpected, type StatusRange } from '../plan/expect.js';
import { UsageError } from '../errors.js';
import { evaluateExpectations, hasExpectations, type ResponseExpectations } from '../plan/check.js';
import { requestRecord } from './request-record.js';
import type { AttemptResult, AttemptRunner } from './types.js';

export interface UrlCheck {
  url: string;
  method: string;
  expect: readonly StatusRange[];
  headers: Record<string, string>;
  body?: string;
  /** Beyond the status: body, JSON and header expectations (src/plan/check.ts). */
  expectations?: ResponseExpectations;
}

/** A URL the built-in check can poll, or a UsageError saying how to write it. */
export function checkableUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${JSON.stringify(url)} is not a URL (write it like https://api.example.com/health)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${url}: only http:// and https:// URLs can be checked`);
  return url;
}

/** How much earlier than the attempt deadline a request times out by itself. */
const TIMEOUT_MARGIN_MS = 15;

/** How much of an unexpected response's body a message quotes. */
const EXCERPT_CHARS = 200;

export function urlCheckRunner(check: UrlCheck, engineFlags: CreateEngineOptions, redactor: Redactor): AttemptRunner {
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
      ctx.onEvent?.({ type: 'request', attempt: ctx.attempt, request: rec });
      const base = {
        number: ctx.attempt,
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        checks: [],
        requests: [rec],
        console: [],
        ...(rec.retryAfterSeconds !== undefined ? { retryAfterMs: rec.retryAfterSeconds * 1000 } : {}),
      };
      const target = `${check.method} ${rec.url}`;
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
