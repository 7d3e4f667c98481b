// Node-side tests of the guest runtime's pure helpers (runtime/lib/*.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Encode, utf8Decode, TextEncoder as TE, TextDecoder as TD } from '../runtime/lib/utf8.js';
import { base64Encode, base64Decode, variantOf, atob as atobJs, btoa as btoaJs, hexEncode } from '../runtime/lib/base64.js';
import { formatArgs } from '../runtime/lib/format.js';
import { canonicalHeaderKey, normalizeHeaders } from '../runtime/lib/headers.js';
import { parseGoDuration, parseExtendedDuration, durationValueMs } from '../runtime/lib/duration.js';
import { encodeForm, encodeMultipart, queryEscape, URLSearchParams as USP, bindSearchParams } from '../runtime/lib/form.js';
import { makeURLClass } from '../runtime/lib/url.js';
import { resetSearchParams } from '../runtime/lib/form.js';
import { select, selectText, goJsonError, jsonParseErrorMessage } from '../runtime/lib/gjson.js';
import { parseUrlParts } from '../src/sandbox/ops/url.js';

const samples = ['', 'abc', 'héllo', '小飼弾..', '😀 emoji', 'a\u0000b', '\ud800 lone', 'x\udc00', '\u07ff\u0800\uffff'];

test('utf8: encode and decode agree with Node', () => {
  for (const s of samples) {
    assert.deepEqual(Buffer.from(utf8Encode(s)), Buffer.from(s, 'utf8'), s);
    assert.equal(utf8Decode(Buffer.from(s, 'utf8')), Buffer.from(s, 'utf8').toString('utf8'));
  }
  const bad = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0x61, 0xf8, 0x62], [0xf4, 0x90, 0x80, 0x80]];
  for (const b of bad) assert.equal(utf8Decode(new Uint8Array(b)), new globalThis.TextDecoder().decode(new Uint8Array(b)), JSON.stringify(b));
});

