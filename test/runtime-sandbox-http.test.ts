// k6/http run as real scripts in the sandbox against a loopback server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines, startServer, type TestServer } from './fixtures/runtime/harness.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv.close();
});

// These scripts test the API's responses, not the verdict: they make failing requests on
// purpose, so every status (0 = network error) is declared expected, the k6 way.
const IS = `
import { check as __check } from 'k6';
import __http from 'k6/http';
__http.setResponseCallback(__http.expectedStatuses({ min: 0, max: 999 }));
const is = (name, got, want) => __check(got, { [name]: (g) => JSON.stringify(g) === JSON.stringify(want) }) ||
  console.error(name + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
const throwsLike = (name, fn, re) => { try { fn(); is(name + ' (no throw)', 'returned', String(re)); } catch (e) { is(name, re.test(String(e && e.message)) ? 'ok' : String(e && e.message), 'ok'); } };
`;
const run = (src: string, env: Record<string, string> = {}) => expectPass(`${IS}\nconst B = __ENV.B;\n${src}`, { env: { B: srv.base, ...env } });

test('GET: the k6 Response shape', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  const r = http.get(B + '/json');
  is('status', r.status, 200);
  is('status_text', r.status_text, '200 OK');
  is('proto', r.proto, 'HTTP/1.1');
  is('url', r.url, B + '/json');
  is('content-type canonical', r.headers['Content-Type'], 'application/json');
  is('body is a string', typeof r.body, 'string');
  is('error empty', [r.error, r.error_code], ['', 0]);
  is('remote', [r.remote_ip, r.remote_port > 0], ['127.0.0.1', true]);
  is('timings', ['blocked', 'connecting', 'tls_handshaking', 'sending', 'waiting', 'receiving', 'duration'].every((k) => typeof r.timings[k] === 'number'), true);
  is('request', [r.request.method, r.request.url], ['GET', B + '/json']);
  is('no failure field', 'failure' in r, false);
  const m = http.get(B + '/multi');
  is('repeated headers joined', m.headers['X-Multi'], 'a, b');
  is('lower-case header canonicalised', m.headers['X-Lower-Case'], 'v');
}`);
});

test('json(): whole body (cached), gjson selectors, k6 errors', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  const r = http.get(B + '/json');
  const j = r.json();
  is('parsed', j.a.b, 'c');
  is('cached', r.json() === j, true);
  is('a.b', r.json('a.b'), 'c');
  is('escaped dot', r.json('a.d\\\\.e'), 5);
  is('index', r.json('items.1.name'), 'two');
  is('count', r.json('items.#'), 2);
  is('map', r.json('items.#.id'), [1, 2]);
  is('query', r.json('items.#(id==2).name'), 'two');
  is('null value', r.json('n'), null);
  is('missing', r.json('nope.x'), undefined);
  const t = http.get(B + '/text');
  is('selector on invalid JSON', t.json('a'), undefined);
  throwsLike('invalid JSON', () => t.json(), /^cannot parse json due to an error at line 1, character 2 , error: invalid character 'o' in literal null \\(expecting 'u'\\)$/);
  const none = http.get(B + '/json', { responseType: 'none' });
  throwsLike('null body', () => none.json(), /the body is null so we can't transform it to JSON/);
}`);
});

