import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptResult, AttemptRunner } from '../src/attempt/types.js';
import { DEFAULT_PLAN, type SchedulePlan } from '../src/plan/plan.js';
import { createVirtualClock, realClock, type Clock } from '../src/poll/clock.js';
import { runValidation, type DriverEvent } from '../src/poll/driver.js';
import { REASON_RE } from '../src/status/conditions.js';

const T0 = Date.UTC(2026, 0, 1);
const plan = (p: Partial<SchedulePlan>): SchedulePlan => ({ ...DEFAULT_PLAN, jitter: 0, failFastOn: [], ...p });

interface Step { pass?: boolean; reason?: AttemptResult['reason']; ms?: number; retryAfterMs?: number; message?: string; ignoreAbort?: boolean }

/** A runner that replays steps (the last one repeats), taking `ms` of clock time each. */
function scripted(clock: Clock, steps: Step[], log: { attempt: number; start: number; deadline: number }[] = []): AttemptRunner {
  return async ({ attempt, deadline, signal }) => {
    const start = clock.now();
    log.push({ attempt, start, deadline });
    const s = steps[Math.min(attempt - 1, steps.length - 1)]!;
    await clock.sleep(s.ms ?? 100, s.ignoreAbort ? undefined : signal);
    const base = { number: attempt, startedAt: new Date(start).toISOString(), durationMs: clock.now() - start, checks: [], requests: [], console: [] };
    if (signal.aborted) return { ...base, outcome: 'failed', reason: 'Cancelled', message: 'cancelled' };
    if (s.pass) return { ...base, outcome: 'passed', message: 'ok' };
    const r: AttemptResult = { ...base, outcome: 'failed', reason: s.reason ?? 'ConnectionRefused', message: s.message ?? 'connect ECONNREFUSED 10.0.0.1:443' };
    if (s.retryAfterMs !== undefined) r.retryAfterMs = s.retryAfterMs;
    return r;
  };
}

test('fails twice then recovers: Succeeded on plan', async () => {
  const clock = createVirtualClock(T0);
  const log: { attempt: number; start: number; deadline: number }[] = [];
  const events: DriverEvent[] = [];
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, timeoutMs: 500, maxDurationMs: 60000 }), clock,
    runner: scripted(clock, [{}, {}, { pass: true }], log), onEvent: (e) => events.push(e), target: 'https://example.test/health',
  });
  assert.equal(status.phase, 'Succeeded');
  assert.equal(status.attempts, 3);
  assert.equal(status.target, 'https://example.test/health');
  assert.deepEqual(log.map((l) => l.start - T0), [0, 1000, 2000]);
  assert.deepEqual(log.map((l) => l.deadline - l.start), [500, 500, 500]);
  assert.equal(status.finishedAt, new Date(T0 + 2100).toISOString());
  const attempts = events.filter((e) => e.type === 'attempt');
  assert.deepEqual(attempts.map((e) => e.type === 'attempt' && [e.event.outcome, e.event.reason, e.event.type]), [
    ['failed', 'ConnectionRefused', 'Warning'], ['failed', 'ConnectionRefused', 'Warning'], ['passed', 'AttemptPassed', 'Normal'],
  ]);
  const retrying = events.find((e) => e.type === 'condition' && e.condition.type === 'ValidationRetrying' && e.condition.status === 'True');
  assert.ok(retrying && retrying.type === 'condition');
  assert.match(retrying.condition.message, /^attempt 1 failed: ConnectionRefused: connect ECONNREFUSED 10\.0\.0\.1:443; next attempt \(2\) at 2026-01-01T00:00:01\.000Z, in 900ms; 100ms of 1m0s used$/);
  const c = Object.fromEntries(status.conditions.map((x) => [x.type, [x.status, x.reason]]));
  assert.deepEqual(c, {
    ValidationPending: ['False', 'FirstAttemptFinished'],
    ValidationRetrying: ['False', 'Succeeded'],
    ValidationSucceeded: ['True', 'SuccessThresholdReached'],
    ValidationDeadlineExceeded: ['False', 'FinishedBeforeDeadline'],
  });
  for (const x of status.conditions) assert.match(x.reason, REASON_RE);
  assert.equal(events[events.length - 1]!.type, 'status');
});

test('never passes: DeadlineExceeded exactly at the deadline with the last cause', async () => {
  const clock = createVirtualClock(T0);
  const log: { attempt: number; start: number; deadline: number }[] = [];
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, backoff: 'exponential', factor: 2, maxIntervalMs: 4000, timeoutMs: 500, maxDurationMs: 10000 }), clock,
    runner: scripted(clock, [{ reason: 'DNSLookupFailed', message: 'lookup x: no such host' }, { reason: 'ConnectTimeout', message: 'dial timeout' }], log),
  });
  // starts at 0, 1000, 3000, 7000 (waits 1s, 2s, 4s); next would be 11000 > deadline
  assert.deepEqual(log.map((l) => l.start - T0), [0, 1000, 3000, 7000]);
  assert.equal(status.phase, 'DeadlineExceeded');
  assert.equal(status.finishedAt, new Date(T0 + 10000).toISOString());
  assert.equal(status.reason, 'ConnectTimeout');
  const dl = status.conditions.find((c) => c.type === 'ValidationDeadlineExceeded')!;
  assert.equal(dl.status, 'True');
  assert.equal(dl.reason, 'ConnectTimeout');
  assert.match(dl.message, /^no passing attempt within 10s \(4 attempts\); last: attempt 4 failed: ConnectTimeout: dial timeout$/);
  assert.equal(status.history.length, 4);
  assert.equal(status.conditions.find((c) => c.type === 'ValidationSucceeded')!.status, 'False');
});

