// At the deadline, the verdict names the true cause: reason and message come from the last
// attempt that ran to its own end; an attempt the deadline cut short is recorded as cut short
// (after how long, what was in flight), never as a ConnectTimeout or RequestTimeout that did
// not happen. An attempt that cannot usefully run (less than the floor left) is not started.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { urlCheckRunner } from '../src/attempt/url-check.js';
import type { AttemptResult, AttemptRunner } from '../src/attempt/types.js';
import { createRedactor } from '../src/http/redact.js';
import { DEFAULT_PLAN, type SchedulePlan } from '../src/plan/plan.js';
import { createVirtualClock, type Clock } from '../src/poll/clock.js';
import { runValidation } from '../src/poll/driver.js';
import { attemptFloorMs, nextAttempt } from '../src/poll/schedule.js';
import { cli, folder, loopback, type Loopback } from './helpers/cli.js';

const T0 = Date.UTC(2026, 0, 1);
const plan = (p: Partial<SchedulePlan>): SchedulePlan => ({ ...DEFAULT_PLAN, jitter: 0, failFastOn: [], ...p });

/** A runner answering 403 after `ms` of clock time; at its deadline it says what a naive runner says. */
function forbidden(clock: Clock, ms: number, log: { attempt: number; start: number; cut?: boolean }[]): AttemptRunner {
  return async ({ attempt, deadline, deadlineIsValidation, signal }) => {
    const start = clock.now();
    log.push({ attempt, start, ...(deadlineIsValidation ? { cut: true } : {}) });
    await clock.sleep(Math.min(ms, deadline - start), signal);
    const base = { number: attempt, startedAt: new Date(start).toISOString(), durationMs: clock.now() - start, checks: [], requests: [], console: [] };
    if (clock.now() >= deadline) {
      // What the engine used to say when the request timer was cut to the deadline.
      return { ...base, outcome: 'failed', reason: 'ConnectTimeout', message: 'no answer to the connect within the request timeout (1.0 ms); packets probably dropped by a firewall' } satisfies AttemptResult;
    }
    return { ...base, outcome: 'failed', reason: 'UnexpectedStatus', message: 'GET http://target/status/403 → 403 Forbidden' } satisfies AttemptResult;
  };
}

describe('deadline cause (virtual clock)', () => {
  it('an attempt that would start with less than the floor left is not started', async () => {
    const clock = createVirtualClock(T0);
    const log: { attempt: number; start: number }[] = [];
    const status = await runValidation({
      plan: plan({ intervalMs: 1000, timeoutMs: 30_000, maxDurationMs: 2010 }), clock, runner: forbidden(clock, 5, log),
    });
    assert.deepEqual(log.map((l) => l.start - T0), [0, 1000], 'the start at 2000 (10 ms left) is skipped');
    assert.equal(status.phase, 'DeadlineExceeded');
    assert.equal(status.reason, 'UnexpectedStatus');
    assert.match(status.message, /last: attempt 2 failed: UnexpectedStatus: GET http:\/\/target\/status\/403 → 403 Forbidden$/);
    assert.doesNotMatch(JSON.stringify(status), /ConnectTimeout|firewall/);
  });

  it('the floor is min(timeout, 250 ms), documented in the schedule', () => {
    assert.equal(attemptFloorMs(plan({ timeoutMs: 30_000 })), 250);
    assert.equal(attemptFloorMs(plan({ timeoutMs: 100 })), 100);
    const p = plan({ intervalMs: 1000, timeoutMs: 30_000 });
    const at = (deadline: number) => nextAttempt({ plan: p, lastStart: 0, lastEnd: 10, failures: 1, deadline, random: () => 0.5 });
    assert.equal(at(1250).final, false, 'exactly the floor left: runs');
    assert.equal(at(1249).final, true, 'less than the floor left: not started');
  });

  it('an attempt cut short by the deadline is recorded as cut short; the cause comes from the one before', async () => {
    const clock = createVirtualClock(T0);
    const log: { attempt: number; start: number; cut?: boolean }[] = [];
    // 300 ms left for attempt 3, which needs 1 s: the deadline cuts it.
    const status = await runValidation({
      plan: plan({ intervalMs: 1000, timeoutMs: 30_000, maxDurationMs: 2300 }), clock, runner: forbidden(clock, 1000, log),
    });
    assert.equal(log.length, 3);
    assert.equal(log[2]!.cut, true, 'the runner is told its deadline is the validation deadline');
    assert.equal(status.phase, 'DeadlineExceeded');
    assert.equal(status.reason, 'UnexpectedStatus', 'not ConnectTimeout: that timeout never happened');
    assert.match(status.message, /last: attempt 2 failed: UnexpectedStatus: GET http:\/\/target\/status\/403 → 403 Forbidden; attempt 3 was cut short by the validation deadline after 300ms/);
    const third = status.history[2]!;
    assert.equal(third.reason, 'Cancelled');
    assert.match(third.message, /cut short by the validation deadline after 300ms/);
    assert.equal(status.lastAttempt?.cutShort, true);
    for (const c of status.conditions.filter((c) => c.type === 'ValidationSucceeded' || c.type === 'ValidationDeadlineExceeded')) {
      assert.equal(c.reason, 'UnexpectedStatus');
    }
  });

  it('an attempt whose own timeout ends at the deadline keeps its own reason (not cut short)', async () => {
    const clock = createVirtualClock(T0);
    const log: { attempt: number; start: number; cut?: boolean }[] = [];
    // timeout 1 s, deadline 2 s: attempt 2's own timeout and the deadline coincide.
    const status = await runValidation({
      plan: plan({ intervalMs: 1000, timeoutMs: 1000, maxDurationMs: 2000 }), clock, runner: forbidden(clock, 5000, log),
    });
    assert.equal(log.length, 2);
    assert.equal(log[1]!.cut, undefined);
    assert.equal(status.reason, 'ConnectTimeout', 'its own timeout did elapse');
    assert.notEqual(status.lastAttempt?.cutShort, true);
  });

  it('when the only attempt was cut short the cause is Cancelled, never a timeout', async () => {
    const clock = createVirtualClock(T0);
    const status = await runValidation({
      plan: plan({ intervalMs: 10_000, timeoutMs: 30_000, maxDurationMs: 500 }), clock, runner: forbidden(clock, 1000, []),
    });
    assert.equal(status.reason, 'Cancelled');
    assert.match(status.message, /last: no attempt ran to its end; attempt 1 was cut short by the validation deadline after 500ms/);
  });
});

