// The verdict rules for one script attempt, as a pure function of what happened.
// An attempt passes when every phase completed, no request failed (k6's http_req_failed:
// a network error or an unexpected status), no check failed, and nothing called fail(),
// threw, or called test.fail()/test.abort(). Thresholds on `http_req_failed` or `checks`
// in options.thresholds replace the default rule for that metric. Exactly one reason wins.
import type { AttemptReason, CheckTally, RequestRecord } from './types.js';
import type { WorkerOutcome } from '../sandbox/protocol.js';
import { humanDuration } from '../plan/duration.js';
import { holds, rate, type Threshold, type ThresholdSet } from './thresholds.js';

export interface Verdict {
  outcome: 'passed' | 'failed';
  reason?: AttemptReason;
  message: string;
  /** The validation deadline ended the attempt (see AttemptResult.cutShort). */
  cutShort?: true;
}

export interface VerdictInput {
  outcome: WorkerOutcome;
  /** The latest requests (the attempt may have made more). */
  requests: RequestRecord[];
  /** How many requests the attempt made, when more than `requests` holds. */
  requestCount?: number;
  /** Failed requests over the whole attempt (default: counted from `requests`). */
  failedRequests?: { count: number; first?: RequestRecord };
  /** The script's thresholds on http_req_failed / checks. */
  thresholds?: ThresholdSet;
  /** Where the uncaught error was thrown in the user's files (mapped), if known. */
  location?: string;
  timeoutMs: number;
  memoryLimitBytes: number;
  /** How long the attempt ran. */
  elapsedMs?: number;
  /** The attempt's deadline was reached (a cancel at that moment is the deadline, not a cancel). */
  deadlineReached?: boolean;
  /** That deadline was the validation deadline, earlier than the attempt's own timeout. */
  deadlineIsValidation?: boolean;
  /** Requests still running (or cut short) when the attempt ended: `GET url (stage, 1.2s)`. */
  inFlight?: string[];
}

const phaseName = (p: string) => (p === 'init' ? 'the init context' : `${p}()`);

function describeRequest(r: RequestRecord): string {
  const what = r.status ? `${r.status}` : r.error || 'no response';
  return `${r.method} ${r.url} → ${what}`;
}

/** `GET url failed: connection refused …` or `GET url → 403, expected 200-399`. */
export function describeFailedRequest(r: RequestRecord): string {
  if (r.status === 0 || r.reason) return `${r.method} ${r.url} failed: ${r.message ?? r.error ?? 'no response'}`;
  return `${r.method} ${r.url} → ${r.status}, expected ${r.expected ?? '200-399'}`;
}

