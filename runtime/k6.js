// k6: check, fail, sleep, group, randomSeed.
import { call } from 'k6p:internal/host';
import { phase } from 'k6p:support/guest';
// The tally of a check must not depend on built-ins the script can replace.
import { ObjectCtor, objectKeys, includes, isAsyncFunction, isPromise, ErrorCtor, TypeErrorCtor } from 'k6p:internal/intrinsics';

const NAME_ERROR = "group and check names may not contain '::'";
let groupPath = ''; // "" at the root, "::a::b" inside group a → b

/**
 * Run each check of `sets` (own enumerable keys, in order) against `val`.
 * @returns {boolean} true only when every check passed
 */
export function check(val, sets, tags) {
  void tags; // metric tags: accepted, nothing to tag here
  if (sets === null || sets === undefined) throw new TypeErrorCtor('Cannot convert undefined or null to object');
  const obj = ObjectCtor(sets);
  let all = true;
  const names = objectKeys(obj);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (includes(name, '::')) throw new ErrorCtor(NAME_ERROR);
    const c = obj[name];
    let passed;
    if (typeof c === 'function') {
      if (isAsyncFunction(c)) {
        throw new ErrorCtor(`check "${name}" is an async function: check() does not wait for promises; await the value first and check the result`);
      }
      let r;
      try {
        r = c(val);
      } catch (e) {
        call('check', { name, group: groupPath, passed: false });
        throw e;
      }
      if (isPromise(r)) {
        throw new ErrorCtor(`check "${name}" returned a promise: check() does not wait for promises; await the value first and check the result`);
      }
      passed = !!r;
    } else {
      passed = !!c;
    }
    call('check', { name, group: groupPath, passed });
    if (!passed) all = false;
  }
  return all;
}

/** Record a failure and throw, ending the current function (k6 throws a GoError). */
export function fail(msg) {
  const message = msg === undefined ? '' : String(msg);
  call('fail', { message });
  const e = new ErrorCtor(message);
  e.name = 'GoError';
  throw e;
}

/** Block for `seconds` (float). */
export function sleep(seconds) {
  const s = Number(seconds);
  call('sleep', { seconds: Number.isFinite(s) && s > 0 ? s : 0 });
}

/** Run `fn` inside the named group; returns what `fn` returns. */
export function group(name, fn) {
  const n = String(name);
  if (phase() === 'init') throw new Error('Using group() in the init context is not supported');
  if (includes(n, '::')) throw new ErrorCtor(NAME_ERROR);
  if (typeof fn !== 'function') throw new TypeError('group() requires a function as its second argument');
  if (isAsyncFunction(fn)) {
    throw new Error('group() does not support async functions as arguments; run the async code outside the group or await its parts inside a plain function');
  }
  const parent = groupPath;
  groupPath = `${parent}::${n}`;
  try {
    return fn();
  } finally {
    groupPath = parent;
  }
}

/** Replace Math.random with a PRNG seeded by `seed` (same seed, same sequence). */
export function randomSeed(seed) {
  const n = Math.trunc(Number(seed)) || 0;
  // splitmix32 over a 32-bit state derived from the (possibly 53-bit) seed.
  let state = (n ^ Math.floor(n / 4294967296)) >>> 0;
  Math.random = function random() {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    // 53-bit float from two draws would be better; 32 bits is plenty for scripts.
    return z / 4294967296;
  };
}

export default { check, fail, sleep, group, randomSeed };
