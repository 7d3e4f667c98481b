// One script attempt end to end: a fresh sandbox run of the compiled script, its HTTP
// served by a fresh engine (so every attempt dials anew), then the verdict.
import { ResponseBytesBudget } from '../http/body-budget.js';
import { DEFAULT_MAX_BODY_BYTES } from '../http/defaults.js';
import { createHttpEngine, type CreateEngineOptions } from '../http/engine.js';
import type { Redactor } from '../http/redact.js';
import type { HttpEngine, HttpResponse } from '../http/types.js';
import { UsageError } from '../errors.js';
import { guestSources } from '../sandbox/guest-sources.js';
import { k6Response } from '../sandbox/ops/http-response.js';
import type { GuestRequest } from '../sandbox/ops/http.js';
import { GuestError } from '../sandbox/ops/types.js';
import { Sandbox, type OpHandlers } from '../sandbox/sandbox.js';
import { compileScript, type CompiledScript } from '../script/compile.js';
import { mapStack, userLocation } from '../script/location.js';
import { readScriptFile, type ScriptSource } from '../script/source.js';
import { posix } from 'node:path';
import { createGrpcHost } from '../grpc/host.js';
import { createWsHost } from '../ws/host.js';
import type { SecretStore } from '../script/secret-sources.js';
import { secretValue } from '../sandbox/ops/secrets.js';
import { engineOptionsFor } from './engine-options.js';
import { hostKey, queueLimitsFrom, RequestQueue } from './request-queue.js';
import { requestRecord } from './request-record.js';
import type { AttemptResult, AttemptRunner, RequestRecord } from './types.js';
import { decideVerdict } from './verdict.js';
import { formatStatusRule, requestFailed } from './failed-requests.js';
import { parseThresholds, type ThresholdSet } from './thresholds.js';
import { DeadlineReached, endedByTimerOrCancel, inFlightText, markCutShort, stageOf } from './cut-short.js';
import { humanDuration } from '../plan/duration.js';

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
  /** Response bytes the attempt may hold at once; default `defaultResponseBudget`. */
  responseBudgetBytes?: number;
  /** `k6/secrets` sources (--secret-source); their values are masked in all output. */
  secrets?: SecretStore;
}

export interface ScriptAttempts {
  run: AttemptRunner;
  /** Notices for the user gathered while preparing or running (e.g. ignored load options). */
  notices: Set<string>;
  close(): Promise<void>;
}

