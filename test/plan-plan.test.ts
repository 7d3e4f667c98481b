import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PLAN, planFromInput, planProblems, planToJSON, PlanError } from '../src/plan/plan.js';
import { parseExpect, statusExpected, formatExpect, ExpectError, DEFAULT_EXPECT } from '../src/plan/expect.js';

test('defaults as issue #3 lists them', () => {
  assert.deepEqual(planToJSON(DEFAULT_PLAN), {
    interval: '15s', backoff: 'constant', factor: 1.5, maxInterval: '2m0s', jitter: 0.1, maxDuration: '30m0s',
    successThreshold: 1, timeout: '30s', initialDelay: '0s', failFastOn: [],
  });
  assert.deepEqual(planFromInput({}), { ...DEFAULT_PLAN, failFastOn: [] });
  assert.deepEqual(planProblems({ ...DEFAULT_PLAN, failFastOn: [] }), []);
});

test('flag values parse', () => {
  const p = planFromInput({
    interval: '1s', backoff: 'exponential', factor: '2', maxInterval: '10s', jitter: '0', maxDuration: '1m',
    successThreshold: '3', timeout: '500ms', initialDelay: '2s', failFastOn: 'DNSLookupFailed, TLSHandshakeFailed',
  });
  assert.equal(p.intervalMs, 1000);
  assert.equal(p.backoff, 'exponential');
  assert.equal(p.factor, 2);
  assert.equal(p.maxIntervalMs, 10000);
  assert.equal(p.jitter, 0);
  assert.equal(p.maxDurationMs, 60000);
  assert.equal(p.successThreshold, 3);
  assert.equal(p.timeoutMs, 500);
  assert.equal(p.initialDelayMs, 2000);
  assert.deepEqual(p.failFastOn, ['DNSLookupFailed', 'TLSHandshakeFailed']);
});

test('errors name the flag (or the given field name) and say what is expected', () => {
  const bad: [Parameters<typeof planFromInput>[0], RegExp][] = [
    [{ interval: '15' }, /^--interval: "15" is not a duration \(write it like 15s\)$/],
    [{ interval: '0s' }, /^--interval: "0s" must be greater than zero$/],
    [{ timeout: '-1s' }, /^--timeout: .*greater than zero/],
    [{ maxDuration: '0' }, /^--max-duration:/],
    [{ maxInterval: '0s' }, /^--max-interval:/],
    [{ initialDelay: '-1s' }, /^--initial-delay: "-1s" must not be negative/],
    [{ initialDelay: '30m' }, /^--initial-delay: .*leaves no time/],
    [{ factor: 0.5 }, /^--factor: must be at least 1/],
    [{ factor: 'abc' }, /^--factor: "abc" is not a number/],
    [{ jitter: 1 }, /^--jitter: must be a fraction/],
    [{ jitter: -0.1 }, /^--jitter:/],
    [{ successThreshold: 0 }, /^--success-threshold: must be a whole number of at least 1, got 0/],
    [{ successThreshold: 1.5 }, /^--success-threshold:/],
    [{ backoff: 'fibonacci' }, /^--backoff: "fibonacci" is not one of constant, linear, exponential/],
    [{ failFastOn: 'ConnRefused' }, /^--fail-fast-on: "ConnRefused" is not a failure reason/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => planFromInput(input), (e: unknown) => e instanceof PlanError && re.test(e.message), JSON.stringify(input));
  }
  assert.throws(() => planFromInput({ interval: '15' }, DEFAULT_PLAN, { interval: 'spec.preTestValidation.polling.interval' }),
    { message: 'spec.preTestValidation.polling.interval: "15" is not a duration (write it like 15s)' });
});

test('expected status codes', () => {
  assert.deepEqual(parseExpect('200,204'), [[200, 200], [204, 204]]);
  assert.deepEqual(parseExpect('200-299'), [[200, 299]]);
  assert.deepEqual(parseExpect(' 2xx , 304 '), [[200, 299], [304, 304]]);
  assert.deepEqual(parseExpect([204, 200, 201]), [[200, 201], [204, 204]]);
  assert.deepEqual(parseExpect(['200-204', 203, '300-301']), [[200, 204], [300, 301]]);
  assert.equal(formatExpect(parseExpect('204,200-299,404')), '200-299,404');
  assert.ok(statusExpected(DEFAULT_EXPECT, 302));
  assert.ok(!statusExpected(DEFAULT_EXPECT, 404));
  for (const [s, re] of [['abc', /"abc" is not a status code/], ['99', /is not a status code/], ['600', /outside 100-599/],
    ['299-200', /backwards/], ['', /at least one/], ['200,,204', /empty entry/]] as const) {
    assert.throws(() => parseExpect(s), (e: unknown) => e instanceof ExpectError && re.test(e.message), s);
  }
  assert.throws(() => parseExpect([]), /at least one/);
});