test('TextEncoder/TextDecoder: WHATWG behaviour', () => {
  const enc = new TE();
  assert.equal(enc.encoding, 'utf-8');
  assert.deepEqual(Buffer.from(enc.encode('é')), Buffer.from([0xc3, 0xa9]));
  assert.deepEqual(enc.encode(), new Uint8Array(0));
  const dest = new Uint8Array(3);
  assert.deepEqual(enc.encodeInto('aé€', dest), { read: 2, written: 3 });
  const dec = new TD();
  assert.equal(dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), 'a'); // BOM stripped
  assert.equal(new TD('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), '\ufeffa');
  assert.equal(dec.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + dec.decode(new Uint8Array([0xac])), '€');
  assert.throws(() => new TD('utf-8', { fatal: true }).decode(new Uint8Array([0xff])), TypeError);
  assert.throws(() => new TD('latin1'), RangeError);
  assert.equal(new TD('UTF8').encoding, 'utf-8');
  assert.equal(dec.decode(new Uint16Array([0x6261]).buffer), 'ab');
  assert.equal(dec.decode(), '');
});

test('base64: Go variants', () => {
  const s = utf8Encode('小飼弾..');
  assert.equal(base64Encode(s, true, true), '5bCP6aO85by-Li4=');
  for (const n of [0, 1, 2, 3, 4, 5, 31]) {
    const b = new Uint8Array(n).map((_, i) => (i * 97 + 13) & 255);
    assert.equal(base64Encode(b), Buffer.from(b).toString('base64'));
    assert.equal(base64Encode(b, true, false), Buffer.from(b).toString('base64url'));
    assert.deepEqual(Buffer.from(base64Decode(Buffer.from(b).toString('base64'))), Buffer.from(b));
    assert.deepEqual(Buffer.from(base64Decode(Buffer.from(b).toString('base64url'), true, false)), Buffer.from(b));
  }
  assert.deepEqual(variantOf('rawurl'), { url: true, pad: false });
  assert.deepEqual(variantOf('bogus'), { url: false, pad: true });
  assert.deepEqual(Buffer.from(base64Decode('aGk=\n')), Buffer.from('hi'));
  assert.throws(() => base64Decode('aGk'), /illegal base64 data at input byte 0/);
  assert.throws(() => base64Decode('aGk=', false, false), /illegal base64 data at input byte 3/);
  assert.throws(() => base64Decode('a$k='), /illegal base64 data at input byte 1/);
  assert.throws(() => base64Decode('a==='), /illegal base64 data at input byte 1/);
  assert.throws(() => base64Decode('aG=x'), /illegal base64 data at input byte 2/);
  assert.throws(() => base64Decode('aGk=aGk='), /illegal base64 data at input byte 4/);
  assert.throws(() => base64Decode('a', false, false), /illegal base64 data at input byte 0/);
  assert.equal(hexEncode(new Uint8Array([0, 15, 255])), '000fff');
});

test('atob/btoa: match Node', () => {
  for (const s of ['', 'a', 'ab', 'abc', '\u00ff\u0000x']) assert.equal(btoaJs(s), btoa(s));
  for (const s of ['YWI=', 'YWI', ' Y W I = ', 'YQ==', 'YQ']) assert.equal(atobJs(s), atob(s), s);
  for (const s of ['Y', 'YW=I', 'Y$==', 'YQ===']) {
    assert.throws(() => atob(s));
    assert.throws(() => atobJs(s), { name: 'InvalidCharacterError' }, s);
  }
  assert.throws(() => btoaJs('€'), { name: 'InvalidCharacterError' });
});

test('console formatting: k6 style', () => {
  assert.equal(formatArgs(['a', 1, true, null, undefined]), 'a 1 true null undefined');
  assert.equal(formatArgs([{ key: 'str', n: 1 }]), '{ key: "str", n: 1 }');
  assert.equal(formatArgs([[1, 2]]), '[ 1, 2 ]');
  assert.equal(formatArgs([[], {}]), '[] {}');
  assert.equal(formatArgs([() => 1, { f() {} }]), '[object Function] { f: [object Function] }');
  const circ: any = { a: 1 };
  circ.self = circ;
  assert.equal(formatArgs([circ]), '{ a: 1, self: [Circular] }');
  assert.equal(formatArgs([new Error('boom')]), 'Error: boom');
  assert.equal(formatArgs([{ d: new Date(0) }]), '{ d: "1970-01-01T00:00:00.000Z" }');
  assert.equal(formatArgs([{ 'a-b': [1, { c: 'x"y' }] }]), '{ "a-b": [ 1, { c: "x\\"y" } ] }');
  const shared = { x: 1 };
  assert.equal(formatArgs([[shared, shared]]), '[ { x: 1 }, { x: 1 } ]'); // repeats that are not cycles
});

test('headers: Go canonical keys', () => {
  assert.equal(canonicalHeaderKey('content-type'), 'Content-Type');
  assert.equal(canonicalHeaderKey('x-REQUEST-id'), 'X-Request-Id');
  assert.equal(canonicalHeaderKey('WWW-AUTHENTICATE'), 'Www-Authenticate');
  assert.equal(canonicalHeaderKey('bad header'), 'bad header');
  assert.equal(canonicalHeaderKey('ümlaut'), 'ümlaut');
  assert.deepEqual(normalizeHeaders({ 'x-a': 1, 'X-A': 'two', n: null, b: true }), { 'X-A': 'two', B: 'true' });
});

test('durations: Go syntax, days, numeric milliseconds', () => {
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1m30s'), 90000);
  assert.equal(parseGoDuration('1.5h'), 5400000);
  assert.equal(parseGoDuration('.5s'), 500);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('10us'), 0.01);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10'), /time: missing unit in duration "10"/);
  assert.throws(() => parseGoDuration('10x'), /time: unknown unit "x" in duration "10x"/);
  assert.throws(() => parseGoDuration(''), /time: invalid duration ""/);
  assert.throws(() => parseGoDuration('.s'), /invalid duration/);
  assert.equal(parseExtendedDuration('1d2h'), 26 * 3600000);
  assert.equal(parseExtendedDuration('2d'), 2 * 86400000);
  assert.equal(durationValueMs(1500), 1500);
  assert.equal(durationValueMs('1500'), 1500);
  assert.equal(durationValueMs('2.5'), 2.5);
  assert.equal(durationValueMs('10s'), 10000);
  assert.throws(() => durationValueMs('abc'), /invalid duration/);
  assert.throws(() => durationValueMs({}), /unable to parse duration/);
});

