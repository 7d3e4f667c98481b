// The schedule of one validation: how often, how long, and when to give up.
// Flag values and manifest fields both end up here; `planFromInput` parses and
// validates, naming the flag or field that is wrong.
import { UsageError } from '../errors.js';
import { DEFAULT_PLAN } from './defaults.js';
import { DurationError, formatDuration, MAX_TIMEOUT_MS, parseDuration } from './duration.js';
import { ATTEMPT_REASONS, isAttemptReason } from '../reasons.js';

export type Backoff = 'constant' | 'linear' | 'exponential';
export const BACKOFFS: readonly Backoff[] = ['constant', 'linear', 'exponential'];

export interface SchedulePlan {
  /** Period between attempt starts (the base of the backoff). */
  intervalMs: number;
  backoff: Backoff;
  /** Growth per failed attempt: linear adds (factor − 1) × interval, exponential multiplies by factor. */
  factor: number;
  /** Upper bound of a grown interval (never below `intervalMs`). */
  maxIntervalMs: number;
  /** ± fraction applied to each wait; 0 turns jitter off. */
  jitter: number;
  /** Budget of the whole validation, counted from its start (initial delay included). */
  maxDurationMs: number;
  /** Consecutive passes needed. */
  successThreshold: number;
  /** Timeout of one attempt (cut to the time left before the deadline). */
  timeoutMs: number;
  /** Wait before the first attempt. */
  initialDelayMs: number;
  /** Reasons that end validation at once as `Failed`. */
  failFastOn: string[];
}

/** The defaults live in ./defaults.ts with every other default. */
export { DEFAULT_PLAN };

/** Raw values as flags or a manifest give them (strings, or numbers for numeric fields). */
export interface PlanInput {
  interval?: string;
  backoff?: string;
  factor?: number | string;
  maxInterval?: string;
  jitter?: number | string;
  maxDuration?: string;
  successThreshold?: number | string;
  timeout?: string;
  initialDelay?: string;
  /** `"A,B"` or a list. */
  failFastOn?: string | readonly string[];
}

export type PlanField = keyof PlanInput;

/** Flag names, used in messages when no other naming is given. */
export const PLAN_FLAGS: Record<PlanField, string> = {
  interval: '--interval',
  backoff: '--backoff',
  factor: '--factor',
  maxInterval: '--max-interval',
  jitter: '--jitter',
  maxDuration: '--max-duration',
  successThreshold: '--success-threshold',
  timeout: '--timeout',
  initialDelay: '--initial-delay',
  failFastOn: '--fail-fast-on',
};