test('bodies: string, form object (sorted), ArrayBuffer, multipart with http.file, header precedence', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  let e = http.post(B + '/echo', 'plain ✓').json();
  is('string body as UTF-8', e.body, 'plain ✓');
  is('no content-type for strings', e.headers['content-type'], undefined);
  e = http.post(B + '/echo', { b: 'x y', a: [1, 2], n: null, z: true }).json();
  is('form body', e.body, 'a=1&a=2&b=x+y&n=&z=true');
  is('form content-type', e.headers['content-type'], 'application/x-www-form-urlencoded');
  e = http.put(B + '/echo', { a: 1 }, { headers: { 'content-type': 'text/x-mine' } }).json();
  is('user content-type wins', [e.method, e.headers['content-type']], ['PUT', 'text/x-mine']);
  e = http.patch(B + '/echo', new Uint8Array([0, 255, 7]).buffer).json();
  is('ArrayBuffer body', [e.method, e.bodyBase64], ['PATCH', 'AP8H']);
  e = http.del(B + '/echo', new Uint8Array([1, 2])).json();
  is('typed array body, DELETE with body', [e.method, e.bodyBase64], ['DELETE', 'AQI=']);
  e = http.post(B + '/echo', { file: http.file('hello', 'h.txt', 'text/plain'), field: 'v' }).json();
  const ct = e.headers['content-type'];
  is('multipart content-type', /^multipart\\/form-data; boundary=[0-9a-f]{60}$/.test(ct), true);
  const bd = ct.split('boundary=')[1];
  is('multipart body', e.body,
    '--' + bd + '\\r\\nContent-Disposition: form-data; name="field"\\r\\n\\r\\nv\\r\\n' +
    '--' + bd + '\\r\\nContent-Disposition: form-data; name="file"; filename="h.txt"\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello\\r\\n' +
    '--' + bd + '--\\r\\n');
  const f = http.file(new Uint8Array([1]).buffer);
  is('file defaults', [f.content_type, /^[0-9]+$/.test(f.filename)], ['application/octet-stream', true]);
  e = http.options(B + '/echo').json();
  is('OPTIONS', [e.method, e.body], ['OPTIONS', '']);
  e = http.request('PROPFIND', B + '/echo').json();
  is('request() with any method', e.method, 'PROPFIND');
  is('request() keeps the method as given', http.request('custom', B + '/echo').request.method, 'custom');
  const h = http.head(B + '/json');
  is('HEAD', [h.status, h.body], [200, '']);
}`);
});

test('params: headers coerced and canonicalised, the 2-argument rule of get, Basic auth from the URL', async () => {
  const r = await run(`
import http from 'k6/http';
export default function () {
  let e = http.get(B + '/echo', { headers: { 'x-num': 5, 'X-NUM': 6, 'x-skip': null, 'x-custom-thing': 'v' } }).json();
  const raw = e.rawHeaders.filter((x, i) => i % 2 === 0);
  is('canonical names on the wire', raw.includes('X-Num') && raw.includes('X-Custom-Thing'), true);
  is('last wins, String()', e.headers['x-num'], '6');
  is('null header skipped', e.headers['x-skip'], undefined);
  e = http.get(B + '/echo', null, { headers: { 'x-dropped': '1' } }).json();
  is('get(url, null, params) drops params', e.headers['x-dropped'], undefined);
  const u = B.replace('http://', 'http://user:p%40ss@');
  e = http.get(u + '/echo').json();
  is('basic auth', e.headers['authorization'], 'Basic ' + 'dXNlcjpwQHNz');
}`);
  assert.ok(lines(r).some((l) => l.startsWith('warn ') && l.includes('http.get()')), 'a warning for the third argument');
});

test('timeouts: number ms, duration strings, numeric strings; a timeout does not throw', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  for (const t of [150, '150ms', '150', '0.15s']) {
    const t0 = Date.now();
    const r = http.get(B + '/slow?ms=3000', { timeout: t });
    is('timed out ' + t, [r.status, r.error_code, r.body], [0, 1050, null]);
    is('quickly ' + t, Date.now() - t0 < 2500, true);
  }
  const ok = http.get(B + '/slow?ms=10', { timeout: '1m' });
  is('long enough', ok.status, 200);
  const bad = http.get(B + '/json', { timeout: 'soon' });
  is('bad timeout is a request error', [bad.status, bad.error_code, /invalid timeout value/.test(bad.error)], [0, 0, true]);
}`);
});

test('redirects: followed by default, 0 returns the 3xx, limit returns the last 3xx', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  const r = http.get(B + '/redirect/3');
  is('followed', [r.status, r.url, r.json('path')], [200, B + '/echo/final', '/echo/final']);
  const z = http.get(B + '/redirect/3', { redirects: 0 });
  is('not followed', [z.status, z.headers['Location']], [302, '/redirect/2']);
  const two = http.get(B + '/redirect/3', { redirects: 2 });
  is('over the limit', [two.status, two.url], [302, B + '/redirect/1']);
}`);
});

test('responseType: none (null), 204, invalid value', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  is('none', http.get(B + '/json', { responseType: 'none' }).body, null);
  is('204 has null body', http.get(B + '/status/204').body, null);
  const bad = http.get(B + '/json', { responseType: 'blob' });
  is('bad responseType', [bad.status, /invalid responseType/.test(bad.error)], [0, true]);
}`);
});

