// The status machine, as pure functions of the previous document and what happened.
//
//   Pending ──attempt finished──▶ Retrying ──▶ Succeeded | DeadlineExceeded | Failed | Aborted
//      └────────────(first attempt decides, or deadline/abort)────────▲
//
// Four condition types, present from the start (Kubernetes convention: a controller sets
// its conditions on the first visit, Unknown where not known yet):
//
//   type                         Pending            Retrying                       Succeeded                  DeadlineExceeded      Failed / Aborted
//   ValidationPending            True               False FirstAttemptFinished     False                      False                 False
//   ValidationRetrying           False NotRetrying  True  <cause>|AwaitingConsec…  False Succeeded            False DeadlineExceeded False FailedFast|Aborted
//   ValidationSucceeded          Unknown InProgress Unknown InProgress             True SuccessThresholdReached False <cause>         False <cause>|Aborted
//   ValidationDeadlineExceeded   False WithinDeadline False WithinDeadline         False FinishedBeforeDeadline True <cause>         False FinishedBeforeDeadline|Aborted
import type { AttemptResult } from '../attempt/types.js';
import { humanDuration, formatDuration } from '../plan/duration.js';
import { planToJSON, type SchedulePlan } from '../plan/plan.js';
import { rfc3339, rfc3339Seconds, setCondition, toReason, truncateUtf8, MAX_MESSAGE_BYTES } from './conditions.js';
import type { Condition, ConditionType, Phase, StatusDocument, ValidationEvent } from './types.js';
import type { StatusReason } from '../reasons.js';

export const HISTORY_LIMIT = 10;
/** Bytes of an attempt's message kept in events and history. */
const EVENT_MESSAGE_BYTES = 1024;

export interface StatusStart {
  plan: SchedulePlan;
  /** Epoch ms. */
  startedAt: number;
  deadline?: number;
  target?: string;
  /** metadata.generation of the TestRun, copied to observedGeneration. */
  generation?: number;
}

type CondSpec = [status: Condition['status'], reason: string, message: string];

function applyConditions(
  doc: StatusDocument,
  specs: Partial<Record<ConditionType, CondSpec>>,
  now: number,
  generation: number | undefined,
): StatusDocument {
  let conditions = doc.conditions;
  for (const type of ['ValidationPending', 'ValidationRetrying', 'ValidationSucceeded', 'ValidationDeadlineExceeded'] as const) {
    const spec = specs[type];
    if (!spec) continue;
    const next: Omit<Condition, 'lastTransitionTime'> = { type, status: spec[0], reason: spec[1], message: spec[2] };
    if (generation !== undefined) next.observedGeneration = generation;
    conditions = setCondition(conditions, next, now).conditions;
  }
  return { ...doc, conditions };
}

function generationOf(doc: StatusDocument): number | undefined {
  return doc.conditions.find((c) => c.observedGeneration !== undefined)?.observedGeneration;
}

function parseTime(s: string): number {
  return Date.parse(s);
}

/** `attempt 3 failed: ConnectionRefused: connect ECONNREFUSED 10.0.0.1:443` / `attempt 3 passed in 120ms`. */
export function describeAttempt(r: AttemptResult): string {
  if (r.outcome === 'passed') return `attempt ${r.number} passed in ${humanDuration(r.durationMs)}`;
  const reason = r.reason ?? 'AttemptFailed';
  const msg = r.message.trim();
  const tail = !msg ? '' : msg.startsWith(reason) ? `: ${msg}` : `: ${reason}: ${msg}`;
  return `attempt ${r.number} failed${tail || `: ${reason}`}`;
}