test('an attempt still running at the deadline is cancelled through its signal', async () => {
  const clock = createVirtualClock(T0);
  const log: { attempt: number; start: number; deadline: number }[] = [];
  let sawAbort = false;
  const inner = scripted(clock, [{ ms: 100 }, { ms: 100 }, { ms: 60000 }], log);
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, timeoutMs: 30000, maxDurationMs: 2500 }), clock,
    runner: async (ctx) => {
      ctx.signal.addEventListener('abort', () => (sawAbort = true));
      return inner(ctx);
    },
  });
  assert.ok(sawAbort);
  assert.equal(log[2]!.deadline, T0 + 2500, 'attempt timeout cut to the time left');
  assert.equal(status.phase, 'DeadlineExceeded');
  assert.equal(status.finishedAt, new Date(T0 + 2500).toISOString());
  assert.equal(status.reason, 'ConnectionRefused', 'the cause of the last attempt that failed by itself');
  assert.match(status.message, /last: attempt 2 failed: ConnectionRefused.*; attempt 3 was cut short by the validation deadline after 500ms/);
  assert.equal(status.lastAttempt?.reason, 'Cancelled');
});

test('a runner that ignores cancellation is given up on after the grace period', async () => {
  const clock = createVirtualClock(T0);
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, timeoutMs: 30000, maxDurationMs: 1000 }), clock, cancelGraceMs: 200,
    runner: scripted(clock, [{ ms: 60000, ignoreAbort: true }]),
  });
  assert.equal(status.phase, 'DeadlineExceeded');
  assert.equal(status.reason, 'Cancelled');
  assert.equal(status.finishedAt, new Date(T0 + 1200).toISOString());
});

test('an attempt over its own timeout is cut and validation goes on', async () => {
  const clock = createVirtualClock(T0);
  const log: { attempt: number; start: number; deadline: number }[] = [];
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, timeoutMs: 300, maxDurationMs: 10000 }), clock, cancelGraceMs: 50,
    runner: scripted(clock, [{ ms: 5000 }, { pass: true }], log),
  });
  assert.equal(status.phase, 'Succeeded');
  assert.deepEqual(log.map((l) => l.start - T0), [0, 1000]);
  assert.equal(status.history[0]!.reason, 'Cancelled');
});

test('success threshold needs consecutive passes; a failure resets the count', async () => {
  const clock = createVirtualClock(T0);
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, successThreshold: 2, maxDurationMs: 60000 }), clock,
    runner: scripted(clock, [{ pass: true }, {}, { pass: true }, { pass: true }]),
  });
  assert.equal(status.phase, 'Succeeded');
  assert.equal(status.attempts, 4);
  assert.equal(status.consecutivePasses, 2);
  assert.deepEqual(status.history.map((h) => h.outcome), ['passed', 'failed', 'passed', 'passed']);
});

test('threshold in progress: Retrying says how many passes so far', async () => {
  const clock = createVirtualClock(T0);
  const msgs: string[] = [];
  await runValidation({
    plan: plan({ intervalMs: 1000, successThreshold: 3, maxDurationMs: 60000 }), clock,
    runner: scripted(clock, [{ pass: true }]),
    onEvent: (e) => { if (e.type === 'condition' && e.condition.type === 'ValidationRetrying') msgs.push(`${e.condition.reason}: ${e.condition.message}`); },
  });
  assert.match(msgs[1]!, /^AwaitingConsecutivePasses: attempt 1 passed in 100ms \(1 of 3 consecutive passes\); next attempt \(2\) at/);
});

test('fail-fast reasons end validation as Failed', async () => {
  const clock = createVirtualClock(T0);
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, maxDurationMs: 60000, failFastOn: ['DNSLookupFailed'] }), clock,
    runner: scripted(clock, [{}, { reason: 'DNSLookupFailed', message: 'no such host' }]),
  });
  assert.equal(status.phase, 'Failed');
  assert.equal(status.attempts, 2);
  assert.equal(status.reason, 'DNSLookupFailed');
  assert.match(status.message, /fail-fast/);
  assert.equal(status.conditions.find((c) => c.type === 'ValidationRetrying')!.reason, 'FailedFast');
});

