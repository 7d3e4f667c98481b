// k6/data SharedArray, as k6 has it: built in init from a function returning an array,
// read-only, each element a frozen copy; misuse gets k6's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines } from './fixtures/runtime/harness.js';

test('SharedArray: built once from open() data, indexed, iterated, frozen, immutable', async () => {
  const r = await expectPass(
    `
import { SharedArray } from 'k6/data';
import { check } from 'k6';
let builds = 0;
const users = new SharedArray('users', function () { builds++; return JSON.parse(open('./users.json')).users; });
const again = new SharedArray('users', function () { builds++; return []; });
export default function () {
  const u = users[1];
  let setThrew = '';
  try { users[0] = 1; } catch (e) { setThrew = e.name + ': ' + e.message; }
  let pushThrew = false;
  try { users.push({}); } catch (e) { pushThrew = e instanceof TypeError; }
  try { u.name = 'changed'; } catch (e) { /* frozen */ }
  check(users, {
    'length': (a) => a.length === 3,
    'element': (a) => a[0].name === 'ann' && a[2].tags[1] === 'y',
    'out of range is undefined': (a) => a[3] === undefined,
    'elements are frozen copies': () => Object.isFrozen(u) && Object.isFrozen(users[2].tags) && users[1].name === 'bob',
    'for..of and map work': (a) => { const n = []; for (const x of a) n.push(x.name); return n.join() === 'ann,bob,cy' && a.map((x) => x.name).length === 3; },
    'Array.isArray': (a) => Array.isArray(a),
    'set throws TypeError': () => setThrew === 'TypeError: SharedArray is immutable',
    'push throws TypeError': () => pushThrew,
    'same name, same data, built once': () => again.length === 3 && builds === 1,
  });
}`,
    { files: { 'users.json': JSON.stringify({ users: [{ name: 'ann' }, { name: 'bob' }, { name: 'cy', tags: ['x', 'y'] }] }) } },
  );
  assert.equal(r.checks.length, 9);
});

test('SharedArray: k6 errors for misuse', async () => {
  const r = await runScript(`
import { SharedArray } from 'k6/data';
const tryIt = (label, f) => { try { f(); console.log(label + ': no error'); } catch (e) { console.log(label + ': ' + e.message); } };
tryIt('empty name', () => new SharedArray('', () => []));
tryIt('no function', () => new SharedArray('a'));
tryIt('not an array', () => new SharedArray('b', () => ({})));
tryIt('async', () => new SharedArray('c', async () => []));
export default function () { tryIt('outside init', () => new SharedArray('d', () => [])); }`);
  assert.deepEqual(lines(r), [
    "info empty name: empty name provided to SharedArray's constructor",
    "info no function: a function is expected as the second argument of SharedArray's constructor",
    'info not an array: only arrays can be made into SharedArray',
    'info async: SharedArray constructor does not support async functions as second argument',
    'info outside init: new SharedArray must be called in the init context',
  ]);
});
