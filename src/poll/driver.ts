// The polling loop: initial delay, attempt, status update, wait — until enough
// consecutive passes, the deadline, a fail-fast reason, or an abort.
// Timing rules are in ./schedule.ts; all waits target absolute times, so the real
// clock keeps to plan instead of drifting by each sleep's overshoot.
import type { AttemptEvent, AttemptResult, AttemptRunner } from '../attempt/types.js';
import type { SchedulePlan } from '../plan/plan.js';
import { rfc3339 } from '../status/conditions.js';
import { attemptStarted, finishStatus, initialStatus, recordAttempt } from '../status/machine.js';
import type { Condition, StatusDocument, ValidationEvent } from '../status/types.js';
import { humanDuration } from '../plan/duration.js';
import { UsageError } from '../errors.js';
import { DeadlineReached } from '../attempt/cut-short.js';
import { realClock, sleepUntil, type Clock } from './clock.js';
import { attemptDeadline, firstAttempt, nextAttempt, validationDeadline, type Random } from './schedule.js';

export type DriverEvent =
  /** The status document changed (write it to the status file). */
  | { type: 'status'; status: StatusDocument }
  /** One condition changed (status, reason or message). */
  | { type: 'condition'; condition: Condition }
  /** An attempt finished: the retry event. */
  | { type: 'attempt'; event: ValidationEvent; result: AttemptResult }
  | { type: 'attemptStarted'; attempt: number; at: string; deadline: string }
  /** Waiting for the next attempt (or, with `final`, for the deadline). */
  | { type: 'waiting'; nextAttempt: number; at: string; delayMs: number; retryAfter: boolean; final: boolean }
  /** Streamed from inside an attempt (requests, checks, console). */
  | AttemptEvent;

export interface ValidationOptions {
  plan: SchedulePlan;
  runner: AttemptRunner;
  clock?: Clock;
  /** Aborting ends validation as `Aborted` (the running attempt is cancelled). A string reason is shown. */
  signal?: AbortSignal;
  onEvent?: (e: DriverEvent) => void;
  /** What is validated, for a person. */
  target?: string;
  /** Jitter source (default Math.random). */
  random?: Random;
  /** metadata.generation, copied to conditions' observedGeneration. */
  generation?: number;
  /** How long a cancelled attempt may take to return its result (default 1000 ms). */
  cancelGraceMs?: number;
}

const DEFAULT_GRACE_MS = 1000;

