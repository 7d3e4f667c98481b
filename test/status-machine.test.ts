import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptResult } from '../src/attempt/types.js';
import { DEFAULT_PLAN, type SchedulePlan } from '../src/plan/plan.js';
import {
  initialStatus, recordAttempt, finishStatus, statusForSingleAttempt, attemptStarted, HISTORY_LIMIT,
} from '../src/status/machine.js';
import { setCondition, toReason, truncateUtf8, REASON_RE, MAX_MESSAGE_BYTES, rfc3339Seconds } from '../src/status/conditions.js';
import { CONDITION_TYPES } from '../src/status/types.js';

const T0 = Date.UTC(2026, 0, 1);
const plan: SchedulePlan = { ...DEFAULT_PLAN, failFastOn: [] };
const res = (n: number, p: Partial<AttemptResult> = {}): AttemptResult => ({
  number: n, outcome: 'failed', reason: 'ConnectionRefused', message: 'connect ECONNREFUSED', startedAt: new Date(T0 + n * 15000).toISOString(),
  durationMs: 10, checks: [], requests: [], console: [], ...p,
});
const cond = (doc: ReturnType<typeof initialStatus>, t: string) => doc.conditions.find((c) => c.type === t)!;

test('initial status: Pending with all four conditions', () => {
  const s = initialStatus({ plan, startedAt: T0, target: 'https://x', generation: 7 });
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.conditions.map((c) => c.type), [...CONDITION_TYPES]);
  assert.deepEqual(s.conditions.map((c) => c.status), ['True', 'False', 'Unknown', 'False']);
  for (const c of s.conditions) {
    assert.match(c.reason, REASON_RE);
    assert.equal(c.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(c.observedGeneration, 7);
  }
  assert.equal(s.deadline, '2026-01-01T00:30:00.000Z');
  assert.equal(s.schedule?.interval, '15s');
  assert.equal(s.lastAttempt, null);
});

test('lastTransitionTime changes only when status changes', () => {
  let s = initialStatus({ plan, startedAt: T0 });
  s = attemptStarted(s, 1, T0, T0 + 30000);
  s = recordAttempt(s, res(1), { now: T0 + 2000, nextAttemptAt: T0 + 15000, successThreshold: 1 }).status;
  const r1 = cond(s, 'ValidationRetrying');
  assert.equal(r1.status, 'True');
  assert.equal(r1.lastTransitionTime, '2026-01-01T00:00:02Z');
  assert.match(r1.message, /^attempt 1 failed: ConnectionRefused: connect ECONNREFUSED; next attempt \(2\) at 2026-01-01T00:00:15\.000Z, in 13s; 2s of 30m0s used$/);
  assert.equal(cond(s, 'ValidationSucceeded').lastTransitionTime, '2026-01-01T00:00:00Z');
  s = recordAttempt(s, res(2, { reason: 'ConnectTimeout', message: 'dial timeout' }), { now: T0 + 20000, nextAttemptAt: T0 + 30000, successThreshold: 1 }).status;
  const r2 = cond(s, 'ValidationRetrying');
  assert.equal(r2.lastTransitionTime, '2026-01-01T00:00:02Z', 'same status keeps the time');
  assert.equal(r2.reason, 'ConnectTimeout');
  assert.match(r2.message, /^attempt 2 failed: ConnectTimeout: dial timeout/);
  const done = finishStatus(s, { phase: 'DeadlineExceeded', now: T0 + 1800000 });
  assert.equal(cond(done, 'ValidationRetrying').lastTransitionTime, '2026-01-01T00:30:00Z');
  assert.equal(cond(done, 'ValidationDeadlineExceeded').status, 'True');
  assert.equal(cond(done, 'ValidationDeadlineExceeded').reason, 'ConnectTimeout');
});

test('setCondition follows meta.SetStatusCondition', () => {
  const a = setCondition([], { type: 'ValidationPending', status: 'True', reason: 'X', message: 'm' }, T0);
  assert.ok(a.changed);
  const b = setCondition(a.conditions, { type: 'ValidationPending', status: 'True', reason: 'Y', message: 'm2' }, T0 + 5000);
  assert.ok(b.changed);
  assert.equal(b.conditions[0]!.lastTransitionTime, rfc3339Seconds(T0));
  const c = setCondition(b.conditions, { type: 'ValidationPending', status: 'True', reason: 'Y', message: 'm2' }, T0 + 9000);
  assert.equal(c.changed, false);
  const d = setCondition(c.conditions, { type: 'ValidationPending', status: 'False', reason: 'Y', message: 'm2' }, T0 + 9000);
  assert.equal(d.conditions[0]!.lastTransitionTime, '2026-01-01T00:00:09Z');
});

