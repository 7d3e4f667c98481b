// One script attempt end to end: a fresh sandbox run of the compiled script, its HTTP
// served by a fresh engine (so every attempt dials anew), then the verdict.
import { DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_MS } from '../http/defaults.js';
import { createHttpEngine, type CreateEngineOptions } from '../http/engine.js';
import type { Redactor } from '../http/redact.js';
import type { HttpEngine, HttpRequest, HttpResponse } from '../http/types.js';
import { UsageError } from '../errors.js';
import { guestSources } from '../sandbox/guest-sources.js';
import { GuestError, type OpResult } from '../sandbox/ops/types.js';
import { Sandbox, type Settle } from '../sandbox/sandbox.js';
import { compileScript, type CompiledScript } from '../script/compile.js';
import { mapStack, userLocation } from '../script/location.js';
import type { ScriptSource } from '../script/source.js';
import { engineOptionsFor } from './engine-options.js';
import { requestRecord } from './request-record.js';
import type { AttemptResult, AttemptRunner, RequestRecord } from './types.js';
import { decideVerdict } from './verdict.js';

export interface ScriptAttemptOptions {
  source: ScriptSource;
  /** `__ENV` as given (--env, and the system environment only when asked for). */
  env: Record<string, string>;
  memoryLimitBytes: number;
  stackLimitBytes?: number;
  /** The attempt timeout (the driver passes absolute deadlines; this names it in messages). */
  timeoutMs: number;
  /** Engine settings from flags; they override the script's `options`. */
  engine: CreateEngineOptions;
  redactor: Redactor;
}

export interface ScriptAttempts {
  run: AttemptRunner;
  /** Notices for the user gathered while preparing or running (e.g. ignored load options). */
  notices: Set<string>;
  close(): Promise<void>;
}

/** Compiles and syntax-checks the script once; a broken script is a UsageError (nothing attempted). */
export async function prepareScriptAttempts(opts: ScriptAttemptOptions): Promise<ScriptAttempts> {
  const sandbox = new Sandbox();
  sandbox.warmUp();
  let script: CompiledScript;
  try {
    script = compileScript(opts.source, guestSources().publicNames);
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  const errors = await sandbox.compile(script.modules, opts.memoryLimitBytes);
  if (errors.length) {
    await sandbox.close();
    const e = errors[0]!;
    const at = userLocation(mapStack(e.stack, script.modules), script.modules) ?? e.file;
    throw new UsageError(`${at}: ${e.message}`);
  }
  const notices = new Set<string>();
  return {
    notices,
    run: (ctx) => runOne(script, sandbox, opts, notices, ctx),
    close: () => sandbox.close(),
  };
}

async function runOne(
  script: CompiledScript,
  sandbox: Sandbox,
  opts: ScriptAttemptOptions,
  notices: Set<string>,
  ctx: Parameters<AttemptRunner>[0],
): Promise<AttemptResult> {
  const started = Date.now();
  const requests: RequestRecord[] = [];
  let requestCount = 0;
  let engine: HttpEngine | undefined;
  const inflight = new AbortController();
  const abortInflight = () => inflight.abort();
  if (ctx.signal.aborted) abortInflight(); // aborted before it started (the abort event has already fired)
  else ctx.signal.addEventListener('abort', abortInflight, { once: true });

  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    if (!engine) throw new GuestError('the HTTP engine is not ready (options were not reported)');
    // Each request's timeout is cut to the time left before the attempt deadline.
    const left = Math.max(1, ctx.deadline - Date.now());
    const res = await engine.request({ ...req, timeoutMs: Math.min(req.timeoutMs, left) }, inflight.signal);
    const rec = requestRecord(req, res, opts.redactor);
    // The status keeps the latest requests (the verdict names the last ones); every request
    // is still streamed as an event.
    if (requests.length >= MAX_REQUEST_RECORDS) requests.shift();
    requests.push(rec);
    requestCount++;
    ctx.onEvent?.({ type: 'request', attempt: ctx.attempt, request: rec });
    return res;
  };

  const onOp = async (op: string, payload: any, buffers: Uint8Array[], settle: Settle): Promise<OpResult | void> => {
    switch (op) {
      case 'options': {
        const eo = engineOptionsFor(payload?.options ?? {}, opts.engine);
        eo.notices.forEach((n) => notices.add(n));
        engine = createHttpEngine(eo.options);
        return;
      }
      case 'http.request': {
        const res = await send(decodeRequest(payload?.req, buffers));
        return encodeResponses([res], (v) => v[0]);
      }
      case 'http.batch': {
        const reqs = Array.isArray(payload?.reqs) ? payload.reqs : [];
        const res = await Promise.all(reqs.map((r: unknown) => send(decodeRequest(r, buffers))));
        return encodeResponses(res, (v) => v);
      }
      case 'http.start': {
        const id = ++asyncIds;
        send(decodeRequest(payload?.req, buffers)).then(
          (res) => settle(id, { ok: true, ...encodeResponses([res], (v) => v[0]) }),
          (err) => settle(id, { ok: false, error: String((err as Error)?.message ?? err) }),
        );
        return { value: id };
      }
      default:
        return jarOp(op, payload, engine);
    }
  };

  try {
    const outcome = await sandbox.runAttempt(
      {
        modules: script.modules,
        files: [...script.files],
        ...(script.root ? { root: script.root } : {}),
        entry: script.entry,
        info: { env: opts.env, vu: 1, iter: 0, attempt: ctx.attempt },
        deadline: ctx.deadline,
        memoryLimitBytes: opts.memoryLimitBytes,
        stackLimitBytes: opts.stackLimitBytes ?? 256 * 1024,
      },
      {
        onOp,
        onEvent: (e) =>
          ctx.onEvent?.(
            e.type === 'check'
              ? { type: 'check', attempt: ctx.attempt, name: e.name, group: e.group, passed: e.passed }
              : { type: 'console', attempt: ctx.attempt, level: e.level, message: opts.redactor.text(e.message) },
          ),
      },
      ctx.signal,
    );
    outcome.notices.forEach((n) => notices.add(n));
    if (outcome.thrown) outcome.thrown.stack = mapStack(outcome.thrown.stack, script.modules);
    const location = outcome.thrown ? userLocation(outcome.thrown.stack, script.modules) : undefined;
    const verdict = decideVerdict({
      outcome,
      requests,
      requestCount,
      ...(location ? { location } : {}),
      timeoutMs: opts.timeoutMs,
      memoryLimitBytes: opts.memoryLimitBytes,
    });
    const retryAfter = Math.max(0, ...requests.map((r) => (r.retryAfterSeconds ?? 0) * 1000));
    return {
      number: ctx.attempt,
      outcome: verdict.outcome,
      ...(verdict.reason ? { reason: verdict.reason } : {}),
      message: opts.redactor.text(verdict.message),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      checks: outcome.checks,
      requests,
      console: outcome.console.map((c) => ({ ...c, message: opts.redactor.text(c.message) })),
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter } : {}),
    };
  } finally {
    ctx.signal.removeEventListener('abort', abortInflight);
    inflight.abort();
    await engine?.close().catch(() => undefined);
  }
}

