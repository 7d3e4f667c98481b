// The engine's parts on their own: redirect rules, timings, cookie jars, the connection
// pool, and k6's response shape built from the neutral exchange at the bridge.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { redirectMethod, redirectReferer, sameOrSubdomain, urlForWire, REDIRECT_STATUSES } from '../src/http/redirects.js';
import { hopTimings } from '../src/http/timings.js';
import { hopHeaders } from '../src/http/hop-headers.js';
import { createJarRegistry } from '../src/http/jars.js';
import { createConnectionPool } from '../src/http/pool.js';
import { createDialEnv } from '../src/http/dial-env.js';
import { resolveEngineOptions } from '../src/http/defaults.js';
import type { Exchange } from '../src/http/exchange.js';
import { k6Response } from '../src/sandbox/ops/http-response.js';
import { httpServer } from './fixtures/http/helpers.js';

describe('redirect rules (Go http.Client)', () => {
  test('which statuses follow; 301/302/303 turn a POST into a body-less GET, 307/308 keep both', () => {
    assert.deepEqual([...REDIRECT_STATUSES].sort(), [301, 302, 303, 307, 308]);
    const body = Buffer.from('x');
    for (const s of [301, 302, 303]) assert.deepEqual(redirectMethod(s, 'POST', body), { method: 'GET', body: null });
    assert.deepEqual(redirectMethod(302, 'HEAD', null), { method: 'HEAD', body: null });
    for (const s of [307, 308]) assert.deepEqual(redirectMethod(s, 'POST', body), { method: 'POST', body });
  });

  test('credentials follow to the same host or a subdomain only; Referer never from https to http', () => {
    assert.equal(sameOrSubdomain('api.example.com', 'example.com'), true);
    assert.equal(sameOrSubdomain('EXAMPLE.com', 'example.COM'), true);
    assert.equal(sameOrSubdomain('badexample.com', 'example.com'), false);
    assert.equal(sameOrSubdomain('example.com', 'api.example.com'), false);
    assert.equal(redirectReferer(new URL('https://a/x'), new URL('http://b/')), null);
    assert.equal(redirectReferer(new URL('https://u:p@a/x#frag'), new URL('https://b/')), 'https://a/x');
    assert.equal(urlForWire(new URL('http://u:p@h:8080/p?q=1#f')), 'http://h:8080/p?q=1');
  });
});

describe('timings', () => {
  test('a dialled hop: blocked until the connect, connecting, TLS, sending, waiting, receiving', () => {
    const t = hopTimings(
      { start: 0, sendStart: 40, sent: 45, headers: 70, end: 100 },
      { phase: 'receive', host: 'h', viaProxy: false, dialed: true, dnsStart: 1, dnsEnd: 5, connectStart: 5, connectEnd: 15, tlsStart: 15, tlsEnd: 40 },
    );
    assert.deepEqual(t, { blocked: 5, looking_up: 0, connecting: 10, tls_handshaking: 25, sending: 5, waiting: 25, receiving: 30, duration: 60 });
  });

  test('a reused connection: no connecting or TLS time, blocked until the request goes out', () => {
    const t = hopTimings({ start: 0, sendStart: 2, sent: 3, headers: 10, end: 12 }, { phase: 'receive', host: 'h', viaProxy: false, dialed: false, connectStart: 99, connectEnd: 100 });
    assert.equal(t.connecting, 0);
    assert.equal(t.tls_handshaking, 0);
    assert.equal(t.blocked, 2);
    assert.equal(t.duration, 1 + 7 + 2);
  });
});