test('form bodies: sorted keys, arrays repeated, null empty, Go escaping', () => {
  assert.equal(encodeForm({ b: 'x y', a: [1, 2], c: null, d: undefined, e: true, 'k&': 'é/~' }).body, 'a=1&a=2&b=x+y&c=&d=&e=true&k%26=%C3%A9%2F~');
  const nested = encodeForm({ o: { x: 1 }, p: [{ y: 1 }, 'z'] });
  assert.equal(nested.body, 'o=&p=&p=z');
  assert.equal(nested.warnings.length, 2);
  assert.equal(queryEscape("a b*'()!"), "a+b%2A%27%28%29%21");
});

test('multipart bodies: Go framing, files and fields', () => {
  const isFile = (v: any) => v && v.__file === true;
  const bytesOf = (d: any) => (typeof d === 'string' ? new TextEncoder().encode(d) : new Uint8Array(d));
  const { body, contentType } = encodeMultipart(
    { z: 'last', file: { __file: true, data: 'hello', filename: 'a"b.txt', content_type: 'text/plain' }, arr: [1, 2] },
    isFile,
    bytesOf,
    'BOUNDARY',
  );
  assert.equal(contentType, 'multipart/form-data; boundary=BOUNDARY');
  assert.equal(
    Buffer.from(body).toString(),
    '--BOUNDARY\r\nContent-Disposition: form-data; name="arr"\r\n\r\n1\r\n' +
      '--BOUNDARY\r\nContent-Disposition: form-data; name="arr"\r\n\r\n2\r\n' +
      '--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="a\\"b.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n' +
      '--BOUNDARY\r\nContent-Disposition: form-data; name="z"\r\n\r\nlast\r\n--BOUNDARY--\r\n',
  );
});

test('URLSearchParams: agrees with Node', () => {
  const inputs = ['a=1&b=2&a=3', '?x=%20y+z&&=e&f', 'q=%zz%41&€=ü', 'a=b=c', ''];
  for (const s of inputs) {
    const ours = new USP(s);
    const node = new URLSearchParams(s);
    assert.deepEqual([...ours], [...node], s);
    assert.equal(ours.toString(), node.toString(), s);
    assert.equal(ours.size, node.size);
  }
  const p = new USP({ b: '2', a: '1 +', c: '\ud800' });
  const n = new URLSearchParams({ b: '2', a: '1 +', c: '\ud800' });
  assert.equal(p.toString(), n.toString());
  p.append('a', 'x');
  p.sort();
  n.append('a', 'x');
  n.sort();
  assert.equal(p.toString(), n.toString());
  p.set('a', 'only');
  assert.deepEqual(p.getAll('a'), ['only']);
  assert.equal(p.has('b', '2'), true);
  assert.equal(p.has('b', '3'), false);
  p.delete('b', '3');
  assert.equal(p.get('b'), '2');
  p.delete('b');
  assert.equal(p.get('b'), null);
  assert.deepEqual([...new USP([['x', 1], ['y', 2]]).keys()], ['x', 'y']);
  assert.throws(() => new USP([['x']]), TypeError);
  const seen: string[] = [];
  new USP('a=1&b=2').forEach((v: string, k: string) => seen.push(`${k}:${v}`));
  assert.deepEqual(seen, ['a:1', 'b:2']);
});

test('URL: parts, setters and live searchParams (Node parser injected)', () => {
  const URLC = makeURLClass({
    parse: (u: string, base?: string, set?: [string, string]) => parseUrlParts(u, base, set),
    URLSearchParams: USP,
    bindSearchParams,
    resetSearchParams,
  });
  const cases: [string, string?][] = [
    ['http://u:p@Example.com:8080/a/../b?x=1#h'],
    ['../c?d', 'http://h/a/b/'],
    ['HTTPS://h:443/'],
    ['file:///tmp/x'],
  ];
  for (const [u, b] of cases) {
    const ours = new URLC(u, b);
    const node = new URL(u, b);
    for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'] as const) {
      assert.equal(ours[k], node[k], `${u} ${k}`);
    }
    assert.equal(String(ours), node.href);
    assert.equal(JSON.stringify({ u: ours }), JSON.stringify({ u: node }));
  }
  assert.throws(() => new URLC('not a url'), { name: 'TypeError', message: /Invalid URL/ });
  assert.equal(URLC.canParse('x:'), true);
  assert.equal(URLC.canParse('nope'), false);
  const u = new URLC('http://h/p?a=1');
  u.searchParams.append('b', 'x y');
  assert.equal(u.href, 'http://h/p?a=1&b=x+y');
  u.search = '?c=3';
  assert.deepEqual([...u.searchParams], [['c', '3']]);
  u.searchParams.delete('c');
  assert.equal(u.href, 'http://h/p');
  u.pathname = '/new path';
  assert.equal(u.pathname, '/new%20path');
  u.port = 'bad';
  assert.equal(u.port, '');
  u.hash = 'frag';
  assert.equal(u.href, 'http://h/new%20path#frag');
  assert.throws(() => {
    u.href = 'nope';
  }, { name: 'TypeError' });
});