function failedChecks(checks: CheckTally[]): string {
  const failed = checks.filter((c) => c.fails > 0);
  const names = failed.slice(0, 3).map((c) => `"${c.name}" (${c.passes} of ${c.passes + c.fails} passed)`);
  const more = failed.length > 3 ? ` and ${failed.length - 3} more` : '';
  return `check${failed.length > 1 ? 's' : ''} ${names.join(', ')}${more} failed`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
const crossedText = (metric: string, crossed: Threshold[], value: number) =>
  `threshold${crossed.length > 1 ? 's' : ''} ${metric} ${crossed.map((t) => JSON.stringify(t.source)).join(', ')} crossed (rate ${pct(value)})`;

const L7_HINT = ' (the connection worked: an L7 allowlist, WAF or authentication is the likely cause)';

export function decideVerdict(input: VerdictInput): Verdict {
  const { outcome: o, requests, location, timeoutMs, memoryLimitBytes } = input;
  const at = location ? ` at ${location}` : '';
  const where = o.thrown ? ` in ${phaseName(o.thrown.phase)}${at}` : '';
  const lastNetFailure = [...requests].reverse().find((r) => r.reason);
  const lastRequest = requests[requests.length - 1];
  const count = input.requestCount ?? requests.length;
  const failedList = requests.filter((r) => r.failed ?? !!r.reason);
  const failed = input.failedRequests ?? { count: failedList.length, ...(failedList[0] ? { first: failedList[0] } : {}) };

  // The deadline (its own timeout, or the validation's) versus a cancel from outside.
  const timedOut = o.limit === 'timeout' || (!!o.cancelled && !!input.deadlineReached);
  const after = input.elapsedMs !== undefined ? ` after ${humanDuration(input.elapsedMs)}` : '';
  const inFlight = input.inFlight?.length
    ? `; in flight: ${input.inFlight.slice(0, 3).join(', ')}${input.inFlight.length > 3 ? ` and ${input.inFlight.length - 3} more` : ''}`
    : lastNetFailure?.reason === 'RequestTimeout' ? `; the last request (${describeRequest(lastNetFailure)}) did not finish` : '';
  if (timedOut && input.deadlineIsValidation) {
    return { outcome: 'failed', reason: 'Cancelled', message: `cut short by the validation deadline${after}${where}${inFlight}`, cutShort: true };
  }
  if (o.cancelled && !timedOut) return { outcome: 'failed', reason: 'Cancelled', message: `the attempt was cancelled${after}${where}${inFlight}` };
  if (timedOut) {
    return {
      outcome: 'failed',
      reason: 'ScriptTimeout',
      message: `the attempt ran past its ${humanDuration(timeoutMs)} timeout${where}${inFlight}`,
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
  const thresholdProblem = input.thresholds?.problems[0];
  if (thresholdProblem) return { outcome: 'failed', reason: 'ScriptFailed', message: thresholdProblem };

  // The two rates, each judged by the script's thresholds when it has some, else "none may fail".
  const rules = input.thresholds?.rules ?? [];
  const reqRules = rules.filter((t) => t.metric === 'http_req_failed');
  const checkRules = rules.filter((t) => t.metric === 'checks');
  const checkPasses = o.checks.reduce((s, c) => s + c.passes, 0);
  const checkFails = o.checks.reduce((s, c) => s + c.fails, 0);
  const reqRate = rate(failed.count, count);
  const checkRate = rate(checkPasses, checkPasses + checkFails);
  const reqCrossed = reqRules.filter((t) => !holds(t, reqRate));
  const checkCrossed = checkRules.filter((t) => !holds(t, checkRate));
  const requestsFail = reqRules.length ? reqCrossed.length > 0 : failed.count > 0;
  const checksFail = checkRules.length ? checkCrossed.length > 0 : checkFails > 0;
  const failedOf = `${failed.count} of ${plural(count, 'request')} failed`;

  const scriptFailure = scriptFailureMessage(o, where);
  if (!requestsFail && !checksFail && !scriptFailure) {
    if (!o.completed.includes('init')) {
      return { outcome: 'failed', reason: 'ScriptFailed', message: 'the script did not run to completion' };
    }
    const checks = checkPasses ? `${plural(checkPasses, 'check')} passed` : 'the script completed';
    const within = [
      ...(failed.count ? [`${failedOf}, within ${reqRules.map((t) => JSON.stringify(t.source)).join(', ')}`] : []),
      ...(checkFails ? [`${checkFails} of ${plural(checkPasses + checkFails, 'check')} failed, within ${checkRules.map((t) => JSON.stringify(t.source)).join(', ')}`] : []),
    ];
    const reqs = requests.length ? `; ${plural(count, 'request')}, last ${describeRequest(lastRequest!)}` : '';
    return { outcome: 'passed', message: `${checks}${reqs}${within.length ? `; ${within.join('; ')}` : ''}` };
  }

  // A script failure that follows a request that failed in the network is that network cause.
  if (scriptFailure) {
    if (lastNetFailure?.reason) {
      return {
        outcome: 'failed',
        reason: lastNetFailure.reason,
        message: `${lastNetFailure.method} ${lastNetFailure.url} failed: ${lastNetFailure.message ?? lastNetFailure.error} (${scriptFailure})`,
      };
    }
    return { outcome: 'failed', reason: 'ScriptFailed', message: scriptFailure };
  }

  const checkTail = checksFail
    ? checkRules.length ? crossedText('checks', checkCrossed, checkRate) : failedChecks(o.checks)
    : '';
  // A request that failed in the network is the cause; a failed check outranks a status
  // failure (the check is the author's own words about that response).
  const first = failed.first;
  if (requestsFail && (first?.reason || !checksFail)) {
    const rule = reqRules.length ? `${crossedText('http_req_failed', reqCrossed, reqRate)}: ` : '';
    const what = first ? `${describeFailedRequest(first)} (${rule}${failedOf}${checkTail ? `; ${checkTail}` : ''})` : `${rule}${failedOf}`;
    const l7 = first && !first.reason && (first.status === 403 || first.status === 401) ? `; ${L7_HINT.slice(2, -1)}` : '';
    return {
      outcome: 'failed',
      reason: first?.reason ?? (first ? 'UnexpectedStatus' : 'ScriptFailed'),
      message: `${what}${l7}`,
    };
  }
  const last = lastRequest ? `; last request ${describeRequest(lastRequest)}` : '';
  const reqs = requestsFail ? `; ${failedOf}` : '';
  const l7 = lastRequest && (lastRequest.status === 403 || lastRequest.status === 401) ? L7_HINT : '';
  return { outcome: 'failed', reason: 'CheckFailed', message: `${checkTail}${last}${reqs}${l7}` };
}

function scriptFailureMessage(o: WorkerOutcome, where: string): string | undefined {
  if (o.testAbort !== undefined) return `test.abort()${o.testAbort ? `: ${o.testAbort}` : ''} was called`;
  if (o.failCalls.length) return `fail(${JSON.stringify(o.failCalls[0])}) was called${where || ''}`;
  if (o.thrown) return `${o.thrown.name}: ${o.thrown.message}${where}`;
  if (o.testFail !== undefined) return `test.fail()${o.testFail ? `: ${o.testFail}` : ''} was called`;
  return undefined;
}