test('reasons are valid for Kubernetes, messages bounded', () => {
  assert.equal(toReason('ConnectionRefused'), 'ConnectionRefused');
  assert.equal(toReason('connection refused!'), 'ConnectionRefused');
  assert.equal(toReason('123'), 'Unknown');
  assert.equal(toReason(undefined, 'Fallback'), 'Fallback');
  for (const r of ['a', 'A_b', 'X:y,z', 'Ab9']) assert.match(toReason(r), REASON_RE);
  const big = 'é'.repeat(40000);
  const t = truncateUtf8(big, MAX_MESSAGE_BYTES);
  assert.ok(Buffer.byteLength(t) <= MAX_MESSAGE_BYTES);
  assert.ok(t.endsWith('…'));
  assert.ok(!t.includes('\uFFFD'));
  const s = finishStatus(recordAttempt(initialStatus({ plan, startedAt: T0 }), res(1, { message: big }), { now: T0 + 1, nextAttemptAt: T0 + 15000, successThreshold: 1 }).status,
    { phase: 'DeadlineExceeded', now: T0 + 2 });
  for (const c of s.conditions) assert.ok(Buffer.byteLength(c.message) <= MAX_MESSAGE_BYTES);
});

test('events: Normal for a pass, Warning for a failure; history keeps the last 10', () => {
  let s = initialStatus({ plan, startedAt: T0 });
  for (let i = 1; i <= 12; i++) {
    const r = recordAttempt(s, res(i, i === 12 ? { outcome: 'passed', reason: undefined, message: '' } : {}), { now: T0 + i * 15000 + 10, nextAttemptAt: T0 + (i + 1) * 15000, successThreshold: 2 });
    s = r.status;
    assert.equal(r.event.attempt, i);
    assert.equal(r.event.type, i === 12 ? 'Normal' : 'Warning');
    assert.equal(r.event.reason, i === 12 ? 'AttemptPassed' : 'ConnectionRefused');
    assert.equal(r.event.nextAttemptAt, new Date(T0 + (i + 1) * 15000).toISOString());
  }
  assert.equal(s.history.length, HISTORY_LIMIT);
  assert.deepEqual(s.history.map((h) => h.attempt), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.equal(s.attempts, 12);
  assert.equal(s.phase, 'Retrying');
  assert.equal(cond(s, 'ValidationRetrying').reason, 'AwaitingConsecutivePasses');
});

test('statusForSingleAttempt: Succeeded / Failed with the run output fields', () => {
  const ok = statusForSingleAttempt(res(1, { outcome: 'passed', reason: undefined, message: '' }), { target: 'validate.js' });
  assert.equal(ok.phase, 'Succeeded');
  assert.equal(ok.attempts, 1);
  assert.equal(ok.lastAttempt?.outcome, 'passed');
  assert.equal(ok.schedule, null);
  assert.ok(ok.finishedAt);
  assert.equal(cond(ok, 'ValidationSucceeded').status, 'True');
  const bad = statusForSingleAttempt(res(1, { reason: 'CheckFailed', message: 'check "status is 200" failed' }));
  assert.equal(bad.phase, 'Failed');
  assert.equal(bad.reason, 'CheckFailed');
  assert.equal(bad.message, 'attempt 1 failed: CheckFailed: check "status is 200" failed');
  assert.equal(cond(bad, 'ValidationSucceeded').reason, 'CheckFailed');
  assert.equal(cond(bad, 'ValidationDeadlineExceeded').reason, 'NoDeadline');
  assert.equal(bad.history.length, 1);
  for (const c of bad.conditions) assert.match(c.reason, REASON_RE);
});

test('aborted before any attempt', () => {
  const s = finishStatus(initialStatus({ plan, startedAt: T0 }), { phase: 'Aborted', now: T0 + 500, detail: 'stopped by SIGINT' });
  assert.equal(s.phase, 'Aborted');
  assert.match(s.message, /^validation stopped after 0 attempts in 500ms; stopped by SIGINT; last: no attempt finished$/);
  assert.equal(cond(s, 'ValidationPending').status, 'False');
  assert.equal(cond(s, 'ValidationPending').reason, 'Aborted');
});