test('abort during a wait and during an attempt: Aborted', async () => {
  for (const at of [500, 1050]) {
    const clock = createVirtualClock(T0);
    const ac = new AbortController();
    void clock.sleep(at - 0).then(() => ac.abort('stopped by SIGTERM'));
    let cancelled = false;
    const inner = scripted(clock, [{ ms: 100 }, { ms: 5000 }]);
    const status = await runValidation({
      plan: plan({ intervalMs: 1000, maxDurationMs: 60000 }), clock, signal: ac.signal,
      runner: async (ctx) => { const r = await inner(ctx); cancelled ||= ctx.signal.aborted; return r; },
    });
    assert.equal(status.phase, 'Aborted');
    assert.equal(status.finishedAt, new Date(T0 + at).toISOString());
    assert.match(status.message, /stopped by SIGTERM/);
    assert.equal(cancelled, at === 1050, `attempt cancelled when aborting at ${at}`);
  }
});

test('an already aborted signal ends before any attempt', async () => {
  const clock = createVirtualClock(T0);
  let ran = 0;
  const status = await runValidation({
    plan: plan({}), clock, signal: AbortSignal.abort(),
    runner: async () => { ran++; throw new Error('no'); },
  });
  assert.equal(status.phase, 'Aborted');
  assert.equal(ran, 0);
});

test('a runner that throws or returns garbage is a failed attempt, not a crash', async () => {
  const clock = createVirtualClock(T0);
  let n = 0;
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, maxDurationMs: 60000 }), clock,
    runner: (async ({ attempt }) => {
      n++;
      if (n === 1) throw new Error('sandbox exploded');
      if (n === 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      if (n === 3) return undefined as unknown as AttemptResult;
      return { number: attempt, outcome: 'passed', message: '', startedAt: '', durationMs: 1, checks: [], requests: [], console: [] };
    }) as AttemptRunner,
  });
  assert.equal(status.phase, 'Succeeded');
  assert.deepEqual(status.history.map((h) => h.reason), ['ScriptFailed', 'NetworkError', 'ScriptFailed', 'AttemptPassed']);
  assert.match(status.history[0]!.message, /sandbox exploded/);
});

test('Retry-After stretches the wait', async () => {
  const clock = createVirtualClock(T0);
  const log: { attempt: number; start: number; deadline: number }[] = [];
  await runValidation({
    plan: plan({ intervalMs: 1000, maxIntervalMs: 5000, maxDurationMs: 60000 }), clock,
    runner: scripted(clock, [{ reason: 'UnexpectedStatus', retryAfterMs: 3000 }, { reason: 'UnexpectedStatus', retryAfterMs: 30000 }, { pass: true }], log),
  });
  assert.deepEqual(log.map((l) => l.start - T0), [0, 3100, 8200]);
});

test('initial delay, and jitter from the injected random source', async () => {
  const clock = createVirtualClock(T0);
  const log: { attempt: number; start: number; deadline: number }[] = [];
  const status = await runValidation({
    plan: plan({ intervalMs: 1000, jitter: 0.5, initialDelayMs: 2000, maxDurationMs: 60000 }), clock, random: () => 0,
    runner: scripted(clock, [{}, {}, { pass: true }], log),
  });
  assert.deepEqual(log.map((l) => l.start - T0), [2000, 2500, 3000]);
  assert.equal(status.phase, 'Succeeded');
});

test('status documents are emitted at every change and a throwing listener is harmless', async () => {
  const clock = createVirtualClock(T0);
  const phases: string[] = [];
  await runValidation({
    plan: plan({ intervalMs: 1000, maxDurationMs: 60000 }), clock,
    runner: scripted(clock, [{}, { pass: true }]),
    onEvent: (e) => { if (e.type === 'status') phases.push(e.status.phase); throw new Error('reporter bug'); },
  });
  assert.equal(phases[0], 'Pending');
  assert.ok(phases.includes('Retrying'));
  assert.equal(phases[phases.length - 1], 'Succeeded');
});

test('real clock: attempts start on plan (never early, lateness does not accumulate) and the deadline is kept', async () => {
  const starts: number[] = [];
  const t0 = realClock.now();
  const status = await runValidation({
    // timeout 100ms: the floor for starting an attempt near the deadline is min(timeout, 250ms).
    plan: plan({ intervalMs: 100, timeoutMs: 100, maxDurationMs: 550 }),
    runner: async ({ attempt, signal }) => {
      starts.push(realClock.now() - t0);
      await realClock.sleep(attempt % 2 ? 15 : 5, signal);
      return { number: attempt, outcome: 'failed', reason: 'ConnectionRefused', message: 'refused', startedAt: new Date().toISOString(), durationMs: 10, checks: [], requests: [], console: [] };
    },
  });
  const end = realClock.now() - t0;
  assert.equal(status.phase, 'DeadlineExceeded');
  // Planned starts 0, 100, … 500. Each start aims at an absolute time, so a late start does
  // not push the later ones; the bound is loose because CI machines are loaded (the exact
  // figures are measured by `npm run bench`, not asserted here).
  assert.ok(starts.length >= 5 && starts.length <= 6, `attempts: ${starts.map((s) => s.toFixed(1)).join(', ')}`);
  starts.forEach((s, i) => {
    const late = s - i * 100;
    assert.ok(late > -1 && late < 80, `attempt ${i + 1} started at ${s.toFixed(1)}ms, planned ${i * 100}ms`);
  });
  assert.ok(end >= 549, `finished at ${end.toFixed(1)}ms, before the 550ms deadline`);
});