export class PlanError extends UsageError {
  override readonly name = 'PlanError';
  constructor(
    /** The flag or field path the problem is about. */
    readonly field: string,
    /** The problem without the field name. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/**
 * Builds a plan from raw values over `base` (default: the defaults) and validates it.
 * `names` maps fields to what messages call them (flag names by default).
 */
export function planFromInput(
  input: PlanInput,
  base: Readonly<SchedulePlan> = DEFAULT_PLAN,
  names: Partial<Record<PlanField, string>> = {},
): SchedulePlan {
  const name = (f: PlanField) => names[f] ?? PLAN_FLAGS[f];
  const plan: SchedulePlan = { ...base, failFastOn: [...base.failFastOn] };
  const dur = (f: PlanField, v: string | undefined, positive: boolean, timer = false): number | undefined => {
    if (v === undefined) return undefined;
    try {
      return parseDuration(String(v), { positive, timer });
    } catch (e) {
      if (e instanceof DurationError) throw new PlanError(name(f), e.message);
      throw e;
    }
  };
  const num = (f: PlanField, v: number | string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw new PlanError(name(f), `${JSON.stringify(v)} is not a number`);
    return n;
  };

  plan.intervalMs = dur('interval', input.interval, true) ?? plan.intervalMs;
  plan.maxIntervalMs = dur('maxInterval', input.maxInterval, true) ?? plan.maxIntervalMs;
  plan.maxDurationMs = dur('maxDuration', input.maxDuration, true) ?? plan.maxDurationMs;
  plan.timeoutMs = dur('timeout', input.timeout, true, true) ?? plan.timeoutMs;
  plan.initialDelayMs = dur('initialDelay', input.initialDelay, false) ?? plan.initialDelayMs;
  if (input.backoff !== undefined) {
    if (!(BACKOFFS as readonly string[]).includes(input.backoff)) {
      throw new PlanError(name('backoff'), `${JSON.stringify(input.backoff)} is not one of ${BACKOFFS.join(', ')}`);
    }
    plan.backoff = input.backoff as Backoff;
  }
  plan.factor = num('factor', input.factor) ?? plan.factor;
  plan.jitter = num('jitter', input.jitter) ?? plan.jitter;
  plan.successThreshold = num('successThreshold', input.successThreshold) ?? plan.successThreshold;
  if (input.failFastOn !== undefined) {
    const list = typeof input.failFastOn === 'string' ? input.failFastOn.split(',') : [...input.failFastOn];
    plan.failFastOn = list.map((s) => s.trim()).filter((s) => s !== '');
  }
  const problems = planProblems(plan);
  if (problems.length) {
    const p = problems[0]!;
    throw new PlanError(name(p.field), p.problem);
  }
  return plan;
}

export interface PlanProblem {
  field: PlanField;
  problem: string;
}

/** Everything wrong with a plan (empty when it is valid). */
export function planProblems(plan: SchedulePlan): PlanProblem[] {
  const out: PlanProblem[] = [];
  const bad = (field: PlanField, problem: string) => out.push({ field, problem });
  const posDur = (field: PlanField, v: number) => {
    if (!Number.isFinite(v) || v <= 0) bad(field, `must be a positive duration, got ${fmt(v)}`);
  };
  posDur('interval', plan.intervalMs);
  posDur('maxInterval', plan.maxIntervalMs);
  posDur('maxDuration', plan.maxDurationMs);
  posDur('timeout', plan.timeoutMs);
  // One attempt is one timer; the other durations are waits the driver chains.
  if (plan.timeoutMs > MAX_TIMEOUT_MS) bad('timeout', `${fmt(plan.timeoutMs)} is longer than the longest timeout, ${fmt(MAX_TIMEOUT_MS)} (Node's timers stop at about 24.8 days)`);
  if (!Number.isFinite(plan.initialDelayMs) || plan.initialDelayMs < 0) {
    bad('initialDelay', `must not be negative, got ${fmt(plan.initialDelayMs)}`);
  } else if (plan.initialDelayMs >= plan.maxDurationMs) {
    bad('initialDelay', `${fmt(plan.initialDelayMs)} leaves no time for an attempt within max duration ${fmt(plan.maxDurationMs)}`);
  }
  if (!BACKOFFS.includes(plan.backoff)) bad('backoff', `${JSON.stringify(plan.backoff)} is not one of ${BACKOFFS.join(', ')}`);
  if (!Number.isFinite(plan.factor) || plan.factor < 1) {
    bad('factor', `must be at least 1 (1 keeps the interval constant), got ${plan.factor}`);
  } else if (plan.factor > 100) {
    bad('factor', `must be at most 100, got ${plan.factor}`);
  }
  if (!Number.isFinite(plan.jitter) || plan.jitter < 0 || plan.jitter >= 1) {
    bad('jitter', `must be a fraction from 0 (off) up to, not including, 1; got ${plan.jitter}`);
  }
  if (!Number.isInteger(plan.successThreshold) || plan.successThreshold < 1) {
    bad('successThreshold', `must be a whole number of at least 1, got ${plan.successThreshold}`);
  }
  for (const r of plan.failFastOn) {
    if (!isAttemptReason(r)) bad('failFastOn', `${JSON.stringify(r)} is not a failure reason (one of ${ATTEMPT_REASONS.join(', ')})`);
  }
  return out;
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? formatDuration(ms) : String(ms);
}

/** The plan in the status document: durations as Go strings. */
export interface PlanJSON {
  interval: string;
  backoff: Backoff;
  factor: number;
  maxInterval: string;
  jitter: number;
  maxDuration: string;
  successThreshold: number;
  timeout: string;
  initialDelay: string;
  failFastOn: string[];
}

export function planToJSON(plan: SchedulePlan): PlanJSON {
  return {
    interval: formatDuration(plan.intervalMs),
    backoff: plan.backoff,
    factor: plan.factor,
    maxInterval: formatDuration(plan.maxIntervalMs),
    jitter: plan.jitter,
    maxDuration: formatDuration(plan.maxDurationMs),
    successThreshold: plan.successThreshold,
    timeout: formatDuration(plan.timeoutMs),
    initialDelay: formatDuration(plan.initialDelayMs),
    failFastOn: [...plan.failFastOn],
  };
}
