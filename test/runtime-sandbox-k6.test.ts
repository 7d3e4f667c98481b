// The k6 core API, globals, k6/encoding, k6/crypto, k6/execution and k6/metrics,
// run as real scripts in the sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines } from './fixtures/runtime/harness.js';

// `is(name, got, want)`: a check comparing JSON forms, logging both sides on failure.
const IS = `
import { check as __check } from 'k6';
const is = (name, got, want) => __check(got, { [name]: (g) => JSON.stringify(g) === JSON.stringify(want) }) ||
  console.error(name + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
const throwsLike = (name, fn, re) => { try { fn(); is(name + ' (no throw)', 'returned', String(re)); } catch (e) { is(name, re.test(String(e && e.message)) ? 'ok' : String(e && e.message), 'ok'); } };
`;

test('check: keys in order, values or functions, ToBoolean, tallies and return value', async () => {
  const r = await runScript(`${IS}
import { check } from 'k6';
export default function () {
  const order = [];
  const all = check(5, { a: (v) => (order.push('a'), v === 5), b: (v) => (order.push('b'), 'x'), c: 1 });
  is('returns true when all pass', all, true);
  is('order', order, ['a', 'b']);
  is('returns false on a failure', check(0, { 'zero is falsy': (v) => v, 'plain false': false, 'empty string': '' }), false);
  is('no checks', check(1, {}), true);
}`);
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'CheckFailed');
  const t = Object.fromEntries(r.checks.map((c) => [c.name, [c.passes, c.fails]]));
  assert.deepEqual(t['a'], [1, 0]);
  assert.deepEqual(t['c'], [1, 0]);
  assert.deepEqual(t['zero is falsy'], [0, 1]);
  assert.deepEqual(t['plain false'], [0, 1]);
  assert.deepEqual(t['returns false on a failure'], [1, 0]);
  assert.deepEqual(t['order'], [1, 0]);
});

test('check: a throwing check is recorded as failed and rethrown; later checks do not run', async () => {
  const r = await runScript(`
import { check } from 'k6';
export default function () {
  try { check(1, { first: () => true, boom: () => { throw new Error('kaput'); }, never: () => true }); }
  catch (e) { console.log('caught ' + e.message); }
  try { check(1, { 'a::b': true }); } catch (e) { console.log(e.message); }
}`);
  assert.deepEqual(
    r.checks.map((c) => [c.name, c.passes, c.fails]),
    [
      ['first', 1, 0],
      ['boom', 0, 1],
    ],
  );
  assert.deepEqual(lines(r), ['info caught kaput', "info group and check names may not contain '::'"]);
});

test('group: nested path for checks, returns fn value, rejects async and ::', async () => {
  const r = await expectPass(`${IS}
import { check, group } from 'k6';
export default function () {
  const v = group('outer', () => { check(1, { inner0: true }); return group('inner', () => { check(1, { deep: true }); return 42; }); });
  is('group returns', v, 42);
  check(1, { root: true });
  throwsLike('async rejected', () => group('x', async () => {}), /async/);
  throwsLike('name with colons', () => group('a::b', () => {}), /may not contain '::'/);
  try { group('thrower', () => { throw new Error('inside'); }); } catch (e) { is('exception propagates', e.message, 'inside'); }
  check(1, { 'after throw at root': true });
}`);
  const g = Object.fromEntries(r.checks.map((c) => [c.name, c.group]));
  assert.equal(g['inner0'], '::outer');
  assert.equal(g['deep'], '::outer::inner');
  assert.equal(g['root'], '');
  assert.equal(g['after throw at root'], '');
});

test('init context: check and group throw k6 messages', async () => {
  const r = await runScript(`
import { check, group } from 'k6';
try { check(1, { x: true }); } catch (e) { console.log(e.message); }
try { group('g', () => 1); } catch (e) { console.log(e.message); }
export default function () {}`);
  assert.equal(r.outcome, 'passed');
  assert.deepEqual(lines(r), [
    'info Using check() in the init context is not supported',
    'info Using group() in the init context is not supported',
  ]);
});

