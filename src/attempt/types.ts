// What one attempt produces. The polling driver, the status document and the
// reporters all read this shape; the field names are part of the JSON output.
import type { NetworkReason } from '../reasons.js';
import type { Timings } from '../http/types.js';

/** Every reason an attempt can fail with: listed in src/reasons.ts. */
export type { AttemptReason } from '../reasons.js';
import type { AttemptReason } from '../reasons.js';

export interface CheckTally {
  name: string;
  /** `::group::sub` path the check ran in, "" at top level. */
  group: string;
  passes: number;
  fails: number;
}

export interface RequestRecord {
  method: string;
  /** Redacted. */
  url: string;
  status: number;
  error: string;
  error_code: number;
  remote_ip: string;
  remote_port: number;
  local_ip: string;
  local_port: number;
  proto: string;
  timings: Timings;
  /** Network failure reason, when the request failed in the network; `Cancelled` when the
   *  attempt ended (its deadline, the validation deadline, a signal) before the request could;
   *  `UnexpectedStatus` for a gRPC call that ended with a non-OK status or a refused WebSocket upgrade. */
  reason?: NetworkReason | 'Cancelled' | 'UnexpectedStatus';
  /** gRPC calls: the gRPC status code (0 OK). */
  grpc_status?: number;
  /** Human message for a network failure (redacted). */
  message?: string;
  /** Seconds from a Retry-After header on a 429/503 response. */
  retryAfterSeconds?: number;
  /** Set when the request failed by k6's http_req_failed rule (network error or unexpected status). */
  failed?: true;
  /** The statuses the script expected, when the status was not one of them (`200-399`). */
  expected?: string;
}

export interface ConsoleRecord {
  level: 'log' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface AttemptResult {
  /** 1-based attempt number. */
  number: number;
  outcome: 'passed' | 'failed';
  /** Absent when passed. */
  reason?: AttemptReason;
  /** What happened, for a person; redacted. */
  message: string;
  startedAt: string; // RFC 3339
  durationMs: number;
  checks: CheckTally[];
  requests: RequestRecord[];
  console: ConsoleRecord[];
  /** Longest Retry-After seen on a 429/503 response, in ms (stretches the next wait). */
  retryAfterMs?: number;
  /** The sandbox engine could not be freed cleanly after this attempt (a leaked handle: a bug
   *  to report). The verdict stands; the worker was replaced, so the next attempt starts fresh. */
  disposeError?: string;
  /** The validation deadline ended this attempt before it could end by itself: its reason
   *  (`Cancelled`) says nothing about the target, and the final verdict does not take it. */
  cutShort?: true;
}

/** Streamed while an attempt runs, for live output. */
export type AttemptEvent =
  | { type: 'request'; attempt: number; request: RequestRecord }
  | { type: 'check'; attempt: number; name: string; group: string; passed: boolean }
  | { type: 'console'; attempt: number; level: ConsoleRecord['level']; message: string };

/** Runs one attempt. The driver passes the attempt number, the absolute deadline
 *  for this attempt (epoch ms, already cut to the validation deadline) and a signal
 *  that cancels it (deadline of the whole validation, SIGINT/SIGTERM). Must not throw:
 *  failures come back as an `AttemptResult` with outcome `failed`. The one exception is a
 *  `UsageError` (the script has nothing to run), which ends validation as a usage error. */
export type AttemptRunner = (ctx: {
  attempt: number;
  deadline: number;
  /** True when `deadline` is the validation deadline, earlier than the attempt's own timeout:
   *  reaching it cuts the attempt short (no request or script timeout happened). */
  deadlineIsValidation?: boolean;
  signal: AbortSignal;
  onEvent?: (e: AttemptEvent) => void;
}) => Promise<AttemptResult>;
