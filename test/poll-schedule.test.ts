import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PLAN, type SchedulePlan } from '../src/plan/plan.js';
import { baseDelayMs, jitterMs, jitterBounds, nextAttempt, firstAttempt, attemptDeadline, capMs } from '../src/poll/schedule.js';

const plan = (p: Partial<SchedulePlan>): SchedulePlan => ({ ...DEFAULT_PLAN, jitter: 0, failFastOn: [], ...p });
const seq = (p: SchedulePlan, n: number) => Array.from({ length: n }, (_, i) => baseDelayMs(p, i + 1));

test('constant backoff', () => {
  assert.deepEqual(seq(plan({ intervalMs: 1000 }), 4), [1000, 1000, 1000, 1000]);
});

test('linear backoff adds (factor - 1) x interval per failure, capped', () => {
  assert.deepEqual(seq(plan({ intervalMs: 1000, backoff: 'linear', factor: 2, maxIntervalMs: 3500 }), 5), [1000, 2000, 3000, 3500, 3500]);
  assert.deepEqual(seq(plan({ intervalMs: 15000, backoff: 'linear', factor: 1.5 }), 3), [15000, 22500, 30000]);
});

test('exponential backoff multiplies by factor, capped at max interval', () => {
  assert.deepEqual(seq(plan({ intervalMs: 15000, backoff: 'exponential', factor: 1.5, maxIntervalMs: 120000 }), 7),
    [15000, 22500, 33750, 50625, 75937.5, 113906.25, 120000]);
  // huge streaks stay finite
  assert.equal(baseDelayMs(plan({ intervalMs: 1000, backoff: 'exponential', factor: 100, maxIntervalMs: 5000 }), 10000), 5000);
});

test('a pass resets the backoff', () => {
  const p = plan({ intervalMs: 1000, backoff: 'exponential', factor: 2, maxIntervalMs: 60000 });
  assert.equal(baseDelayMs(p, 0), 1000);
  assert.equal(baseDelayMs(p, 3), 4000);
});

test('max interval never shrinks the base interval', () => {
  const p = plan({ intervalMs: 300000, maxIntervalMs: 120000 });
  assert.equal(capMs(p), 300000);
  assert.equal(baseDelayMs(p, 1), 300000);
});

test('jitter stays within ± fraction and under the cap', () => {
  const p = plan({ intervalMs: 10000, jitter: 0.1, maxIntervalMs: 60000 });
  assert.equal(jitterMs(p, 10000, () => 0), 9000);
  assert.equal(jitterMs(p, 10000, () => 0.5), 10000);
  assert.equal(jitterMs(p, 10000, () => 0.999999), 10999.998);
  let state = 42;
  const rnd = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const d = jitterMs(p, 10000, rnd);
    assert.ok(d >= 9000 && d < 11000, String(d));
  }
  const capped = plan({ intervalMs: 10000, jitter: 0.2, maxIntervalMs: 10000 });
  assert.equal(jitterMs(capped, 10000, () => 0.99), 10000);
  assert.deepEqual(jitterBounds(capped, 1), [8000, 10000]);
  assert.equal(jitterMs(plan({ jitter: 0 }), 5000, () => 0), 5000);
});

test('the interval runs between starts; a long attempt pushes the next start to its end', () => {
  const p = plan({ intervalMs: 1000 });
  const base = { plan: p, failures: 1, deadline: 100000, random: () => 0.5 };
  assert.deepEqual(nextAttempt({ ...base, lastStart: 0, lastEnd: 200 }), { at: 1000, delayMs: 1000, retryAfterApplied: false, final: false });
  assert.equal(nextAttempt({ ...base, lastStart: 0, lastEnd: 2500 }).at, 2500);
});

test('Retry-After stretches the next wait, bounded by max interval and deadline', () => {
  const p = plan({ intervalMs: 1000, maxIntervalMs: 10000 });
  const base = { plan: p, failures: 1, deadline: 100000, random: () => 0.5, lastStart: 0, lastEnd: 100 };
  assert.deepEqual(nextAttempt({ ...base, retryAfterMs: 5000 }), { at: 5100, delayMs: 1000, retryAfterApplied: true, final: false });
  assert.equal(nextAttempt({ ...base, retryAfterMs: 60000 }).at, 10100);
  assert.equal(nextAttempt({ ...base, retryAfterMs: 500 }).retryAfterApplied, false);
  assert.deepEqual(nextAttempt({ ...base, retryAfterMs: 60000, deadline: 8000 }), { at: 8000, delayMs: 1000, retryAfterApplied: true, final: true });
});

test('the last wait is cut to the deadline', () => {
  const p = plan({ intervalMs: 1000 });
  const d = nextAttempt({ plan: p, failures: 1, deadline: 1500, random: () => 0.5, lastStart: 600, lastEnd: 700 });
  assert.deepEqual(d, { at: 1500, delayMs: 1000, retryAfterApplied: false, final: true });
  // exactly at the deadline: no attempt with zero time left
  assert.equal(nextAttempt({ plan: p, failures: 1, deadline: 1000, random: () => 0.5, lastStart: 0, lastEnd: 1 }).final, true);
});

test('initial delay and the attempt timeout cut to the time left', () => {
  const p = plan({ initialDelayMs: 2000, timeoutMs: 30000 });
  assert.deepEqual(firstAttempt(p, 0, 60000), { at: 2000, delayMs: 2000, retryAfterApplied: false, final: false });
  assert.equal(firstAttempt(p, 0, 2000).final, true);
  assert.equal(attemptDeadline(p, 0, 60000), 30000);
  assert.equal(attemptDeadline(p, 50000, 60000), 60000);
});