test('fail(): throws a GoError with the message and fails the attempt', async () => {
  const caught = await runScript(`${IS}
import { fail } from 'k6';
export default function () {
  try { fail('stop here'); } catch (e) { is('name', e.name, 'GoError'); is('message', e.message, 'stop here'); }
}`);
  assert.deepEqual(caught.checks.map((c) => [c.name, c.fails]), [['name', 0], ['message', 0]]);
  // fail() is recorded by the host even when the script catches the exception.
  assert.equal(caught.outcome, 'failed');
  const r = await runScript(`
import { fail } from 'k6';
export default function () { fail('the target is not ready'); }`);
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /the target is not ready/);
});

test('sleep, randomSeed and the default export of k6', async () => {
  await expectPass(`${IS}
import k6, { sleep, randomSeed } from 'k6';
export default function () {
  const t0 = Date.now();
  sleep(0.05);
  is('slept about 50ms', Date.now() - t0 >= 45, true);
  randomSeed(42);
  const a = [Math.random(), Math.random()];
  randomSeed(42);
  const b = [Math.random(), Math.random()];
  is('same seed, same sequence', a, b);
  is('in [0,1)', a.every((x) => x >= 0 && x < 1), true);
  randomSeed(43);
  is('other seed, other sequence', Math.random() !== a[0], true);
  is('default export', Object.keys(k6).sort(), ['check', 'fail', 'group', 'randomSeed', 'sleep']);
}`);
});

test('console: k6 formatting and levels', async () => {
  const r = await runScript(`
const circ = { a: 1 }; circ.me = circ;
console.log('text', 1, true, null, undefined, { key: 'str', n: 1 }, [1, 2], function f() {}, circ);
console.info('info'); console.warn('warn'); console.error('error', new Error('boom')); console.debug('debug');
console.log({ d: new Date(0), nested: { list: [{ x: 'y' }] }, 'odd-key': 1 });
export default function () {}`);
  assert.deepEqual(lines(r), [
    'info text 1 true null undefined { key: "str", n: 1 } [ 1, 2 ] [object Function] { a: 1, me: [Circular] }',
    'info info',
    'warn warn',
    'error error Error: boom',
    'debug debug',
    'info { d: "1970-01-01T00:00:00.000Z", nested: { list: [ { x: "y" } ] }, "odd-key": 1 }',
  ]);
});

test('globals: __ENV, __VU, __ITER, global, timers, open()', async () => {
  await expectPass(
    `${IS}
const initIter = typeof __ITER;
const text = open('data/hello.txt');
__ENV.ADDED = 'yes';
export function setup() { is('__ITER undefined in setup', typeof __ITER, 'undefined'); is('__VU is 0 in setup, as in k6', __VU, 0); }
export default async function () {
  is('__ENV from --env', __ENV.TARGET, 'http://t');
  is('__ENV mutable', __ENV.ADDED, 'yes');
  is('__ENV has only given vars', Object.keys(__ENV).sort(), ['ADDED', 'TARGET']);
  is('__VU', __VU, 1);
  is('__ITER in default', __ITER, 0);
  is('__ITER undefined in init', initIter, 'undefined');
  is('global alias', global === globalThis, true);
  is('open text', text, 'héllo\\n');
  throwsLike('open outside init', () => open('data/hello.txt'), /only available in the init stage/);
  const order = [];
  await new Promise((resolve) => {
    setTimeout(() => order.push('t20'), 20);
    setTimeout(() => order.push('t5'), 5);
    const cancelled = setTimeout(() => order.push('never'), 1);
    clearTimeout(cancelled);
    let n = 0;
    const iv = setInterval(() => { if (++n === 3) { clearInterval(iv); order.push('iv3'); } }, 2);
    setTimeout(resolve, 40);
  });
  is('timers ran in order', order.filter((x) => x !== 'iv3').join(), 't5,t20');
  is('interval ran three times', order.includes('iv3'), true);
}`,
    { env: { TARGET: 'http://t' }, files: { 'data/hello.txt': 'héllo\n' } },
  );
});

