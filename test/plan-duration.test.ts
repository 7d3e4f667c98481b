import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseDurationNs, formatDuration, formatDurationNs, DurationError, humanDuration } from '../src/plan/duration.js';

test('parses Go durations', () => {
  const cases: [string, number][] = [
    ['0', 0], ['+0', 0], ['15s', 15000], ['2m', 120000], ['1h2m3.5s', 3723500], ['1.5h', 5400000],
    ['250ms', 250], ['1us', 0.001], ['1µs', 0.001], ['1μs', 0.001], ['100ns', 0.0001], ['.5s', 500], ['1.s', 1000],
    ['1s1h', 3601000], ['0s', 0], ['0.000000001s', 0.000001],
  ];
  for (const [s, ms] of cases) assert.equal(parseDuration(s), ms, s);
  assert.equal(parseDurationNs('-1.5s'), -1500000000n);
  assert.equal(parseDurationNs('2562047h47m16.854775807s'), (1n << 63n) - 1n);
});

test('rejects malformed durations with a hint', () => {
  const bad: [string, RegExp][] = [
    ['15', /^"15" is not a duration \(write it like 15s\)$/],
    ['1m30', /^"1m30" is not a duration \(write it like 1m30s\)$/],
    ['1.5', /write it like 1\.5s/],
    ['', /"" is not a duration/],
    ['1d', /unknown unit "d".*write it like 24h/],
    ['s', /not a duration/],
    ['1 s', /unknown unit " s"/],
    ['.s', /not a duration/],
    ['-', /not a duration/],
    ['2562047h47m16.854775808s', /too large/],
    ['1x', /unknown unit "x"/],
  ];
  for (const [s, re] of bad) assert.throws(() => parseDuration(s), (e: unknown) => e instanceof DurationError && re.test(e.message), s);
});

test('sign rules', () => {
  assert.throws(() => parseDuration('-1s'), /must not be negative/);
  assert.equal(parseDuration('-1s', { nonNegative: false }), -1000);
  assert.throws(() => parseDuration('0s', { positive: true }), /must be greater than zero/);
  assert.equal(parseDuration('-0', { positive: false }), 0);
});

test("formats like Go's Duration.String", () => {
  const cases: [number, string][] = [
    [0, '0s'], [1.5, '1.5ms'], [300, '300ms'], [0.001, '1µs'], [0.00001, '10ns'], [1000, '1s'], [90000, '1m30s'],
    [120000, '2m0s'], [3600000, '1h0m0s'], [3723500, '1h2m3.5s'], [15000, '15s'], [1800000, '30m0s'], [-1500, '-1.5s'],
  ];
  for (const [ms, s] of cases) assert.equal(formatDuration(ms), s, String(ms));
  assert.equal(formatDurationNs(1n), '1ns');
  for (const s of ['1h2m3.5s', '15s', '2m0s', '1.5ms', '1µs']) assert.equal(formatDuration(parseDuration(s)), s);
});

test('human durations', () => {
  assert.equal(humanDuration(250), '250ms');
  assert.equal(humanDuration(15000), '15s');
  assert.equal(humanDuration(90000), '1m30s');
  assert.equal(humanDuration(7200000), '2h');
});