/** The document before any attempt: phase Pending, all four conditions set. */
export function initialStatus(start: StatusStart): StatusDocument {
  const { plan, startedAt } = start;
  const deadline = start.deadline ?? startedAt + plan.maxDurationMs;
  const first = startedAt + plan.initialDelayMs;
  const pendingMsg = plan.initialDelayMs > 0
    ? `waiting ${humanDuration(plan.initialDelayMs)} (initial delay) before the first attempt at ${rfc3339(first)}`
    : 'first attempt starting';
  let doc: StatusDocument = {
    phase: 'Pending',
    ...(start.target !== undefined ? { target: start.target } : {}),
    attempts: 0,
    consecutivePasses: 0,
    consecutiveFailures: 0,
    lastAttempt: null,
    reason: plan.initialDelayMs > 0 ? 'InitialDelay' : 'FirstAttempt',
    message: pendingMsg,
    conditions: [],
    history: [],
    startedAt: rfc3339(startedAt),
    finishedAt: null,
    deadline: rfc3339(deadline),
    nextAttemptAt: rfc3339(first),
    schedule: planToJSON(plan),
  };
  doc = applyConditions(doc, {
    ValidationPending: ['True', doc.reason, pendingMsg],
    ValidationRetrying: ['False', 'NotRetrying', 'no attempt has finished yet'],
    ValidationSucceeded: ['Unknown', 'InProgress', `needs ${plan.successThreshold} consecutive passing attempt${plan.successThreshold === 1 ? '' : 's'}`],
    ValidationDeadlineExceeded: ['False', 'WithinDeadline', `deadline ${rfc3339Seconds(deadline)} (${formatDuration(plan.maxDurationMs)} after the start)`],
  }, startedAt, start.generation);
  return doc;
}

/** An attempt begins. Only the Pending condition's message changes (before the first result). */
export function attemptStarted(doc: StatusDocument, attempt: number, now: number, attemptDeadline: number): StatusDocument {
  const next: StatusDocument = { ...doc, nextAttemptAt: null };
  if (doc.phase !== 'Pending') return next;
  const msg = `attempt ${attempt} running (until ${rfc3339(attemptDeadline)} at the latest)`;
  return applyConditions({ ...next, reason: 'AttemptRunning', message: msg }, {
    ValidationPending: ['True', 'AttemptRunning', msg],
  }, now, generationOf(doc));
}

export interface RecordOptions {
  /** Epoch ms when the attempt ended. */
  now: number;
  /** When the next attempt runs; null when none will (the caller finishes next). */
  nextAttemptAt: number | null;
  /** No further attempt fits: the driver waits until this deadline, then finishes. */
  waitUntilDeadline?: number;
  successThreshold: number;
}

/** Records a finished attempt: counters, lastAttempt, history, the event, and — when another attempt follows — phase Retrying. */
export function recordAttempt(doc: StatusDocument, result: AttemptResult, opts: RecordOptions): { status: StatusDocument; event: ValidationEvent } {
  const { now } = opts;
  const passed = result.outcome === 'passed';
  const consecutivePasses = passed ? doc.consecutivePasses + 1 : 0;
  const consecutiveFailures = passed ? 0 : doc.consecutiveFailures + 1;
  const desc = describeAttempt(result);
  const event: ValidationEvent = {
    time: rfc3339(now),
    attempt: result.number,
    outcome: result.outcome,
    reason: passed ? 'AttemptPassed' : toReason(result.reason, 'AttemptFailed'),
    message: truncateUtf8(desc, EVENT_MESSAGE_BYTES),
    type: passed ? 'Normal' : 'Warning',
    startedAt: result.startedAt,
    durationMs: result.durationMs,
  };
  const nextIso = opts.nextAttemptAt === null ? null : rfc3339(opts.nextAttemptAt);
  if (nextIso) event.nextAttemptAt = nextIso;
  const history = [...doc.history, event].slice(-HISTORY_LIMIT);
  let status: StatusDocument = {
    ...doc,
    attempts: Math.max(doc.attempts, result.number),
    consecutivePasses,
    consecutiveFailures,
    lastAttempt: result,
    history,
    nextAttemptAt: nextIso,
  };
  if (opts.nextAttemptAt === null && opts.waitUntilDeadline === undefined) {
    status.reason = passed ? 'AttemptPassed' : event.reason;
    status.message = desc;
    return { status, event };
  }
  const when = opts.nextAttemptAt !== null
    ? `next attempt (${result.number + 1}) at ${nextIso}, in ${humanDuration(opts.nextAttemptAt - now)}`
    : `no further attempt fits before the deadline at ${rfc3339(opts.waitUntilDeadline!)}`;
  const used = elapsedText(doc, now);
  let reason: string;
  let msg: string;
  if (passed) {
    reason = 'AwaitingConsecutivePasses';
    msg = `${desc} (${consecutivePasses} of ${opts.successThreshold} consecutive passes); ${when}; ${used}`;
  } else {
    reason = event.reason;
    msg = `${desc}; ${when}; ${used}`;
  }
  status = { ...status, phase: 'Retrying', reason, message: truncateUtf8(msg, MAX_MESSAGE_BYTES) };
  const gen = generationOf(doc);
  status = applyConditions(status, {
    ValidationPending: ['False', 'FirstAttemptFinished', `attempt 1 finished at ${status.history[0]?.time ?? rfc3339(now)}`],
    ValidationRetrying: ['True', reason, msg],
    ValidationSucceeded: ['Unknown', 'InProgress', `${consecutivePasses} of ${opts.successThreshold} consecutive passing attempts so far`],
  }, now, gen);
  // Keep the Pending condition's message stable once it turned False.
  return { status, event };
}