test('errors: refused and HTTP ≥ 400 do not throw; throw param throws; unknown body type', async () => {
  const r = await runScript(
    `${IS}
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const nf = http.get(__ENV.B + '/status/404');
  is('404', [nf.status, nf.error, nf.error_code], [404, '', 1404]);
  is('503', http.get(__ENV.B + '/status/503').error_code, 1503);
  const bad = http.post(__ENV.B + '/echo', 42);
  is('unknown body type', [bad.status, /unknown request body type/.test(bad.error)], [0, true]);
  const refused = http.get(__ENV.DEAD);
  is('refused', [refused.status, refused.error_code, refused.body, refused.error !== ''], [0, 1212, null, true]);
  let threw = '';
  try { http.get(__ENV.DEAD, { throw: true }); } catch (e) { threw = e.message; }
  is('throw: true throws', threw !== '', true);
  is('invalid URL', http.get('http://[::1').error_code, 1020);
}`,
    { env: { B: srv.base, DEAD: `http://127.0.0.1:${srv.closedPort}/` } },
  );
  const failed = r.checks.filter((c) => c.fails > 0);
  assert.deepEqual(failed, [], r.console.map((c) => c.message).join('\n'));
});

test('batch: array and object forms, entry shapes, parallel, one bad entry sends nothing', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  const t0 = Date.now();
  const rs = http.batch([
    B + '/slow?ms=400',
    ['POST', B + '/echo', 'abc', { headers: { 'x-k': 'v' } }],
    { method: 'put', url: B + '/echo', body: 'x' },
    { url: B + '/echo', body: 'dropped for GET' },
    http.url\`\${B}/slow?ms=400\`,
  ]);
  is('in parallel', Date.now() - t0 < 750, true);
  is('array of responses', rs.map((r) => r.status), [200, 200, 200, 200, 200]);
  is('array entry', [rs[1].json('method'), rs[1].json('body'), rs[1].json('headers.x-k')], ['POST', 'abc', 'v']);
  is('object entry upper-cases', [rs[2].json('method'), rs[2].json('body')], ['PUT', 'x']);
  is('object entry GET drops body', [rs[3].json('method'), rs[3].json('body')], ['GET', '']);
  const o = http.batch({ first: B + '/json', second: ['GET', B + '/status/404'] });
  is('object form', [Object.keys(o), o.first.json('a.b'), o.second.status], [['first', 'second'], 'c', 404]);
  const partial = http.batch([B + '/echo', ['GET'], B + '/echo']);
  is('bad entry', [partial[0].status, partial[1].status, partial[1].error !== '', partial[2]], [0, 0, true, null]);
}`);
});

test('asyncRequest: a Promise of a Response, resolved on network errors too', async () => {
  await expectPass(
    `${IS}
import http from 'k6/http';
export default async function () {
  const p = http.asyncRequest('POST', __ENV.B + '/echo', 'async body');
  is('is a promise', p instanceof Promise, true);
  const r = await p;
  is('response', [r.status, r.json('body')], [200, 'async body']);
  const [a, b] = await Promise.all([http.asyncRequest('GET', __ENV.B + '/json'), http.asyncRequest('GET', __ENV.DEAD)]);
  is('parallel', [a.status, b.status, b.error_code], [200, 0, 1212]);
}`,
    { env: { B: srv.base, DEAD: `http://127.0.0.1:${srv.closedPort}/` } },
  );
});

test('cookies: VU jar, params.cookies, cookieJar() methods, a separate CookieJar', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  http.get(B + '/set-cookie?sess=abc');
  let e = http.get(B + '/echo').json();
  is('stored and sent', e.headers.cookie, 'sess=abc');
  const jar = http.cookieJar();
  is('cookiesForURL', jar.cookiesForURL(B + '/'), { sess: ['abc'] });
  jar.set(B, 'extra', '1');
  e = http.get(B + '/echo').json();
  is('jar.set', (e.headers.cookie || '').split('; ').sort(), ['extra=1', 'sess=abc']);
  jar.delete(B, 'extra');
  e = http.get(B + '/echo', { cookies: { req: 'only', sess: { value: 'override', replace: true } } }).json();
  is('params.cookies', (e.headers.cookie || '').split('; ').sort(), ['req=only', 'sess=override']);
  is('request cookies not stored', Object.keys(jar.cookiesForURL(B + '/')), ['sess']);
  const mine = new http.CookieJar();
  e = http.get(B + '/echo', { jar: mine }).json();
  is('separate jar starts empty', e.headers.cookie, undefined);
  http.get(B + '/set-cookie?own=1', { jar: mine });
  is('stored in the given jar', [mine.cookiesForURL(B + '/').own, jar.cookiesForURL(B + '/').own], [['1'], undefined]);
  jar.clear(B + '/');
  is('clear', jar.cookiesForURL(B + '/'), {});
}`);
});

test('expectedStatuses, setResponseCallback, url template, constants, init-context rules', async () => {
  const r = await run(`
