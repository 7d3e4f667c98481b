// The verdict rules for one script attempt, as a pure function of what happened.
// An attempt passes when every phase completed, no check failed, and nothing called
// fail(), threw, or called test.fail()/test.abort(). Otherwise exactly one reason wins.
import type { AttemptReason, CheckTally, RequestRecord } from './types.js';
import type { WorkerOutcome } from '../sandbox/protocol.js';
import { humanDuration } from '../plan/duration.js';

export interface Verdict {
  outcome: 'passed' | 'failed';
  reason?: AttemptReason;
  message: string;
}

export interface VerdictInput {
  outcome: WorkerOutcome;
  /** The latest requests (the attempt may have made more). */
  requests: RequestRecord[];
  /** How many requests the attempt made, when more than `requests` holds. */
  requestCount?: number;
  /** Where the uncaught error was thrown in the user's files (mapped), if known. */
  location?: string;
  timeoutMs: number;
  memoryLimitBytes: number;
}

const phaseName = (p: string) => (p === 'init' ? 'the init context' : `${p}()`);

function describeRequest(r: RequestRecord): string {
  const what = r.status ? `${r.status}` : r.error || 'no response';
  return `${r.method} ${r.url} → ${what}`;
}

function failedChecks(checks: CheckTally[]): string {
  const failed = checks.filter((c) => c.fails > 0);
  const names = failed.slice(0, 3).map((c) => `"${c.name}" (${c.passes} of ${c.passes + c.fails} passed)`);
  const more = failed.length > 3 ? ` and ${failed.length - 3} more` : '';
  return `check${failed.length > 1 ? 's' : ''} ${names.join(', ')}${more} failed`;
}

export function decideVerdict({ outcome: o, requests, requestCount, location, timeoutMs, memoryLimitBytes }: VerdictInput): Verdict {
  const at = location ? ` at ${location}` : '';
  const where = o.thrown ? ` in ${phaseName(o.thrown.phase)}${at}` : '';
  const lastNetFailure = [...requests].reverse().find((r) => r.reason);
  const lastRequest = requests[requests.length - 1];

  if (o.cancelled) return { outcome: 'failed', reason: 'Cancelled', message: `the attempt was cancelled${where}` };
  if (o.limit === 'timeout') {
    const pending = lastNetFailure?.reason === 'RequestTimeout' ? `; the last request (${describeRequest(lastNetFailure)}) did not finish` : '';
    return {
      outcome: 'failed',
      reason: 'ScriptTimeout',
      message: `the attempt ran past its ${humanDuration(timeoutMs)} timeout${where}${pending}`,
    };
  }
  if (o.limit === 'memory') {
    return {
      outcome: 'failed',
      reason: 'MemoryLimitExceeded',
      message: `the script used more than its ${Math.round(memoryLimitBytes / 1048576)} MiB memory limit${where}`,
    };
  }
  if (o.limit === 'stack') {
    return { outcome: 'failed', reason: 'StackOverflow', message: `stack overflow (recursion too deep)${where}` };
  }

  const checkFailed = o.checks.some((c) => c.fails > 0);
  const scriptFailure = scriptFailureMessage(o, where);
  if (!checkFailed && !scriptFailure) {
    if (!o.completed.includes('init')) {
      return { outcome: 'failed', reason: 'ScriptFailed', message: 'the script did not run to completion' };
    }
    const n = o.checks.reduce((s, c) => s + c.passes, 0);
    const checks = n ? `${n} check${n > 1 ? 's' : ''} passed` : 'the script completed';
    const count = requestCount ?? requests.length;
    const reqs = requests.length ? `; ${count} request${count > 1 ? 's' : ''}, last ${describeRequest(lastRequest!)}` : '';
    return { outcome: 'passed', message: `${checks}${reqs}` };
  }

  // A failure that follows a request that failed in the network is that network cause.
  if (lastNetFailure?.reason) {
    const tail = checkFailed ? ` (${failedChecks(o.checks)})` : scriptFailure ? ` (${scriptFailure})` : '';
    return {
      outcome: 'failed',
      reason: lastNetFailure.reason,
      message: `${lastNetFailure.method} ${lastNetFailure.url} failed: ${lastNetFailure.message ?? lastNetFailure.error}${tail}`,
    };
  }
  if (scriptFailure) return { outcome: 'failed', reason: 'ScriptFailed', message: scriptFailure };
  const last = lastRequest ? `; last request ${describeRequest(lastRequest)}` : '';
  const l7 = lastRequest && (lastRequest.status === 403 || lastRequest.status === 401)
    ? ' (the connection worked: an L7 allowlist, WAF or authentication is the likely cause)'
    : '';
  return { outcome: 'failed', reason: 'CheckFailed', message: `${failedChecks(o.checks)}${last}${l7}` };
}

function scriptFailureMessage(o: WorkerOutcome, where: string): string | undefined {
  if (o.testAbort !== undefined) return `test.abort()${o.testAbort ? `: ${o.testAbort}` : ''} was called`;
  if (o.failCalls.length) return `fail(${JSON.stringify(o.failCalls[0])}) was called${where || ''}`;
  if (o.thrown) return `${o.thrown.name ? `${o.thrown.name}: ` : ''}${o.thrown.message}${where}`;
  if (o.testFail !== undefined) return `test.fail()${o.testFail ? `: ${o.testFail}` : ''} was called`;
  return undefined;
}