test('globals: TextEncoder/TextDecoder, atob/btoa, URL/URLSearchParams', async () => {
  await expectPass(`${IS}
export default function () {
  const bytes = new TextEncoder().encode('héllo €');
  is('encode', Array.from(bytes), [104, 195, 169, 108, 108, 111, 32, 226, 130, 172]);
  is('decode', new TextDecoder().decode(bytes), 'héllo €');
  is('decode lossy', new TextDecoder().decode(new Uint8Array([0x61, 0xff])), 'a\\ufffd');
  throwsLike('fatal decoder', () => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])), /not valid/);
  is('btoa', btoa('hello'), 'aGVsbG8=');
  is('atob', atob('aGVsbG8='), 'hello');
  throwsLike('btoa non-latin1', () => btoa('€'), /Invalid character/);
  const u = new URL('/p/../q?a=1#h', 'https://user:pw@Example.COM:443');
  is('href', u.href, 'https://user:pw@example.com/q?a=1#h');
  is('parts', [u.protocol, u.host, u.port, u.pathname, u.search, u.hash, u.origin, u.username, u.password],
     ['https:', 'example.com', '', '/q', '?a=1', '#h', 'https://example.com', 'user', 'pw']);
  u.searchParams.append('b', 'x y');
  is('searchParams write-through', u.search, '?a=1&b=x+y');
  u.hostname = 'other.test';
  is('setter', u.host, 'other.test');
  throwsLike('invalid URL', () => new URL('nope'), /Invalid URL/);
  let name = '';
  try { new URL('nope'); } catch (e) { name = e.name; }
  is('TypeError', name, 'TypeError');
  is('canParse', [URL.canParse('http://x'), URL.canParse('x')], [true, false]);
  const p = new URLSearchParams({ b: '2', a: '1' });
  p.sort();
  is('URLSearchParams', p.toString(), 'a=1&b=2');
  is('URLSearchParams from string', [...new URLSearchParams('?x=1&x=2&y=%20')], [['x', '1'], ['x', '2'], ['y', ' ']]);
}`);
});

test('k6/encoding: b64encode/b64decode variants, UTF-8 and "s" format', async () => {
  await expectPass(`${IS}
import encoding, { b64encode, b64decode } from 'k6/encoding';
export default function () {
  is('url variant, UTF-8', b64encode('小飼弾..', 'url'), '5bCP6aO85by-Li4=');
  is('std default', b64encode('hello?>'), 'aGVsbG8/Pg==');
  is('rawstd', b64encode('hello?>', 'rawstd'), 'aGVsbG8/Pg');
  is('rawurl', b64encode('hello?>', 'rawurl'), 'aGVsbG8_Pg');
  is('unknown falls back to std', b64encode('hi', 'nope'), 'aGk=');
  is('ArrayBuffer input', b64encode(new Uint8Array([255, 254]).buffer), '//4=');
  is('decode to ArrayBuffer', Array.from(new Uint8Array(b64decode('//4='))), [255, 254]);
  is('decode s', b64decode('5bCP6aO85by-Li4=', 'url', 's'), '小飼弾..');
  is('decode rawurl', b64decode('aGVsbG8_Pg', 'rawurl', 's'), 'hello?>');
  throwsLike('std needs padding', () => b64decode('aGk', 'std'), /illegal base64 data at input byte 0/);
  throwsLike('bad character', () => b64decode('a$k=', 'std'), /illegal base64 data at input byte 1/);
  is('default export', Object.keys(encoding).sort(), ['b64decode', 'b64encode']);
}`);
});

