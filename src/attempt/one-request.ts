// The shell of a built-in check's attempt: one request, streamed as it ends, and the parts
// of the result every checker fills the same way (the verdict fields are the checker's).
import type { AttemptRunner, RequestRecord } from './types.js';

type AttemptContext = Parameters<AttemptRunner>[0];

/** What every built-in check's result holds besides its verdict. */
export function checkShell(attempt: number, started: number, requests: RequestRecord[]) {
  return {
    number: attempt,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    checks: [],
    requests,
    console: [],
  };
}

export function oneRequestResult(ctx: AttemptContext, started: number, rec: RequestRecord) {
  ctx.onEvent?.({ type: 'request', attempt: ctx.attempt, request: rec });
  return {
    ...checkShell(ctx.attempt, started, [rec]),
    ...(rec.retryAfterSeconds !== undefined ? { retryAfterMs: rec.retryAfterSeconds * 1000 } : {}),
  };
}