describe('cookie jars', () => {
  test('the VU jar exists, new jars get ids, null means no jar', () => {
    const j = createJarRegistry();
    assert.ok(j.jarFor('vu'));
    assert.equal(j.jarFor(undefined), j.jarFor('vu'));
    assert.equal(j.jarFor(null), null);
    const id = j.newJar();
    assert.notEqual(id, 'vu');
    assert.notEqual(j.jarFor(id), j.jarFor('vu'));
    j.set(id, 'https://a.example/', 'k', 'v', { path: '/' });
    assert.deepEqual({ ...j.cookiesForURL(id, 'https://a.example/x') }, { k: ['v'] });
    assert.deepEqual({ ...j.cookiesForURL('vu', 'https://a.example/x') }, {});
    j.delete(id, 'https://a.example/', 'k');
    assert.deepEqual({ ...j.cookiesForURL(id, 'https://a.example/x') }, {});
    j.set(id, 'https://a.example/', 'k2', 'v2');
    j.clear(id, 'https://a.example/');
    assert.deepEqual({ ...j.cookiesForURL(id, 'https://a.example/') }, {});
  });
});

describe('connection pool', () => {
  test('a client checked in cleanly is reused for the same origin; one checked in after a failure is destroyed', async () => {
    const srv = await httpServer((_q, s) => s.end('ok'));
    const env = createDialEnv(resolveEngineOptions({}));
    const pool = createConnectionPool(env, { http1: false });
    try {
      const url = new URL(srv.url);
      const a = pool.checkout(url, null);
      const b = pool.checkout(url, null);
      assert.notEqual(a, b, 'a busy client is never shared');
      pool.checkin(a, true);
      assert.equal(pool.checkout(url, null), a);
      pool.checkin(b, false);
      await new Promise((r) => setImmediate(r));
      assert.equal(b.client.destroyed, true);
      assert.notEqual(pool.checkout(new URL(srv.url.replace('127.0.0.1', 'localhost')), null), a, 'another origin gets its own client');
    } finally {
      await pool.close();
      env.destroyAll();
      await srv.close();
    }
  });
});

describe("k6's response shape from the neutral exchange", () => {
  const base = (over: Partial<Exchange> = {}): Exchange => ({
    url: 'https://api.example/x',
    status: 200,
    reason: 'OK',
    headers: [
      ['content-type', 'text/plain'],
      ['x-multi', 'a'],
      ['X-MULTI', 'b'],
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; Path=/'],
    ],
    body: Buffer.from('héllo'),
    conn: { remote: { ip: '10.0.0.5', port: 443 }, local: { ip: '10.1.0.7', port: 39000 }, tlsVersion: 'tls1.3', tlsCipher: 'TLS_AES_128_GCM_SHA256', proto: 'HTTP/2.0', viaProxy: false },
    timings: { blocked: 1, looking_up: 0, connecting: 2, tls_handshaking: 3, sending: 4, waiting: 5, receiving: 6, duration: 15 },
    request: { method: 'GET', url: 'https://api.example/x', headers: { 'user-agent': 'ua', accept: '*/*' }, body: null, cookies: {} },
    ...over,
  });

  test('a response: canonical joined headers, parsed cookies, proto, addresses, text or binary body', () => {
    const r = k6Response(base(), 'text');
    assert.equal(r.status_text, '200 OK');
    assert.equal(r.proto, 'HTTP/2.0');
    assert.deepEqual(r.headers, { 'Content-Type': 'text/plain', 'X-Multi': 'a, b', 'Set-Cookie': 'a=1; Path=/, b=2; Path=/' });
    assert.deepEqual(Object.keys(r.cookies), ['a', 'b']);
    assert.equal(r.body, 'héllo');
    assert.deepEqual([r.remote_ip, r.remote_port, r.local_ip, r.local_port], ['10.0.0.5', 443, '10.1.0.7', 39000]);
    assert.equal(r.tls_version, 'tls1.3');
    assert.equal(r.error, '');
    assert.equal(r.error_code, 0);
    assert.equal(r.failure, undefined);
    assert.deepEqual(r.request.headers, { 'User-Agent': ['ua'], Accept: ['*/*'] });
    const bin = k6Response(base(), 'binary');
    assert.ok(bin.body instanceof Uint8Array);
    assert.equal(Buffer.from(bin.body as Uint8Array).toString(), 'héllo');
    assert.equal(k6Response(base({ body: null }), 'none').body, null);
    assert.equal(k6Response(base({ status: 404, reason: '' }), 'text').error_code, 1404);
    assert.equal(k6Response(base({ status: 404, reason: '' }), 'text').status_text, '404 Not Found');
  });

  test('no response: status 0, empty shape, k6 error and code, the failure, addresses kept, no TLS fields', () => {
    const r = k6Response(
      base({ status: 0, reason: '', headers: [], body: null, failure: { reason: 'ConnectionRefused', code: 1212, error: 'dial: connection refused', message: 'connection refused from …' } }),
      'text',
    );
    assert.deepEqual([r.status, r.status_text, r.proto, r.body], [0, '', '', null]);
    assert.deepEqual(r.headers, {});
    assert.deepEqual(r.cookies, {});
    assert.equal(r.error, 'dial: connection refused');
    assert.equal(r.error_code, 1212);
    assert.deepEqual(r.failure, { reason: 'ConnectionRefused', message: 'connection refused from …' });
    assert.equal(r.remote_ip, '10.0.0.5');
    assert.equal(r.tls_version, '');
  });

  test("a proxy's 407 keeps k6's status code and empty error; a body that cannot be decoded sets the k6 error", () => {
    const p = k6Response(base({ status: 407, reason: 'Proxy Authentication Required', body: null, failure: { reason: 'ProxyFailed', code: 1407, error: '', message: 'm' } }), 'text');
    assert.equal(p.error, '');
    assert.equal(p.error_code, 1407);
    assert.equal(p.failure?.reason, 'ProxyFailed');
    const d = k6Response(base({ body: null, failure: { reason: 'NetworkError', code: 1000, error: 'gzip: invalid header', message: 'm' } }), 'text');
    assert.equal(d.status, 200);
    assert.equal(d.error, 'gzip: invalid header');
    assert.equal(d.error_code, 1000);
    assert.equal(d.body, null);
  });
});


