// auth: 'digest' as in k6: credentials from the URL, no Basic header, the 401 challenge
// answered once; NTLM is refused with a clear, unmangled reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digestAuthorization, parseDigestChallenge } from '../src/http/digest.js';
import { runScript } from './helpers/sandbox.js';

test('RFC 7616 section 3.9.1 example: MD5 and SHA-256 responses', () => {
  const url = new URL('http://Mufasa:Circle%20of%20Life@www.example.org/dir/index.html');
  const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
  const header = (alg: string) =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${alg}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
  const md5 = digestAuthorization(parseDigestChallenge(header('MD5'))!, 'GET', url, null, cnonce)!;
  assert.match(md5, /response="8ca523f5e9506fed4657c9700eebdbec"/);
  assert.match(md5, /^Digest username="Mufasa", realm="http-auth@example.org", .*uri="\/dir\/index.html".*opaque="FQhe.*qop=auth, nc=00000001, cnonce="f2\//);
  const sha = digestAuthorization(parseDigestChallenge(header('SHA-256'))!, 'GET', url, null, cnonce)!;
  assert.match(sha, /response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"/);
});

test('challenge parsing: among other schemes, quoted commas, no Digest at all', () => {
  assert.deepEqual(parseDigestChallenge('Basic realm="x", Digest realm="a, b", nonce=abc, qop="auth"'), { realm: 'a, b', nonce: 'abc', qop: 'auth' });
  assert.equal(parseDigestChallenge('Basic realm="x"'), undefined);
  assert.equal(parseDigestChallenge(undefined), undefined);
  assert.equal(digestAuthorization({ nonce: 'n', algorithm: 'SHA-1' }, 'GET', new URL('http://u:p@h/'), null), undefined);
});

// A loopback server that checks Digest (MD5, qop=auth) like httpbin's /digest-auth.
let server: Server;
let base = '';
const seen: { path: string; authorization?: string }[] = [];
const H = (s: string) => createHash('md5').update(s).digest('hex');
before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, authorization: req.headers.authorization });
    if (path === '/plain') return void res.end('no auth needed');
    const nonce = 'n0nce';
    const a = parseDigestChallenge(req.headers.authorization?.replace(/^Digest /, 'Digest ') ?? '');
    if (a && a.username === 'user' && a.uri === path) {
      const expected = H(`${H(`user:test@k6p:passwd`)}:${nonce}:${a.nc}:${a.cnonce}:auth:${H(`${req.method}:${path}`)}`);
      if (a.response === expected) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ authenticated: true, user: 'user' }));
      }
    }
    res.writeHead(401, { 'WWW-Authenticate': `Digest realm="test@k6p", qop="auth", nonce="${nonce}", opaque="op"` });
    res.end('unauthorized');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test("k6's http_digest_auth example passes against a Digest server; no Basic header is ever sent", async () => {
  seen.length = 0;
  const r = await runScript(
    `
import http from "k6/http";
import { check } from "k6";
export default function() {
  let res = http.get("http://user:passwd@" + __ENV.B + "/digest-auth/auth/user/passwd?x=1", {auth: "digest"});
  check(res, {
    "status is 200": (r) => r.status === 200,
    "is authenticated": (r) => r.json().authenticated === true,
    "is correct user": (r) => r.json().user === "user"
  });
  const wrong = http.get("http://user:nope@" + __ENV.B + "/digest-auth/x", {auth: "digest", responseCallback: http.expectedStatuses(401)});
  check(wrong, { "wrong password: the 401 after one answer": (r) => r.status === 401 });
}`,
    { env: { B: base } },
  );
  assert.equal(r.outcome, 'passed', r.message);
  assert.equal(seen.length, 4, 'one unauthenticated request and one answer per call');
  assert.equal(seen[0]!.authorization, undefined);
  assert.match(seen[1]!.authorization ?? '', /^Digest username="user", realm="test@k6p", nonce="n0nce", uri="\/digest-auth\/auth\/user\/passwd\?x=1"/);
  assert.ok(seen.every((s) => !/^Basic/.test(s.authorization ?? '')));
  assert.ok(!JSON.stringify(r).includes('passwd@'), 'the password never reaches the result');
});

test('without auth: "digest" the URL credentials go as Basic, as before', async () => {
  seen.length = 0;
  const r = await runScript(`import http from 'k6/http'; export default function () { http.get('http://u:pw@' + __ENV.B + '/plain'); }`, { env: { B: base } });
  assert.equal(r.outcome, 'passed', r.message);
  assert.equal(seen[0]!.authorization, 'Basic ' + Buffer.from('u:pw').toString('base64'));
});

test('auth: "ntlm" fails the attempt with a reason that says NTLM is not supported, readable after redaction', async () => {
  seen.length = 0;
  const r = await runScript(`import http from 'k6/http'; export default function () { http.get('http://u:pw@' + __ENV.B + '/plain', { auth: 'ntlm' }); }`, {
    env: { B: base },
  });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /auth "ntlm" is not supported by k6-preflight: it cannot authenticate with NTLM; validate a URL that needs no NTLM, or use auth "digest" or credentials in the URL \(basic\)/);
  assert.doesNotMatch(r.message, /\*\*\*/);
  assert.equal(seen.length, 0, 'nothing was sent');
});
