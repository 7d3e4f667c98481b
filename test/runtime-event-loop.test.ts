// The event loop after a phase's function returns: timers and pending promises run to
// completion before the phase ends, as in k6, bounded by the attempt deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines, startServer, type TestServer } from './fixtures/runtime/harness.js';

let srv: TestServer;
before(async () => (srv = await startServer()));
after(() => srv.close());

test('a timer set in default() fires after default() returns, and its check counts', async () => {
  const r = await runScript(`
import { check } from 'k6';
import { setTimeout } from 'k6/timers';
export default function () {
  setTimeout(() => { console.log('timer fired'); check(1, { 'from the timer': (v) => v === 2 }); }, 30);
  console.log('default returned');
}`);
  assert.deepEqual(lines(r), ['info default returned', 'info timer fired']);
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'CheckFailed');
  assert.deepEqual(r.checks.map((c) => [c.name, c.passes, c.fails]), [['from the timer', 0, 1]]);
});

test('global timers, intervals cleared from a callback and chained timers all run before teardown', async () => {
  const r = await expectPass(`
let n = 0;
export default function () {
  const id = setInterval(() => { n++; console.log('tick ' + n); if (n === 3) clearInterval(id); }, 5);
  setTimeout(() => setTimeout(() => console.log('nested'), 5), 40);
}
export function teardown() { console.log('teardown after ' + n + ' ticks'); }`);
  assert.deepEqual(lines(r), ['info tick 1', 'info tick 2', 'info tick 3', 'info nested', 'info teardown after 3 ticks']);
});

test('a promise left pending by default() (an async request) completes before the phase ends', async () => {
  const r = await expectPass(
    `
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  http.asyncRequest('GET', __ENV.B + '/json').then((res) => {
    check(res, { 'async status 200': (x) => x.status === 200 });
    console.log('resolved ' + res.json('items.1.name'));
  });
}`,
    { env: { B: srv.base } },
  );
  assert.deepEqual(lines(r), ['info resolved two']);
  assert.deepEqual(r.checks.map((c) => [c.name, c.passes]), [['async status 200', 1]]);
});

test('a timer callback that throws fails the attempt with the thrown message', async () => {
  const r = await runScript(`
export default function () {
  setTimeout(() => { throw new Error('late failure'); }, 10);
}`);
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /late failure/);
});

test('an interval never cleared ends at the attempt deadline, as a timeout', async () => {
  const r = await runScript(`export default function () { setInterval(() => {}, 20); }`, { timeoutMs: 500 });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'ScriptTimeout');
});

test('timers set in an async default() after an await still run', async () => {
  const r = await expectPass(`
import { sleep } from 'k6';
export default async function () {
  await new Promise((res) => setTimeout(res, 10));
  setTimeout(() => console.log('after await'), 10);
}`);
  assert.deepEqual(lines(r), ['info after await']);
});

test("a failed default() drops its timers: they do not fire in teardown", async () => {
  const r = await runScript(`
export default function () {
  setTimeout(() => console.log('should not run'), 50);
  throw new Error('default failed');
}
export function teardown() { console.log('teardown'); }`);
  assert.equal(r.reason, 'ScriptFailed');
  assert.deepEqual(lines(r), ['info teardown']);
});
