// A target cannot fail a validation by choosing a cookie name: `__proto__`, `constructor`
// and `prototype` are names like any other, on the host and in the guest.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CookieJar } from '../../src/http/cookies.js';
import { httpServer, type Running } from '../fixtures/http/helpers.js';
import { runScript } from '../helpers/sandbox.js';

const NAMES = ['__proto__', 'constructor', 'prototype'];
const servers: Running[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

describe('cookie names', () => {
  it('the host jar stores and returns them as ordinary keys', () => {
    const jar = new CookieJar();
    const u = new URL('http://example.test/');
    jar.storeSetCookies(u, NAMES.map((n, i) => `${n}=v${i}`));
    const got = jar.cookiesForURL(u);
    assert.deepEqual(Object.keys(got).sort(), [...NAMES].sort());
    assert.deepEqual(NAMES.map((n) => Object.getOwnPropertyDescriptor(got, n)?.value), [['v0'], ['v1'], ['v2']]);
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(got))), JSON.stringify(got));
    assert.equal(({} as Record<string, unknown>).v0, undefined);
  });

  it('response cookies, jar reads, jar writes and request cookies work in the guest', async () => {
    const seen: string[] = [];
    const srv = await httpServer((req, res) => {
      seen.push(String(req.headers.cookie ?? ''));
      if (req.url === '/set') res.setHeader('Set-Cookie', NAMES.map((n, i) => `${n}=v${i}; Path=/`));
      res.end('ok');
    });
    servers.push(srv);
    const r = await runScript(`import http from 'k6/http'; import { check } from 'k6';
      export default function () {
        const res = http.get('${srv.url}/set');
        const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
        check(res, {
          'response cookies': (x) => ${JSON.stringify(NAMES)}.every((n, i) => own(x.cookies, n)[0].value === 'v' + i),
          'status': (x) => x.status === 200,
        });
        const jar = http.cookieJar();
        const c = jar.cookiesForURL('${srv.url}/');
        check(c, { 'jar read': (x) => ${JSON.stringify(NAMES)}.every((n, i) => own(x, n)[0] === 'v' + i) });
        jar.set('${srv.url}/', 'constructor', 'changed');
        check(jar.cookiesForURL('${srv.url}/'), { 'jar write': (x) => own(x, 'constructor')[0] === 'changed' });
        const cookies = JSON.parse('{"__proto__": "p", "prototype": {"value": "q", "replace": true}}');
        const sent = http.get('${srv.url}/echo', { cookies });
        check(sent, { 'request echo': (x) => own(x.request.cookies, '__proto__').some((k) => k.value === 'p') });
        jar.delete('${srv.url}/', '__proto__');
        check(jar.cookiesForURL('${srv.url}/'), { 'jar delete': (x) => own(x, '__proto__') === undefined });
      }`);
    assert.equal(r.outcome, 'passed', r.message);
    const last = seen[1]!;
    for (const part of ['__proto__=v0', 'constructor=changed', '__proto__=p', 'prototype=q']) assert.ok(last.includes(part), `${part} not in ${last}`);
    assert.ok(!last.includes('prototype=v2'), `request cookie with replace did not hide the jar's: ${last}`);
  });
});