/** Compiles and syntax-checks the script once; a broken script is a UsageError (nothing attempted). */
export async function prepareScriptAttempts(opts: ScriptAttemptOptions): Promise<ScriptAttempts> {
  for (const v of opts.secrets?.knownValues() ?? []) if (v) opts.redactor.addSecret(v);
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
  const failed: { count: number; first?: RequestRecord } = { count: 0 };
  let thresholds: ThresholdSet | undefined;
  // Requests on the wire now, and those the attempt's end cut short (for "in flight").
  const running = new Set<{ method: string; url: string; sent: number }>();
  const cutRequests: string[] = [];
  const deadlineReached = () => ctx.signal.reason instanceof DeadlineReached || Date.now() >= ctx.deadline;
  let engine: HttpEngine | undefined;
  const inflight = new AbortController();
  const abortInflight = () => inflight.abort();
  if (ctx.signal.aborted) abortInflight(); // aborted before it started (the abort event has already fired)
  else ctx.signal.addEventListener('abort', abortInflight, { once: true });

  // Requests queue for k6's batch/batchPerHost slots and draw on one response-bytes budget.
  let queue: RequestQueue | undefined;
  const budget = new ResponseBytesBudget(opts.responseBudgetBytes ?? defaultResponseBudget(opts));
  const leases = new WeakMap<HttpResponse, { release(): void }>();
  const tooLate = new GuestError('the attempt reached its deadline before this request could be sent', 'InternalError');
  const deadlineTimer = setTimeout(() => queue?.close(tooLate), Math.max(0, ctx.deadline - Date.now()));

  const sendNow = async ({ req, rule }: GuestRequest): Promise<HttpResponse> => {
    if (!engine) throw new GuestError('the HTTP engine is not ready (options were not reported)');
    // Each request's timeout is cut to the time left before the attempt deadline.
    const sent = Date.now();
    const left = Math.max(1, ctx.deadline - sent);
    const effective = Math.min(req.timeoutMs, left);
    const pending = { method: req.method, url: opts.redactor.url(req.url), sent };
    running.add(pending);
    const lease = budget.lease();
    let res: HttpResponse;
    try {
      res = k6Response(await engine.exchange({ ...req, timeoutMs: effective }, inflight.signal, lease), req.responseType);
    } catch (err) {
      lease.release();
      throw err;
    } finally {
      running.delete(pending);
    }
    if (res.failure) lease.release();
    else leases.set(res, lease);
    const rec = requestRecord(req, res, opts.redactor);
    // Ended because the attempt ended (its timer was cut to the attempt deadline, or a cancel),
    // not by its own timeout: recorded as cut short, named in the verdict as in flight.
    const took = Date.now() - sent;
    if (endedByTimerOrCancel(res) && (inflight.signal.aborted || (effective < req.timeoutMs && took >= effective - 1))) {
      const stage = stageOf(rec);
      const by = inflight.signal.aborted && !deadlineReached()
        ? 'cancellation'
        : ctx.deadlineIsValidation ? 'the validation deadline' : `the attempt's ${humanDuration(opts.timeoutMs)} timeout`;
      markCutShort(rec, by, took);
      cutRequests.push(inFlightText(rec.method, rec.url, stage, took));
    }
    // k6's http_req_failed, judged here on the host from the rule the script declared.
    if (requestFailed(res.status, !!res.failure || res.status === 0, rule)) {
      rec.failed = true;
      if (!res.failure && res.status !== 0) rec.expected = formatStatusRule(rule);
    }
    recordRequest(rec);
    return res;
  };
  const recordRequest = (rec: RequestRecord) => {
    // The status keeps the latest requests (the verdict names the last ones); every request
    // is still streamed as an event.
    if (requests.length >= MAX_REQUEST_RECORDS) requests.shift();
    requests.push(rec);
    requestCount++;
    if (rec.failed) {
      failed.count++;
      failed.first ??= rec;
    }
    ctx.onEvent?.({ type: 'request', attempt: ctx.attempt, request: rec });
  };
  // gRPC and WebSocket clients: the same dial path and records, their own state per attempt.
  let engineOpts: ReturnType<typeof engineOptionsFor>['options'] | undefined;
  const protocolDeps = {
    read: (name: string) => readScriptFile(script.files, script.root, name),
    baseDir: posix.dirname(script.entry) === '.' ? '' : posix.dirname(script.entry),
    engineOptions: () => engineOpts,
    deadline: ctx.deadline,
    signal: inflight.signal,
    // A gRPC or WebSocket record with a failure reason (network, non-OK status, refused
    // upgrade) is a failed request, as k6 counts it.
    record: (rec: RequestRecord) => {
      if (rec.reason) rec.failed = true;
      recordRequest(rec);
    },
  };
  const grpc = createGrpcHost(protocolDeps);
  const ws = createWsHost(protocolDeps);

  const env: OpHandlers['env'] = {
    configure: (options) => {
      const eo = engineOptionsFor(options, opts.engine);
      const queueNotices: string[] = [];
      queue = new RequestQueue(queueLimitsFrom(options, queueNotices));
      [...eo.notices, ...queueNotices].forEach((n) => notices.add(n));
      engineOpts = eo.options;
      engine = createHttpEngine(eo.options);
      thresholds = parseThresholds(options.thresholds);
      if (thresholds.ignored.length) {
        notices.add(`thresholds on ${thresholds.ignored.join(', ')} are not evaluated: one attempt judges only http_req_failed and checks`);
      }
    },
    send: (g) => {
      if (!queue) throw new GuestError('the HTTP engine is not ready (options were not reported)');
      // A slot freed by a request timing out at the deadline must not start another (timers
      // and Date.now() can disagree by a millisecond or two; a request with less left is moot).
      return queue.run(hostKey(g.req.url), () => (ctx.deadline - Date.now() < LAST_START_MS ? Promise.reject(tooLate) : sendNow(g)));
    },
    engine: () => {
      if (!engine) throw new GuestError('cookie jars are not available yet');
      return engine;
    },
    delivered: (res) => {
      leases.get(res)?.release();
      leases.delete(res);
    },
    nextAsyncId: () => ++asyncIds,
    protocol: (name) => (name === 'grpc' ? grpc : ws),
    secret: (source, key) => secretValue(opts.secrets, opts.redactor, source, key),
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
        env,
        onEvent: (e) =>
          ctx.onEvent?.(
            e.type === 'check'
              ? { type: 'check', attempt: ctx.attempt, name: opts.redactor.text(e.name), group: opts.redactor.text(e.group), passed: e.passed }
              : { type: 'console', attempt: ctx.attempt, level: e.level, message: opts.redactor.text(e.message) },
          ),
      },
      ctx.signal,
    );
    outcome.notices.forEach((n) => notices.add(n));
    // Nothing to run is the script's mistake, not a failed (or passed) attempt.
    if (outcome.nothingToRun) throw new UsageError(`${opts.source.origin}: ${outcome.nothingToRun}`);
    if (outcome.thrown) outcome.thrown.stack = mapStack(outcome.thrown.stack, script.modules);
    const location = outcome.thrown ? userLocation(outcome.thrown.stack, script.modules) : undefined;
    const now = Date.now();
    const inFlight = [...cutRequests, ...[...running].map((r) => inFlightText(r.method, r.url, 'no response yet', now - r.sent))];
    const verdict = decideVerdict({
      outcome,
      elapsedMs: now - started,
      deadlineReached: deadlineReached(),
      ...(ctx.deadlineIsValidation ? { deadlineIsValidation: true } : {}),
      ...(inFlight.length ? { inFlight } : {}),
      requests,
      requestCount,
      failedRequests: failed,
      ...(thresholds ? { thresholds } : {}),
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
      // A script can build check and group names from secrets: they are output too.
      checks: outcome.checks.map((c) => ({ ...c, name: opts.redactor.text(c.name), group: opts.redactor.text(c.group) })),
      requests,
      console: outcome.console.map((c) => ({ ...c, message: opts.redactor.text(c.message) })),
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter } : {}),
      ...(outcome.disposeError ? { disposeError: outcome.disposeError } : {}),
      ...(verdict.cutShort ? { cutShort: true as const } : {}),
    };
  } finally {
    clearTimeout(deadlineTimer);
    queue?.close(new GuestError('the attempt has ended', 'InternalError'));
    ctx.signal.removeEventListener('abort', abortInflight);
    inflight.abort();
    grpc.close();
    ws.close();
    await engine?.close().catch(() => undefined);
  }
}

let asyncIds = 0;

/** A queued request is not started with less than this left before the deadline. */
const LAST_START_MS = 10;

/** Requests kept in an attempt's record. */
export const MAX_REQUEST_RECORDS = 100;

/** The response bytes an attempt may hold at once: the larger of --max-body (one full
 *  response always fits) and the sandbox memory limit (what the guest could hold anyway). */
export function defaultResponseBudget(o: Pick<ScriptAttemptOptions, 'engine' | 'memoryLimitBytes'>): number {
  return Math.max(o.engine.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, o.memoryLimitBytes);
}