export async function runValidation(opts: ValidationOptions): Promise<StatusDocument> {
  const { plan, runner, signal } = opts;
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? Math.random;
  const grace = opts.cancelGraceMs ?? DEFAULT_GRACE_MS;
  const emit = (e: DriverEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // A reporter's failure must not stop validation.
    }
  };

  const startedAt = clock.now();
  const deadline = validationDeadline(plan, startedAt);
  let status = initialStatus({
    plan, startedAt, deadline,
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
  });
  const publish = (next: StatusDocument) => {
    const before = new Map(status.conditions.map((c) => [c.type, c]));
    status = next;
    for (const c of next.conditions) {
      const old = before.get(c.type);
      if (!old || old.status !== c.status || old.reason !== c.reason || old.message !== c.message) emit({ type: 'condition', condition: c });
    }
    emit({ type: 'status', status: next });
  };
  for (const c of status.conditions) emit({ type: 'condition', condition: c });
  emit({ type: 'status', status });

  const abortDetail = () => {
    const r: unknown = signal?.reason;
    if (typeof r === 'string' && r) return r;
    if (r instanceof Error && r.name !== 'AbortError' && r.message) return r.message;
    return 'aborted';
  };
  const finish = (phase: 'Succeeded' | 'DeadlineExceeded' | 'Failed' | 'Aborted', extra: { cause?: string; detail?: string; lastCompleted?: AttemptResult | null } = {}) => {
    publish(finishStatus(status, { phase, now: clock.now(), successThreshold: plan.successThreshold, ...extra }));
    return status;
  };
  // At the deadline, the verdict comes from the last attempt that ran to its own end; an
  // attempt the deadline cut short is named as such, with what it was doing.
  const finishAtDeadline = () => {
    const cut = cutAttempt ? `attempt ${cutAttempt.number} was ${cutAttempt.message}` : undefined;
    const cause = lastFailure?.reason ?? (cutAttempt ? 'Cancelled' : undefined);
    return finish('DeadlineExceeded', {
      ...(cause ? { cause } : {}),
      ...(cut ? { detail: cut } : {}),
      ...(cutAttempt ? { lastCompleted: lastCompleted ?? null } : {}),
    });
  };

  let decision = firstAttempt(plan, startedAt, deadline);
  if (decision.final) emit({ type: 'waiting', nextAttempt: 1, at: rfc3339(decision.at), delayMs: decision.delayMs, retryAfter: false, final: true });
  let number = 0;
  /** The last failed attempt that ran to its own end (not cut short by the deadline). */
  let lastFailure: AttemptResult | undefined;
  let lastCompleted: AttemptResult | undefined;
  let cutAttempt: AttemptResult | undefined;

  for (;;) {
    await sleepUntil(clock, decision.at, signal);
    if (signal?.aborted) return finish('Aborted', { detail: abortDetail() });
    if (decision.final || clock.now() >= deadline) return finishAtDeadline();

    // One attempt.
    number++;
    const start = clock.now();
    const attemptDl = attemptDeadline(plan, start, deadline);
    publish(attemptStarted(status, number, start, attemptDl));
    emit({ type: 'attemptStarted', attempt: number, at: rfc3339(start), deadline: rfc3339(attemptDl) });
    // Cut to the validation deadline, shorter than its own timeout: reaching it cuts the attempt short.
    const deadlineIsValidation = attemptDl < start + plan.timeoutMs;
    const run = await runAttempt({ runner, clock, number, start, attemptDl, deadlineIsValidation, signal, grace, emit });
    if (run.usage) throw run.usage; // the script cannot run at all: no verdict to give
    let result = run.result;
    const end = clock.now();
    if (run.ended === 'deadline' && deadlineIsValidation && !result.cutShort) result = cutShortResult(result, end - start);

    if (run.ended === 'aborted') {
      publish(recordAttempt(status, result, { now: end, nextAttemptAt: null, successThreshold: plan.successThreshold }).status);
      emit({ type: 'attempt', event: status.history[status.history.length - 1]!, result });
      return finish('Aborted', { detail: `${abortDetail()} during attempt ${number}` });
    }
    if (result.cutShort) cutAttempt = result;
    else {
      cutAttempt = undefined;
      lastCompleted = result;
      if (result.outcome === 'failed') lastFailure = result;
    }
    if (run.ended === 'deadline' && attemptDl >= deadline) {
      publish(recordAttempt(status, result, { now: end, nextAttemptAt: null, successThreshold: plan.successThreshold }).status);
      emit({ type: 'attempt', event: status.history[status.history.length - 1]!, result });
      return finishAtDeadline();
    }

    const passes = result.outcome === 'passed' ? status.consecutivePasses + 1 : 0;
    const failures = result.outcome === 'failed' ? status.consecutiveFailures + 1 : 0;
    const failFast = result.outcome === 'failed' && result.reason !== undefined && plan.failFastOn.includes(result.reason);
    const done = passes >= plan.successThreshold || failFast;

    if (done) {
      const rec = recordAttempt(status, result, { now: end, nextAttemptAt: null, successThreshold: plan.successThreshold });
      status = rec.status; // published by finish below
      emit({ type: 'attempt', event: rec.event, result });
      return failFast ? finish('Failed', { cause: result.reason! }) : finish('Succeeded');
    }

    decision = nextAttempt({
      plan, lastStart: start, lastEnd: end, failures, retryAfterMs: result.retryAfterMs, deadline, random,
    });
    const rec = recordAttempt(status, result, {
      now: end,
      nextAttemptAt: decision.final ? null : decision.at,
      ...(decision.final ? { waitUntilDeadline: deadline } : {}),
      successThreshold: plan.successThreshold,
    });
    publish(rec.status);
    emit({ type: 'attempt', event: rec.event, result });
    emit({
      type: 'waiting', nextAttempt: number + 1, at: rfc3339(decision.at), delayMs: decision.delayMs,
      retryAfter: decision.retryAfterApplied, final: decision.final,
    });
  }
}

interface AttemptRun {
  result: AttemptResult;
  /** How the attempt ended: by itself, cut at its deadline, or by the caller's signal. */
  ended: 'settled' | 'deadline' | 'aborted';
  /** The runner said the script cannot run (a UsageError): rethrown to the caller. */
  usage?: Error;
}