function elapsedText(doc: StatusDocument, now: number): string {
  const started = parseTime(doc.startedAt);
  const budget = doc.deadline ? parseTime(doc.deadline) - started : NaN;
  const used = humanDuration(now - started);
  return Number.isFinite(budget) ? `${used} of ${formatDuration(budget)} used` : `${used} elapsed`;
}

export interface FinishOptions {
  phase: Exclude<Phase, 'Pending' | 'Retrying'>;
  now: number;
  /** Failure cause (a reason) for DeadlineExceeded / Failed; defaults to the last attempt's reason. */
  cause?: string;
  /** Extra detail, e.g. "stopped by SIGTERM" or which attempt was cut short at the deadline. */
  detail?: string;
  /** The last attempt that ran to its own end, when the last one was cut short (null: none did).
   *  The message's "last:" describes it instead of the cut-short one. */
  lastCompleted?: AttemptResult | null;
  successThreshold?: number;
}

/** Ends validation: terminal phase, final conditions, finishedAt. */
export function finishStatus(doc: StatusDocument, opts: FinishOptions): StatusDocument {
  const { phase, now } = opts;
  const last = opts.lastCompleted !== undefined ? opts.lastCompleted : doc.lastAttempt;
  const lastDesc = last ? describeAttempt(last) : opts.lastCompleted === null ? 'no attempt ran to its end' : 'no attempt finished';
  const cause = toReason(opts.cause ?? (last && last.outcome === 'failed' ? last.reason : undefined), phase === 'Aborted' ? ('Aborted' satisfies StatusReason) : ('NoAttempt' satisfies StatusReason));
  const took = humanDuration(now - parseTime(doc.startedAt));
  const n = doc.attempts;
  const attemptsText = `${n} attempt${n === 1 ? '' : 's'}`;
  const detail = opts.detail ? `; ${opts.detail}` : '';
  const gen = generationOf(doc);
  let reason: string;
  let message: string;
  let specs: Partial<Record<ConditionType, CondSpec>>;
  const pendingDone: CondSpec = doc.phase === 'Pending'
    ? ['False', n > 0 ? 'FirstAttemptFinished' : phase, n > 0 ? `attempt 1 finished` : `ended before any attempt finished`]
    : (() => {
        const c = doc.conditions.find((x) => x.type === 'ValidationPending');
        return c && c.status === 'False' ? [c.status, c.reason, c.message] as CondSpec : ['False', 'FirstAttemptFinished', 'attempt 1 finished'] as CondSpec;
      })();
  switch (phase) {
    case 'Succeeded': {
      reason = 'Succeeded';
      const th = opts.successThreshold ?? doc.consecutivePasses;
      message = `${lastDesc}; ${doc.consecutivePasses} consecutive pass${doc.consecutivePasses === 1 ? '' : 'es'} (threshold ${th}) after ${attemptsText} in ${took}${detail}`;
      specs = {
        ValidationPending: pendingDone,
        ValidationRetrying: ['False', 'Succeeded', 'validation succeeded'],
        ValidationSucceeded: ['True', 'SuccessThresholdReached', message],
        ValidationDeadlineExceeded: ['False', 'FinishedBeforeDeadline', `succeeded ${took} after the start, before the deadline ${doc.deadline ?? ''}`.trim()],
      };
      break;
    }
    case 'DeadlineExceeded': {
      reason = cause;
      const budget = doc.deadline ? formatDuration(parseTime(doc.deadline) - parseTime(doc.startedAt)) : took;
      message = `no passing attempt within ${budget} (${attemptsText}); last: ${lastDesc}${detail}`;
      specs = {
        ValidationPending: pendingDone,
        ValidationRetrying: ['False', 'DeadlineExceeded', 'stopped retrying at the deadline'],
        ValidationSucceeded: ['False', cause, message],
        ValidationDeadlineExceeded: ['True', cause, message],
      };
      break;
    }
    case 'Failed': {
      reason = cause;
      message = doc.schedule
        ? `${lastDesc}; ${cause} ends validation at once (fail-fast)${detail}`
        : `${lastDesc}${detail}`;
      specs = {
        ValidationPending: pendingDone,
        ValidationRetrying: ['False', doc.schedule ? 'FailedFast' : 'SingleAttempt', doc.schedule ? `not retrying: ${cause} is a fail-fast reason` : 'a single attempt is not retried'],
        ValidationSucceeded: ['False', cause, message],
        ValidationDeadlineExceeded: ['False', 'FinishedBeforeDeadline', `failed ${took} after the start`],
      };
      break;
    }
    case 'Aborted': {
      reason = 'Aborted';
      message = `validation stopped after ${attemptsText} in ${took}${detail}; last: ${lastDesc}`;
      specs = {
        ValidationPending: pendingDone,
        ValidationRetrying: ['False', 'Aborted', message],
        ValidationSucceeded: ['False', 'Aborted', message],
        ValidationDeadlineExceeded: ['False', 'Aborted', `stopped ${took} after the start, before the deadline`],
      };
      break;
    }
  }
  const next: StatusDocument = {
    ...doc,
    phase,
    reason,
    message: truncateUtf8(message, MAX_MESSAGE_BYTES),
    finishedAt: rfc3339(now),
    nextAttemptAt: null,
  };
  return applyConditions(next, specs, now, gen);
}

