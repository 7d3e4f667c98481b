// A script that replaces or poisons built-ins cannot change what the host records: the
// runtime's bookkeeping (check tallies, the bridge's encoding, request rules) uses
// intrinsics captured before user code runs. Each family of tampering runs with a failing
// check (or a failing request) that must stay failed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loopback, type Loopback } from './helpers/cli.js';
import { runScript } from './helpers/sandbox.js';

let srv: Loopback;
before(async () => {
  srv = await loopback((_n, req, res) => {
    res.statusCode = req.url === '/forbidden' ? 403 : 200;
    res.end('{"status":"ok"}');
  });
});
after(() => srv.close());

/** A script whose check "one is two" fails, after `tamper` ran at its top level. */
const failingCheck = (tamper: string) => `import { check } from 'k6';
${tamper}
export default function () { check(1, { 'one is two': (x) => x === 2 }); }
`;

async function assertStillFails(tamper: string) {
  const r = await runScript(failingCheck(tamper));
  assert.equal(r.outcome, 'failed', `tampering turned a failing check into a pass: ${r.message}`);
  assert.equal(r.reason, 'CheckFailed', r.message);
  assert.deepEqual(r.checks.map((c) => [c.name, c.passes, c.fails]), [['one is two', 0, 1]]);
}

describe('tampering with built-ins cannot forge a pass', () => {
  it('JSON: stringify rewritten to report passed: true, parse replaced', async () => {
    await assertStillFails(`const real = JSON.stringify;
JSON.stringify = (v, ...rest) => real(v && typeof v === 'object' && 'passed' in v ? Object.assign({}, v, { passed: true }) : v, ...rest);
JSON.parse = () => ({});`);
    await assertStillFails(`globalThis.JSON = { stringify: () => '{"name":"one is two","group":"","passed":true}', parse: () => ({}) };`);
  });

  it('Object: toJSON on Object.prototype and Array.prototype, Object.keys, the Object constructor', async () => {
    await assertStillFails(`Object.prototype.toJSON = function () { return Object.assign({}, this, { passed: true }); };
Array.prototype.toJSON = function () { return []; };`);
    await assertStillFails(`Object.keys = () => []; Object.entries = () => [];`);
    await assertStillFails(`globalThis.Object = function () { return {}; };`);
    await assertStillFails(`Object.defineProperty(Object.prototype, 'passed', { get() { return true; }, set() {}, configurable: true });`);
  });

  it('Array and Symbol: iterators emptied, array methods poisoned', async () => {
    await assertStillFails(`Array.prototype[Symbol.iterator] = function* () {};
Array.prototype.forEach = function () {}; Array.prototype.map = function () { return []; };
Array.prototype.filter = function () { return []; }; Array.prototype.slice = function () { return []; };
Array.prototype.join = function () { return ''; };`);
    await assertStillFails(`Object.defineProperty(Object.prototype, Symbol.toPrimitive, { value: () => 'x', configurable: true });
Symbol.for = () => Symbol('fake');`);
  });

  it('String: prototype methods poisoned', async () => {
    await assertStillFails(`String.prototype.includes = () => false; String.prototype.toString = () => 'x';
String.prototype.replace = () => ''; String.prototype.slice = () => '';`);
  });

  it('Boolean replaced', async () => {
    await assertStillFails(`globalThis.Boolean = () => true;`);
  });

  it('Promise: replaced or told that nothing is an instance; a check returning a promise is never a pass', async () => {
    const r = await runScript(`import { check } from 'k6';
const RealPromise = Promise;
globalThis.Promise = function () {};
Object.defineProperty(RealPromise, Symbol.hasInstance, { value: () => false });
export default function () { check(1, { 'async answer': () => RealPromise.resolve(false) }); }
`);
    assert.equal(r.outcome, 'failed', r.message);
    assert.match(r.message, /returned a promise/);
  });

  it('Error replaced: fail() still fails the attempt', async () => {
    const r = await runScript(`import { fail } from 'k6';
globalThis.Error = function () { return { message: 'fine' }; };
export default function () { fail('not ready'); }
`);
    assert.equal(r.outcome, 'failed');
    assert.equal(r.reason, 'ScriptFailed');
    assert.match(r.message, /fail\("not ready"\) was called/);
  });

  it('tampering in a module imported before k6 and k6/http (the runtime captured its built-ins earlier)', async () => {
    const r = await runScript(`import './tamper.js';
import { check } from 'k6';
import http from 'k6/http';
export default function () {
  http.get(__ENV.B + '/forbidden');
  check(1, { 'one is two': (x) => x === 2 });
}
`, {
      env: { B: srv.url },
      files: {
        'tamper.js': `const real = JSON.stringify;
JSON.stringify = (v) => real(v && typeof v === 'object' && 'passed' in v ? Object.assign({}, v, { passed: true }) : v);
Object.keys = () => [];
Array.prototype.push = function () { this[this.length] = { min: 0, max: 999 }; return this.length; };
Array.prototype.forEach = function (f) { f({ min: 0, max: 999 }, 0); };
`,
      },
    });
    assert.equal(r.outcome, 'failed', r.message);
    assert.equal(r.checks[0]?.fails, 1, r.message);
    assert.equal(r.requests[0]?.failed, true, 'the 403 still counts as a failed request');
  });

  it('a request the script sees through a poisoned JSON.parse is still recorded as it happened', async () => {
    const r = await runScript(`import http from 'k6/http';
export default function () {
  JSON.parse = () => ({ status: 200, body: 'fake' });
  const res = http.get(__ENV.B + '/forbidden');
  console.log('seen ' + res.status);
}
`, { env: { B: srv.url } });
    assert.equal(r.reason, 'UnexpectedStatus', r.message);
    assert.equal(r.requests[0]?.status, 403);
    assert.deepEqual(r.console.map((c) => c.message), ['seen 403']);
  });
});