test('gjson: paths, counts, maps, queries, escapes', () => {
  const doc = {
    a: { b: 1, 'c.d': 2 },
    items: [{ id: 1, tags: ['x'] }, { id: 2 }, { name: 'n' }],
    friends: [
      { first: 'Dale', age: 44 },
      { first: 'Roger', age: 68 },
    ],
    '0': 'zero',
  };
  assert.equal(select(doc, 'a.b'), 1);
  assert.equal(select(doc, 'a.c\\.d'), 2);
  assert.equal(select(doc, 'items.0.id'), 1);
  assert.equal(select(doc, 'items.#'), 3);
  assert.deepEqual(select(doc, 'items.#.id'), [1, 2]);
  assert.deepEqual(select(doc, 'items.0.tags'), ['x']);
  assert.equal(select(doc, 'items.9'), undefined);
  assert.equal(select(doc, 'items.x'), undefined);
  assert.equal(select(doc, 'missing.path'), undefined);
  assert.equal(select(doc, '0'), 'zero');
  assert.equal(select(doc, 'fr?ends.1.first'), 'Roger');
  assert.equal(select(doc, 'friends.#(age>50).first'), 'Roger');
  assert.deepEqual(select(doc, 'friends.#(age>1)#.first'), ['Dale', 'Roger']);
  assert.equal(select(doc, 'friends.#(first=="Dale").age'), 44);
  assert.equal(select(doc, 'friends.#(first%"R*").age'), 68);
  assert.equal(select(doc, 'items|#'), 3);
  assert.deepEqual(select([1, [2, 3]], '@flatten'), [1, 2, 3]);
  assert.equal(selectText('{"a":', 'a'), undefined);
  assert.equal(selectText('{"a":[1,2]}', 'a.1'), 2);
  assert.equal(select(doc, ''), undefined);
});

test('JSON errors: Go encoding/json wording and k6 position', () => {
  assert.equal(goJsonError('{"a":1}'), null);
  assert.deepEqual(goJsonError('{"a":1'), { message: 'unexpected end of JSON input', offset: 6 });
  assert.deepEqual(goJsonError('[1,2 3]'), { message: "invalid character '3' after array element", offset: 6 });
  assert.deepEqual(goJsonError('<html>'), { message: "invalid character '<' looking for beginning of value", offset: 1 });
  assert.deepEqual(goJsonError('{"a" 1}'), { message: "invalid character '1' after object key", offset: 6 });
  assert.deepEqual(goJsonError('{"a":1 "b"}'), { message: `invalid character '"' after object key:value pair`, offset: 8 });
  assert.deepEqual(goJsonError('{1}'), { message: "invalid character '1' looking for beginning of object key string", offset: 2 });
  assert.deepEqual(goJsonError('tru'), { message: 'unexpected end of JSON input', offset: 3 });
  assert.deepEqual(goJsonError('nul1'), { message: "invalid character '1' in literal null (expecting 'l')", offset: 4 });
  assert.deepEqual(goJsonError('"a\nb"'), { message: "invalid character '\\n' in string literal", offset: 3 });
  assert.deepEqual(goJsonError('01'), { message: "invalid character '1' after top-level value", offset: 2 });
  assert.equal(
    jsonParseErrorMessage('{\n  "a": x}'),
    "cannot parse json due to an error at line 2, character 8 , error: invalid character 'x' looking for beginning of value",
  );
  assert.equal(jsonParseErrorMessage(''), 'cannot parse json due to an error at line 1, character 0 , error: unexpected end of JSON input');
});