/** The status document of a one-shot `run`: one attempt, phase Succeeded or Failed. */
export function statusForSingleAttempt(result: AttemptResult, opts: { target?: string; now?: number; generation?: number } = {}): StatusDocument {
  const started = Date.parse(result.startedAt);
  const startedAt = Number.isFinite(started) ? started : (opts.now ?? Date.now()) - result.durationMs;
  const end = opts.now ?? startedAt + result.durationMs;
  const desc = describeAttempt(result);
  let doc: StatusDocument = {
    phase: 'Pending',
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    attempts: 0,
    consecutivePasses: 0,
    consecutiveFailures: 0,
    lastAttempt: null,
    reason: 'AttemptRunning',
    message: 'attempt 1 running',
    conditions: [],
    history: [],
    startedAt: rfc3339(startedAt),
    finishedAt: null,
    schedule: null,
  };
  doc = applyConditions(doc, {
    ValidationPending: ['True', 'AttemptRunning', 'attempt 1 running'],
    ValidationRetrying: ['False', 'SingleAttempt', 'a single attempt is not retried'],
    ValidationSucceeded: ['Unknown', 'InProgress', 'attempt 1 running'],
    ValidationDeadlineExceeded: ['False', 'NoDeadline', 'a single attempt has only its own timeout'],
  }, startedAt, opts.generation);
  const { status } = recordAttempt(doc, result, { now: end, nextAttemptAt: null, successThreshold: 1 });
  const fin = finishStatus(status, { phase: result.outcome === 'passed' ? 'Succeeded' : 'Failed', now: end, successThreshold: 1 });
  if (fin.phase === 'Succeeded') {
    fin.message = desc;
    const c = fin.conditions.find((x) => x.type === 'ValidationSucceeded');
    if (c) c.message = desc;
    const d = fin.conditions.find((x) => x.type === 'ValidationDeadlineExceeded');
    if (d) { d.reason = 'NoDeadline'; d.message = 'a single attempt has only its own timeout'; }
  } else {
    const d = fin.conditions.find((x) => x.type === 'ValidationDeadlineExceeded');
    if (d) { d.reason = 'NoDeadline'; d.message = 'a single attempt has only its own timeout'; }
  }
  return fin;
}

export function isTerminal(phase: Phase): boolean {
  return phase === 'Succeeded' || phase === 'DeadlineExceeded' || phase === 'Failed' || phase === 'Aborted';
}