describe('hop headers', () => {
  const base = {
    user: { 'content-length': '3', 'Content-Type': 'text/plain', authorization: 'Bearer t', cookie: 'a=0' },
    hop: 0,
    url: new URL('https://u:p%40ss@api.example/x'),
    body: Buffer.from('abc'),
    dropSensitive: false,
    userAgent: 'ua/1',
    referer: null,
    jarCookies: [{ name: 'j', value: '1' }, { name: 'r', value: 'jar' }],
    scoped: { r: { value: 'scoped', replace: true }, s: { value: '2', replace: false } },
  };

  test("the first hop: the script's headers win, k6 adds User-Agent and cookies, Content-Length is recomputed", () => {
    const { headers, cookies } = hopHeaders(base);
    assert.equal(headers['content-length'], undefined);
    assert.equal(headers.authorization, 'Bearer t', 'an explicit Authorization beats URL credentials');
    assert.equal(headers['User-Agent'], 'ua/1');
    assert.equal(headers.Cookie, 'a=0; j=1; r=scoped; s=2', '`replace` hides the jar cookie of that name');
    assert.deepEqual(Object.keys(cookies), ['j', 'r', 's']);
  });

  test('a redirect to another host drops credentials and request-scoped cookies; a body-less hop drops Content-Type', () => {
    const { headers } = hopHeaders({ ...base, hop: 1, body: null, dropSensitive: true, referer: 'https://api.example/x', user: { 'Content-Type': 'text/plain', Authorization: 'Bearer t', Cookie: 'a=0' } });
    assert.equal(headers.Authorization, 'Basic ' + Buffer.from('u:p@ss').toString('base64'), "the new URL's own credentials only");
    assert.equal(headers['Content-Type'], undefined);
    assert.equal(headers.Cookie, 'j=1; r=jar');
    assert.equal(headers.Referer, 'https://api.example/x');
  });
});
