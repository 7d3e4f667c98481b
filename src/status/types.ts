// The status document: what `run`, `poll`, `check` and `testrun` print as their
// result, write to --status-file, and summarise in the termination message.
import type { AttemptReason, AttemptResult } from '../attempt/types.js';
import type { PlanJSON } from '../plan/plan.js';

export type Phase = 'Pending' | 'Retrying' | 'Succeeded' | 'DeadlineExceeded' | 'Failed' | 'Aborted';
export const TERMINAL_PHASES: readonly Phase[] = ['Succeeded', 'DeadlineExceeded', 'Failed', 'Aborted'];

export type ConditionType = 'ValidationPending' | 'ValidationRetrying' | 'ValidationSucceeded' | 'ValidationDeadlineExceeded';
export const CONDITION_TYPES: readonly ConditionType[] = [
  'ValidationPending',
  'ValidationRetrying',
  'ValidationSucceeded',
  'ValidationDeadlineExceeded',
];

/** metav1.Condition. */
export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  /** CamelCase, matches ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ */
  reason: string;
  /** At most 32768 bytes. */
  message: string;
  /** RFC 3339, second precision (as metav1.Time); changes only when `status` changes. */
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** One attempt, as kept in `history` and emitted as an event. */
export interface ValidationEvent {
  /** RFC 3339 with milliseconds: when the attempt ended. */
  time: string;
  attempt: number;
  outcome: 'passed' | 'failed';
  /** `AttemptPassed`, or the failure reason (`ConnectionRefused` ...). */
  reason: string;
  message: string;
  /** Normal for a pass, Warning for a failure. */
  type: 'Normal' | 'Warning';
  startedAt: string;
  durationMs: number;
  /** When the next attempt runs (RFC 3339), if one does. */
  nextAttemptAt?: string;
}

export interface StatusDocument {
  phase: Phase;
  /** What is validated, for a person (a URL, `configmap/name:file`, a script path). */
  target?: string;
  /** Attempts finished so far. */
  attempts: number;
  consecutivePasses: number;
  consecutiveFailures: number;
  /** The last finished attempt, in full; null before the first one. */
  lastAttempt: AttemptResult | null;
  /** Current or final cause (`ConnectionRefused` ..., `Succeeded` when passed). */
  reason: string;
  /** One sentence for a person. */
  message: string;
  conditions: Condition[];
  /** The last 10 attempts, oldest first. */
  history: ValidationEvent[];
  startedAt: string;
  /** Set once the phase is terminal. */
  finishedAt: string | null;
  /** Absent for a single attempt (`run`). */
  deadline?: string;
  nextAttemptAt?: string | null;
  /** The plan used; null for a single attempt (`run`). */
  schedule: PlanJSON | null;
}

export type FailureReason = AttemptReason;