let asyncIds = 0;

/** Requests kept in an attempt's record. */
export const MAX_REQUEST_RECORDS = 100;

/** The guest sends bodies as `{buf: i}` into the buffer list (or a string). */
function decodeRequest(raw: any, buffers: Uint8Array[]): HttpRequest {
  if (!raw || typeof raw !== 'object' || typeof raw.url !== 'string' || typeof raw.method !== 'string') {
    throw new GuestError('invalid request', 'TypeError');
  }
  let body: Uint8Array | null = null;
  if (typeof raw.body === 'string') body = Buffer.from(raw.body, 'utf8');
  else if (raw.body && typeof raw.body.buf === 'number') body = buffers[raw.body.buf] ?? null;
  return {
    method: raw.method,
    url: raw.url,
    headers: raw.headers && typeof raw.headers === 'object' ? raw.headers : {},
    body,
    timeoutMs: Number.isFinite(raw.timeoutMs) ? raw.timeoutMs : DEFAULT_TIMEOUT_MS,
    maxRedirects: Number.isFinite(raw.maxRedirects) ? raw.maxRedirects : DEFAULT_MAX_REDIRECTS,
    responseType: raw.responseType === 'binary' || raw.responseType === 'none' ? raw.responseType : 'text',
    ...(raw.cookies ? { cookies: raw.cookies } : {}),
    ...(raw.jar !== undefined ? { jar: raw.jar } : {}),
  };
}

/** Binary bodies travel as buffers, referenced from the JSON as `{buf: i}`. */
function encodeResponses<T>(list: HttpResponse[], shape: (v: unknown[]) => T): { value: T; buffers: Uint8Array[] } {
  const buffers: Uint8Array[] = [];
  const out = list.map((r) => {
    const { failure: _f, ...rest } = r;
    if (r.body instanceof Uint8Array) {
      buffers.push(r.body);
      return { ...rest, body: { buf: buffers.length - 1 } };
    }
    return rest;
  });
  return { value: shape(out), buffers };
}

function jarOp(op: string, p: any, engine: HttpEngine | undefined): OpResult | void {
  if (!engine) throw new GuestError('cookie jars are not available yet');
  const jar = typeof p?.jar === 'string' ? p.jar : 'vu';
  switch (op) {
    case 'jar.new':
      return { value: engine.newJar() };
    case 'jar.cookiesForURL':
      return { value: engine.jarCookiesForURL(jar, String(p?.url)) };
    case 'jar.set':
      return void engine.jarSet(jar, String(p?.url), String(p?.name), String(p?.value), p?.opts ?? undefined);
    case 'jar.clear':
      return void engine.jarClear(jar, String(p?.url));
    case 'jar.delete':
      return void engine.jarDelete(jar, String(p?.url), String(p?.name));
    default:
      throw new GuestError(`unknown host operation ${op}`);
  }
}