async function runAttempt(a: {
  runner: AttemptRunner;
  clock: Clock;
  number: number;
  start: number;
  attemptDl: number;
  deadlineIsValidation: boolean;
  signal: AbortSignal | undefined;
  grace: number;
  emit: (e: DriverEvent) => void;
}): Promise<AttemptRun> {
  const { clock, number, start, attemptDl, signal } = a;
  const cancel = new AbortController();
  const timer = new AbortController(); // stops the deadline timer once the attempt settles
  const onOuter = () => {
    cancel.abort(signal?.reason);
    timer.abort();
  };
  signal?.addEventListener('abort', onOuter, { once: true });
  const startedIso = rfc3339(start);

  let usage: Error | undefined;
  const settled = Promise.resolve()
    .then(() => a.runner({
      attempt: number, deadline: attemptDl, deadlineIsValidation: a.deadlineIsValidation, signal: cancel.signal, onEvent: (e) => a.emit(e),
    }))
    .then(
      (r) => (isResult(r) ? normalise(r, number, startedIso) : thrown(new Error('the attempt runner returned no result'), number, startedIso, clock.now() - start)),
      (e: unknown) => {
        if (e instanceof UsageError) usage = e;
        return thrown(e, number, startedIso, clock.now() - start);
      },
    );
  const first = await Promise.race([
    settled.then((r) => ({ r })),
    sleepUntil(clock, attemptDl, timer.signal).then(() => null),
  ]);
  signal?.removeEventListener('abort', onOuter);
  if (first && first.r) {
    timer.abort();
    return { result: first.r, ended: signal?.aborted ? 'aborted' : 'settled', ...(usage ? { usage } : {}) };
  }
  const ended: AttemptRun['ended'] = signal?.aborted ? 'aborted' : 'deadline';
  if (!cancel.signal.aborted) cancel.abort(ended === 'deadline' ? new DeadlineReached() : signal?.reason);
  // Give the runner a moment to stop and report what it saw.
  const graceTimer = new AbortController();
  const late = await Promise.race([settled, clock.sleep(a.grace, graceTimer.signal).then(() => null)]);
  graceTimer.abort();
  if (late) return { result: late, ended, ...(usage ? { usage } : {}) };
  return {
    result: {
      number,
      outcome: 'failed',
      reason: 'Cancelled',
      message: ended === 'deadline'
        ? `cancelled at its deadline after ${humanDuration(clock.now() - start)}; the runner did not stop within ${humanDuration(a.grace)}`
        : 'cancelled; the runner did not stop in time',
      startedAt: startedIso,
      durationMs: clock.now() - start,
      checks: [],
      requests: [],
      console: [],
    },
    ended,
  };
}

/** A result the validation deadline cut short: whatever the runner said, no finding about the target. */
function cutShortResult(r: AttemptResult, elapsedMs: number): AttemptResult {
  const said = r.message && !/cut short|cancelled/i.test(r.message) ? `; the runner reported: ${r.reason ?? 'failed'}: ${r.message}` : r.message ? `; ${r.message}` : '';
  return {
    ...r,
    outcome: 'failed',
    reason: 'Cancelled',
    message: `cut short by the validation deadline after ${humanDuration(elapsedMs)}${said}`,
    cutShort: true,
  };
}

function isResult(r: unknown): r is AttemptResult {
  return !!r && typeof r === 'object' && ((r as AttemptResult).outcome === 'passed' || (r as AttemptResult).outcome === 'failed');
}

function normalise(r: AttemptResult, number: number, startedIso: string): AttemptResult {
  // The driver owns numbering; fill what a sloppy runner left out.
  return {
    ...r,
    number,
    message: typeof r.message === 'string' ? r.message : '',
    startedAt: r.startedAt || startedIso,
    checks: r.checks ?? [],
    requests: r.requests ?? [],
    console: r.console ?? [],
    ...(r.outcome === 'failed' && !r.reason ? { reason: 'ScriptFailed' as const } : {}),
  };
}

function thrown(e: unknown, number: number, startedIso: string, durationMs: number): AttemptResult {
  const err = e as { message?: unknown; code?: unknown } | undefined;
  const msg = err && typeof err.message === 'string' ? err.message : String(e);
  const network = !!err && typeof err.code === 'string' && /^(E[A-Z]+|UND_ERR_)/.test(err.code);
  return {
    number,
    outcome: 'failed',
    reason: network ? 'NetworkError' : 'ScriptFailed',
    message: `the attempt failed unexpectedly: ${msg}`,
    startedAt: startedIso,
    durationMs,
    checks: [],
    requests: [],
    console: [],
  };
}
