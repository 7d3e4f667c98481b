// Several checks as one attempt (`check URL URL …`): they run side by side, the attempt
// passes only when every one passed, and its message names each one's result.
import type { AttemptResult, AttemptRunner } from './types.js';

export function allOf(runners: readonly AttemptRunner[]): AttemptRunner {
  if (runners.length === 1) return runners[0]!;
  return async (ctx) => {
    const started = Date.now();
    const results = await Promise.all(runners.map((run) => run(ctx)));
    const failed = results.filter((r) => r.outcome === 'failed');
    const each = results.map((r) => `${r.outcome === 'passed' ? '✓' : `✗ ${r.reason}`} ${r.message}`).join(' | ');
    const retryAfter = Math.max(0, ...results.map((r) => r.retryAfterMs ?? 0));
    const out: AttemptResult = {
      number: ctx.attempt,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      checks: results.flatMap((r) => r.checks),
      requests: results.flatMap((r) => r.requests),
      console: results.flatMap((r) => r.console),
      ...(retryAfter ? { retryAfterMs: retryAfter } : {}),
      outcome: failed.length ? 'failed' : 'passed',
      // The first failure in the order given wins, as in a script's verdict.
      ...(failed[0]?.reason ? { reason: failed[0].reason } : {}),
      message: failed.length ? `${failed.length} of ${results.length} failed: ${each}` : `all ${results.length} passed: ${each}`,
    };
    return out;
  };
}