test('k6/crypto: hashes, HMAC, hashers, encodings, errors', async () => {
  const h = (alg: string, enc: 'hex' | 'base64' | 'base64url', s: string) => createHash(alg).update(s).digest(enc);
  const expected = {
    md5: h('md5', 'hex', 'hello'),
    sha1: h('sha1', 'hex', 'hello'),
    sha256: h('sha256', 'hex', 'hello'),
    sha384b64: h('sha384', 'base64', 'hello'),
    sha512: h('sha512', 'hex', 'hello'),
    sha512_224: h('sha512-224', 'hex', 'hello'),
    sha512_256: h('sha512-256', 'hex', 'hello'),
    ripemd160: h('ripemd160', 'hex', 'hello'),
    rawurl: h('sha256', 'base64url', 'hello'),
    hmac: createHmac('sha256', 'secret').update('hello').digest('hex'),
    hmacBin: createHmac('sha1', Buffer.from([1, 2, 3])).update(Buffer.from([4, 5])).digest('base64'),
    multi: h('sha256', 'hex', 'hello world'),
  };
  await expectPass(
    `${IS}
import crypto from 'k6/crypto';
import { md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256, ripemd160, hmac, createHash, createHMAC, randomBytes, hexEncode } from 'k6/crypto';
const X = JSON.parse(__ENV.EXPECTED);
export default function () {
  is('md5', md5('hello', 'hex'), X.md5);
  is('sha1', sha1('hello', 'hex'), X.sha1);
  is('sha256', sha256('hello', 'hex'), X.sha256);
  is('sha384 base64', sha384('hello', 'base64'), X.sha384b64);
  is('sha512', sha512('hello', 'hex'), X.sha512);
  is('sha512_224', sha512_224('hello', 'hex'), X.sha512_224);
  is('sha512_256', sha512_256('hello', 'hex'), X.sha512_256);
  is('ripemd160', ripemd160('hello', 'hex'), X.ripemd160);
  is('base64rawurl', sha256('hello', 'base64rawurl'), X.rawurl);
  is('base64url is padded', sha256('hello', 'base64url'), X.rawurl + '=');
  is('ArrayBuffer input', sha256(new TextEncoder().encode('hello').buffer, 'hex'), X.sha256);
  is('hmac', hmac('sha256', 'secret', 'hello', 'hex'), X.hmac);
  is('hmac with bytes', hmac('sha1', new Uint8Array([1, 2, 3]).buffer, new Uint8Array([4, 5]).buffer, 'base64'), X.hmacBin);
  const hs = createHash('sha256'); hs.update('hello'); hs.update(' world');
  is('hasher', hs.digest('hex'), X.multi);
  is('digest repeatable', hs.digest('hex'), X.multi);
  const hm = createHMAC('sha256', 'secret'); hm.update('hel'); hm.update('lo');
  is('hmac hasher', hm.digest('hex'), X.hmac);
  throwsLike('missing encoding', () => md5('x'), /invalid output encoding/);
  throwsLike('unknown encoding', () => md5('x', 'latin1'), /invalid output encoding: latin1/);
  throwsLike('createHMAC unknown alg', () => createHMAC('sha3', 'k'), /invalid algorithm: sha3/);
  throwsLike('createHash unknown alg', () => createHash('nope'), /invalid algorithm/);
  throwsLike('randomBytes(0)', () => randomBytes(0), /invalid size/);
  is('hexEncode', hexEncode('hi'), '6869');
  is('default export has md4', typeof crypto.md4, 'function');
}`,
    { env: { EXPECTED: JSON.stringify(expected) } },
  );
});