import http from 'k6/http';
import { url, TLS_1_3, OCSP_STATUS_GOOD } from 'k6/http';
let initErr = '';
try { http.get(B + '/json'); } catch (e) { initErr = e.message; }
let batchErr = '';
try { http.batch([B]); } catch (e) { batchErr = e.message; }
let jarErr = '';
try { http.cookieJar(); } catch (e) { jarErr = e.message; }
export default function () {
  is('http in init', initErr, 'Making http requests in the init context is not supported');
  is('batch in init', batchErr, 'Using batch in the init context is not supported');
  is('cookieJar in init', /init context/.test(jarErr), true);
  http.setResponseCallback(http.expectedStatuses(200, { min: 300, max: 399 }));
  http.setResponseCallback(null);
  throwsLike('no arguments', () => http.expectedStatuses(), /no arguments/);
  throwsLike('bad argument', () => http.expectedStatuses(200.5), /argument number 1/);
  throwsLike('bad callback', () => http.setResponseCallback(() => true), /unsupported argument, expected http.expectedStatuses/);
  const id = 7;
  const u = url\`\${B}/echo/\${id}?x=1\`;
  is('url tag', [u.name, u.url], ['\${}/echo/\${}?x=1', B + '/echo/7?x=1']);
  is('clean_url', url\`http://user:secret@h/\${id}\`.clean_url, 'http://****:****@h/7');
  is('usable as a URL', http.get(u).json('path'), '/echo/7');
  is('global URL usable too', http.get(new URL('/echo/u', B)).json('path'), '/echo/u');
  is('constants', [TLS_1_3, http.TLS_1_2, OCSP_STATUS_GOOD, http.OCSP_REASON_KEY_COMPROMISE], ['tls1.3', 'tls1.2', 'good', 'key_compromise']);
  throwsLike('constants are read-only', () => { http.TLS_1_2 = 'changed'; }, /read-only/);
  is('constant unchanged', http.TLS_1_2, 'tls1.2');
}`);
  assert.equal(r.outcome, 'passed');
});

// Binary bodies cross the bridge as buffers.
test('responseType binary: body is an ArrayBuffer; json() decodes it', async () => {
  await run(`
import http from 'k6/http';
export default function () {
  const b = http.get(B + '/bin', { responseType: 'binary' });
  is('binary', b.body instanceof ArrayBuffer && Array.from(new Uint8Array(b.body)), [0, 1, 2, 253, 254, 255]);
  const j = http.get(B + '/json', { responseType: 'binary' });
  is('json of a binary body', [j.json('a.b'), j.json().items.length], ['c', 2]);
}`);
});

// Script options the guest applies itself; they reach it through the `info` op (`options`).
test('options: throw, discardResponseBodies, maxRedirects', async (t) => {
  const probe = await runScript(`import exec from 'k6/execution';
export const options = { throw: true };
export default function () { console.log(JSON.stringify(exec.test.options)); }`);
  if (!probe.console.some((c) => c.message.includes('"throw":true'))) {
    t.todo('the host does not pass the script options to the guest in `info` yet');
    return;
  }
  await expectPass(
    `${IS}
import http from 'k6/http';
export const options = { throw: true, discardResponseBodies: true, maxRedirects: 1 };
export default function () {
  is('discardResponseBodies', http.get(__ENV.B + '/json').body, null);
  is('responseType overrides', http.get(__ENV.B + '/json', { responseType: 'text' }).json('a.b'), 'c');
  is('maxRedirects', http.get(__ENV.B + '/redirect/3').status, 302);
  throwsLike('global throw: network error', () => http.get(__ENV.DEAD), /.+/);
  throwsLike('global throw: request error', () => http.get(__ENV.B, { responseType: 'blob' }), /invalid responseType/);
  is('param throw false wins for transport errors', http.get(__ENV.DEAD, { throw: false }).error_code, 1212);
}`,
    { env: { B: srv.base, DEAD: `http://127.0.0.1:${srv.closedPort}/` } },
  );
});