describe('deadline cause (URL check, real requests)', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const run = (deadlineIsValidation: boolean) =>
    urlCheckRunner({ url, method: 'GET', expect: [[200, 399]], headers: {} }, {}, createRedactor({ secretValues: [] }))({
      attempt: 1, deadline: Date.now() + 200, deadlineIsValidation, signal: new AbortController().signal,
    });

  it('a request whose timer was cut to the validation deadline is Cancelled (cut short), not RequestTimeout', async () => {
    const r = await run(true);
    assert.equal(r.reason, 'Cancelled');
    assert.equal(r.cutShort, true);
    assert.match(r.message, /^cut short by the validation deadline after \d+ms; in flight: GET http:\/\/127\.0\.0\.1:\d+\/slow \(waiting for the response headers, \d+ms\)$/);
    assert.equal(r.requests[0]!.reason, 'Cancelled');
  });

  it('the same request ending on its own timeout is RequestTimeout', async () => {
    const r = await run(false);
    assert.equal(r.reason, 'RequestTimeout');
    assert.equal(r.cutShort, undefined);
  });
});

describe('deadline cause and poll timeouts (CLI end to end)', () => {
  let srv: Loopback;
  before(async () => {
    srv = await loopback((_n, req, res) => {
      if (req.url === '/hang') return; // never answers
      res.statusCode = 403;
      res.end('denied');
    });
  });
  after(() => srv.close());

  it('check: the final status names the 403s, not a ConnectTimeout of the last few milliseconds', async () => {
    const r = await cli(['check', `${srv.url}/status/403`, '--interval', '1s', '--max-duration', '2010ms', '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(last.status.reason, 'UnexpectedStatus');
    assert.doesNotMatch(last.status.message, /ConnectTimeout|firewall/);
    assert.equal(last.status.attempts, 2, 'the start at 2s, with 10 ms left, is not made');
  });

  it('poll: an attempt hitting --timeout names the request in flight and how long it ran', async () => {
    const dir = folder({ 'validate.js': "import http from 'k6/http';\nexport default function () { http.get(__ENV.B + '/hang'); }\n" });
    const r = await cli(['poll', join(dir, 'validate.js'), '-e', `B=${srv.url}`, '--timeout', '1s', '--interval', '1500ms', '--max-duration', '2s']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /failed ScriptTimeout in [\d.]+m?s: the attempt ran past its 1s timeout( in default\(\) at validate\.js:2:\d+)?; in flight: GET http:\/\/127\.0\.0\.1:\d+\/hang \(waiting for the response headers, \d+ms\)/);
    assert.doesNotMatch(r.stdout, /the attempt was cancelled/);
  });

  it('poll: a busy script hitting --timeout names the script location', async () => {
    const dir = folder({ 'validate.js': 'export default function () {\n  for (;;) {}\n}\n' });
    const r = await cli(['poll', join(dir, 'validate.js'), '--timeout', '500ms', '--interval', '1s', '--max-duration', '800ms']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /ScriptTimeout: the attempt ran past its 500ms timeout in default\(\) at validate\.js:\d+:\d+/);
  });
});