test('k6/execution: vu, scenario, instance, test.options, attempt; init restrictions', async () => {
  const r = await expectPass(`${IS}
import exec, { vu, scenario, test as t, attempt } from 'k6/execution';
export const options = { vus: 5, throw: false, tags: { x: 'y' } };
let initErr = '';
try { exec.vu; } catch (e) { initErr = e.message; }
export function setup() {
  throwsLike('scenario fields outside VU context', () => exec.scenario.name, /outside of the VU context/);
}
export default function () {
  is('init access throws', initErr, 'getting VU information in the init context is not supported');
  is('vu ids', [exec.vu.idInInstance, exec.vu.idInTest, vu.idInTest], [1, 1, 1]);
  is('iterations', [exec.vu.iterationInInstance, exec.vu.iterationInScenario], [0, 0]);
  is('scenario', [scenario.name, scenario.executor, scenario.iterationInTest, typeof scenario.startTime], ['default', 'per-vu-iterations', 0, 'number']);
  is('instance', [exec.instance.vusActive, exec.instance.vusInitialized, typeof exec.instance.currentTestRunDuration], [1, 1, 'number']);
  is('attempt', [attempt, exec.attempt], [1, 1]);
  is('test.options drops load options', 'vus' in exec.test.options, false);
  is('test.options frozen', Object.isFrozen(t.options), true);
}`);
  assert.equal(r.outcome, 'passed');
});

test('k6/execution: test.fail() continues but fails the attempt; test.abort() stops it', async () => {
  const f = await runScript(`
import exec from 'k6/execution';
export default function () { exec.test.fail('soft'); console.log('still running'); }`);
  assert.equal(f.outcome, 'failed');
  assert.match(f.message, /soft/);
  assert.deepEqual(lines(f), ['info still running']);
  const a = await runScript(`
import exec from 'k6/execution';
export default function () { exec.test.abort('hard stop'); console.log('not reached'); }`);
  assert.equal(a.outcome, 'failed');
  assert.match(a.message, /hard stop/);
  assert.deepEqual(lines(a), []);
});

test('k6/metrics: metrics are accepted in init; names validated; add() ignored', async () => {
  await expectPass(`${IS}
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import metrics from 'k6/metrics';
const c = new Counter('my_counter');
const g = new Gauge('my_gauge');
const r = new Rate('my_rate');
const t = new Trend('my_trend', true);
let badName = '';
try { new Counter('bad-name!'); } catch (e) { badName = e.message; }
export default function () {
  is('add accepted', [c.add(1), g.add(2, { tag: 'x' }), r.add(true), t.add(12.5)], [true, true, true, true]);
  is('name', [c.name, t.isTime], ['my_counter', true]);
  is('invalid name rejected', /invalid metric name/.test(badName), true);
  throwsLike('declared outside init', () => new Counter('late'), /init context/);
  is('default export', Object.keys(metrics).sort(), ['Counter', 'Gauge', 'Rate', 'Trend']);
}`);
});

// Binary results cross the bridge as buffers.
test('binary results: open(path, "b"), crypto "binary" output, randomBytes, getRandomValues', async () => {
  const sha = createHash('sha256').update('hello').digest('hex');
  await expectPass(
    `${IS}
import { sha256, hmac, randomBytes, hexEncode, createHash } from 'k6/crypto';
const bin = open('./data/blob.bin', 'b');
export default function () {
  is('open binary', bin instanceof ArrayBuffer && Array.from(new Uint8Array(bin)), [0, 1, 255]);
  const d = sha256('hello', 'binary');
  is('binary digest', d instanceof ArrayBuffer && hexEncode(d), '${sha}');
  const h = createHash('sha256'); h.update('hello');
  is('hasher binary then hex', [hexEncode(h.digest('binary')), h.digest('hex')], ['${sha}', '${sha}']);
  is('hmac binary length', hmac('sha256', 'k', 'x', 'binary').byteLength, 32);
  is('randomBytes', randomBytes(12).byteLength, 12);
  const r = crypto.getRandomValues(new Uint8Array(16));
  is('getRandomValues fills', r.some((x) => x !== 0), true);
  is('randomUUID', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()), true);
}`,
    { files: { 'data/blob.bin': new Uint8Array([0, 1, 255]) } },
  );
});
