// The attempt result of a one-request protocol check (gRPC health, WebSocket upgrade).
import { checkShell } from '../one-request.js';
import type { AttemptReason, AttemptResult, RequestRecord } from '../types.js';

export function checkResult(
  attempt: number,
  started: number,
  rec: RequestRecord | undefined,
  verdict: { passed: true; message: string } | { passed: false; reason: AttemptReason; message: string },
): AttemptResult {
  return {
    ...checkShell(attempt, started, rec ? [rec] : []),
    ...(verdict.passed ? { outcome: 'passed' as const, message: verdict.message } : { outcome: 'failed' as const, reason: verdict.reason, message: verdict.message }),
  };
}

/** How much earlier than the attempt deadline a check times out by itself (so it names the cause). */
export const TIMEOUT_MARGIN_MS = 15;
