// Schedule maths, pure: given the plan and what happened, when does the next attempt
// start and how long may it run. All times are absolute epoch milliseconds.
//
// Interval semantics (decided here, documented in docs/polling.md):
// - The interval runs between attempt STARTS (like a probe's periodSeconds), so a
//   healthy schedule keeps its rhythm no matter how long each attempt takes.
// - Attempts never overlap: when an attempt runs past the planned start of the next,
//   the next one starts as soon as it ends.
// - The backoff grows with consecutive failures and resets after a pass:
//     constant     interval
//     linear       interval × (1 + (factor − 1) × (k − 1))
//     exponential  interval × factor^(k − 1)
//   for the k-th consecutive failure, capped at max(maxInterval, interval).
// - Jitter moves each wait by up to ± jitter × wait (uniform), never above the cap.
// - A Retry-After (429/503) delays the next start to at least the end of the attempt
//   plus Retry-After, itself capped at the cap.
// - The deadline is start + maxDuration. A next start at or past the deadline is not
//   run: the driver waits until the deadline and stops. An attempt's own deadline is
//   min(start + timeout, validation deadline).
// - An attempt that cannot usefully run is not started: after the first attempt, a next
//   start that leaves less than the floor, min(timeout, 250 ms), before the deadline is
//   skipped (a few milliseconds are not enough to connect, and the cut-short attempt would
//   only hide the last real result).
import type { SchedulePlan } from '../plan/plan.js';

/** Uniform random in [0, 1). Injected so tests are deterministic. */
export type Random = () => number;

/** The ceiling of a grown wait: max interval, but never below the base interval. */
export function capMs(plan: SchedulePlan): number {
  return Math.max(plan.maxIntervalMs, plan.intervalMs);
}

/**
 * The wait (start to start) after an attempt, before jitter.
 * `failures` is the number of consecutive failures so far, 0 after a pass.
 */
export function baseDelayMs(plan: SchedulePlan, failures: number): number {
  const k = Math.max(1, failures);
  let d: number;
  switch (plan.backoff) {
    case 'linear':
      d = plan.intervalMs * (1 + (plan.factor - 1) * (k - 1));
      break;
    case 'exponential':
      d = plan.intervalMs * Math.pow(plan.factor, k - 1);
      break;
    default:
      d = plan.intervalMs;
  }
  if (!Number.isFinite(d)) d = Infinity;
  return Math.min(d, capMs(plan));
}

/** Applies ± jitter to a wait, not exceeding the cap and never below zero. */
export function jitterMs(plan: SchedulePlan, delayMs: number, random: Random): number {
  if (plan.jitter <= 0) return delayMs;
  const r = Math.min(Math.max(random(), 0), 1);
  const d = delayMs * (1 + plan.jitter * (2 * r - 1));
  return Math.max(0, Math.min(d, capMs(plan)));
}

/** The range a jittered wait falls in, for tests and messages. */
export function jitterBounds(plan: SchedulePlan, failures: number): [min: number, max: number] {
  const d = baseDelayMs(plan, failures);
  return [d * (1 - plan.jitter), Math.min(d * (1 + plan.jitter), capMs(plan))];
}

export interface NextInput {
  plan: SchedulePlan;
  /** When the previous attempt started and ended. */
  lastStart: number;
  lastEnd: number;
  /** Consecutive failures including the previous attempt; 0 if it passed. */
  failures: number;
  /** Retry-After of the previous attempt, in ms. */
  retryAfterMs?: number | undefined;
  /** Validation deadline. */
  deadline: number;
  random: Random;
}

export interface NextDecision {
  /** When the next attempt starts, or — when `final` — the deadline to wait for. */
  at: number;
  /** The planned start-to-start wait (after backoff and jitter). */
  delayMs: number;
  /** Whether a Retry-After pushed the start later than the plan. */
  retryAfterApplied: boolean;
  /** No further attempt fits before the deadline: wait until `at` (= deadline) and stop. */
  final: boolean;
}

/** Decides when the next attempt starts. */
export function nextAttempt(input: NextInput): NextDecision {
  const { plan, lastStart, lastEnd, deadline } = input;
  const delayMs = jitterMs(plan, baseDelayMs(plan, input.failures), input.random);
  let at = Math.max(lastStart + delayMs, lastEnd);
  let retryAfterApplied = false;
  if (input.retryAfterMs !== undefined && input.retryAfterMs > 0) {
    const ra = lastEnd + Math.min(input.retryAfterMs, capMs(plan));
    if (ra > at) {
      at = ra;
      retryAfterApplied = true;
    }
  }
  if (deadline - at < attemptFloorMs(plan)) return { at: deadline, delayMs, retryAfterApplied, final: true };
  return { at, delayMs, retryAfterApplied, final: false };
}

/** Shortest time before the deadline worth starting another attempt in. */
export const ATTEMPT_FLOOR_MS = 250;

/** The floor for this plan: never more than one attempt's timeout. */
export function attemptFloorMs(plan: SchedulePlan): number {
  return Math.min(ATTEMPT_FLOOR_MS, plan.timeoutMs);
}

/** When the first attempt starts (after the initial delay), or the deadline if none fits. */
export function firstAttempt(plan: SchedulePlan, startedAt: number, deadline: number): NextDecision {
  const at = startedAt + plan.initialDelayMs;
  if (at >= deadline) return { at: deadline, delayMs: plan.initialDelayMs, retryAfterApplied: false, final: true };
  return { at, delayMs: plan.initialDelayMs, retryAfterApplied: false, final: false };
}

/** The absolute deadline of one attempt: its timeout, cut to the time left. */
export function attemptDeadline(plan: SchedulePlan, start: number, deadline: number): number {
  return Math.min(start + plan.timeoutMs, deadline);
}

/** The validation deadline. */
export function validationDeadline(plan: SchedulePlan, startedAt: number): number {
  return startedAt + plan.maxDurationMs;
}
