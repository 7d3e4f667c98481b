// Pure helpers of the http engine: address parsing, localIPs, proxy rules, headers, options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, parseCidr, cidrContains } from '../src/http/ip.js';
import { parseLocalIPs, createLocalIpPicker } from '../src/http/local-ips.js';
import { proxyFor, noProxyMatches, parseProxyUrl } from '../src/http/proxy.js';
import { canonicalHeaderName, shapeResponseHeaders, statusText } from '../src/http/headers.js';
import { defaultEngineOptions, resolveEngineOptions, DEFAULT_USER_AGENT } from '../src/http/defaults.js';
import { parseSetCookie, toResponseCookie, GO_ZERO_TIME_MS } from '../src/http/cookies.js';
import { hostsOverride, tlsAuthFor, tlsVersionRange } from '../src/http/dial.js';
import { failureMessage, connectFailure } from '../src/http/causes.js';

test('parseIp canonicalises every literal form', () => {
  const cases: [string, string | null][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.01', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['[::ffff:7f00:1]', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['::1', '::1'],
    ['FD00:EC2:0:0:0:0:0:254', 'fd00:ec2::254'],
    ['fe80::1%eth0', 'fe80::1'],
    ['256.1.1.1', null],
    ['example.com', null],
    ['1.2.3.4.5', null],
  ];
  for (const [input, want] of cases) assert.equal(parseIp(input)?.text ?? null, want, input);
  assert.ok(cidrContains(parseCidr('10.0.0.0/8')!, parseIp('10.200.1.1')!));
  assert.ok(!cidrContains(parseCidr('10.0.0.0/8')!, parseIp('11.0.0.1')!));
  assert.ok(cidrContains(parseCidr('::ffff:0:0/96')!, parseIp('1.2.3.4')!), 'mapped CIDR covers all of IPv4');
  assert.equal(parseCidr('10.0.0.0/33'), null);
});

test('parseLocalIPs: single, lists, ranges, CIDRs, IPv6; errors are explicit', () => {
  assert.deepEqual(parseLocalIPs('10.0.0.1'), ['10.0.0.1']);
  assert.deepEqual(parseLocalIPs('10.0.0.1, 10.0.0.9'), ['10.0.0.1', '10.0.0.9']);
  assert.deepEqual(parseLocalIPs('10.0.0.254-10.0.1.1'), ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  assert.deepEqual(parseLocalIPs(['192.168.1.0/30']), ['192.168.1.0', '192.168.1.1', '192.168.1.2', '192.168.1.3']);
  assert.deepEqual(parseLocalIPs('fd00::1-fd00::3'), ['fd00::1', 'fd00::2', 'fd00::3']);
  assert.deepEqual(parseLocalIPs('fd00::/127'), ['fd00::', 'fd00::1']);
  assert.throws(() => parseLocalIPs('10.0.0.5-10.0.0.1'), /ends before it starts/);
  assert.throws(() => parseLocalIPs('nope'), /invalid address "nope"/);
  assert.throws(() => parseLocalIPs('10.0.0.0/8'), /too large/);
  const pick = createLocalIpPicker(['10.0.0.1', '10.0.0.2', 'fd00::1']);
  assert.deepEqual([pick(4), pick(4), pick(4), pick(6)], ['10.0.0.1', '10.0.0.2', '10.0.0.1', 'fd00::1']);
  assert.equal(createLocalIpPicker([])(4), undefined);
  assert.equal(createLocalIpPicker(['fd00::1'])(4), null);
});

test('proxy selection: explicit proxy, HTTPS_PROXY/HTTP_PROXY, NO_PROXY, loopback exemption', () => {
  const env = { HTTPS_PROXY: 'http://p:3128', http_proxy: 'proxy.local:8080', NO_PROXY: '.internal,10.0.0.0/8,skip.me:8443' };
  assert.equal(proxyFor({ env }, new URL('https://api.example.com/'))?.display, 'http://p:3128');
  assert.equal(proxyFor({ env }, new URL('http://api.example.com/'))?.display, 'http://proxy.local:8080');
  assert.equal(proxyFor({ env }, new URL('https://a.internal/')), null);
  assert.equal(proxyFor({ env }, new URL('https://internal/')), null);
  assert.equal(proxyFor({ env }, new URL('http://10.3.3.3/')), null);
  assert.equal(proxyFor({ env }, new URL('https://skip.me:8443/')), null);
  assert.notEqual(proxyFor({ env }, new URL('https://skip.me/')), null);
  assert.equal(proxyFor({ env }, new URL('http://localhost:8080/')), null);
  assert.equal(proxyFor({ env }, new URL('http://127.0.0.1/')), null);
  assert.equal(proxyFor({ env: {} }, new URL('http://api.example.com/')), null);
  // An explicit proxy applies to loopback too, NO_PROXY still wins.
  assert.equal(proxyFor({ proxy: 'http://px:1', env: {} }, new URL('http://127.0.0.1/'))?.port, 1);
  assert.equal(proxyFor({ proxy: 'http://px:1', env: { no_proxy: '*' } }, new URL('http://x/')), null);
  assert.equal(parseProxyUrl('http://u:p%40ss@px:9').authorization, 'Basic ' + Buffer.from('u:p@ss').toString('base64'));
  assert.equal(parseProxyUrl('http://u:p@px:9').display, 'http://px:9');
  assert.throws(() => parseProxyUrl('socks5://px:1080'), /only http and https/);
  assert.ok(noProxyMatches('example.com', 'a.b.example.com', 443));
  assert.ok(!noProxyMatches('example.com', 'notexample.com', 443));
});

test('headers: Go canonical names, joins, status text', () => {
  assert.equal(canonicalHeaderName('x-request-id'), 'X-Request-Id');
  assert.equal(canonicalHeaderName('CONTENT-TYPE'), 'Content-Type');
  assert.equal(canonicalHeaderName('www-authenticate'), 'Www-Authenticate');
  assert.equal(canonicalHeaderName('bad header'), 'bad header');
  const { headers, setCookies } = shapeResponseHeaders([
    ['set-cookie', 'a=1'],
    ['Set-Cookie', 'b=2'],
    ['vary', 'Accept'],
    ['VARY', 'Origin'],
  ]);
  assert.deepEqual(headers, { 'Set-Cookie': 'a=1, b=2', Vary: 'Accept, Origin' });
  assert.deepEqual(setCookies, ['a=1', 'b=2']);
  assert.equal(statusText(200, 'OK'), '200 OK');
  assert.equal(statusText(404, ''), '404 Not Found');
  assert.equal(statusText(299, ''), '299');
});

test('options: defaults and resolution', () => {
  const d = defaultEngineOptions();
  assert.equal(d.userAgent, DEFAULT_USER_AGENT);
  assert.equal(d.connectTimeoutMs, 10_000);
  assert.equal(d.maxBodyBytes, 16 * 1024 * 1024);
  assert.equal(d.maxRedirects, 10);
  assert.equal(d.insecureSkipTLSVerify, false);
  const r = resolveEngineOptions({ localIPs: ['10.0.0.1-10.0.0.2'], connectTimeoutMs: -5, maxRedirects: 0, userAgent: undefined });
  assert.deepEqual(r.localIPs, ['10.0.0.1', '10.0.0.2']);
  assert.equal(r.connectTimeoutMs, 10_000);
  assert.equal(r.maxRedirects, 0);
  assert.equal(r.userAgent, DEFAULT_USER_AGENT);
});

test('cookies: Set-Cookie parsing into k6 shape', () => {
  const c = parseSetCookie('sid="abc"; Path=/app; Domain=.Example.com; Max-Age=60; Secure; HttpOnly')!;
  assert.deepEqual(toResponseCookie(c), { name: 'sid', value: 'abc', domain: 'example.com', path: '/app', http_only: true, secure: true, max_age: 60, expires: GO_ZERO_TIME_MS });
  assert.equal(parseSetCookie('novalue'), null);
  assert.equal(toResponseCookie(parseSetCookie('a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT')!).expires, Date.UTC(2015, 9, 21, 7, 28));
});

test('dial helpers: hosts entries, tlsAuth domains, tlsVersion', () => {
  assert.deepEqual(hostsOverride({ 'A.test': '10.0.0.1:8080' }, 'a.test'), { host: '10.0.0.1', port: 8080 });
  assert.deepEqual(hostsOverride({ 'a.test': '[::1]:81' }, 'a.test'), { host: '::1', port: 81 });
  assert.deepEqual(hostsOverride({ 'a.test': '::1' }, 'a.test'), { host: '::1' });
  assert.deepEqual(hostsOverride({ '*.a.test': '10.0.0.2' }, 'x.a.test'), { host: '10.0.0.2' });
  assert.equal(hostsOverride({ '*.a.test': '10.0.0.2' }, 'a.test'), null);
  const auth = [{ domains: ['example.com'], cert: 'c1', key: 'k1' }, { cert: 'c2', key: 'k2' }];
  assert.equal(tlsAuthFor(auth, 'api.example.com')?.cert, 'c1');
  assert.equal(tlsAuthFor(auth, 'other.test')?.cert, 'c2');
  assert.deepEqual(tlsVersionRange('tls1.2'), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  assert.deepEqual(tlsVersionRange({ min: 'tls1.3' }), { minVersion: 'TLSv1.3' });
});

test('failure messages name source, target, elapsed time and a hint', () => {
  const f = connectFailure({ code: 'ECONNREFUSED' }, { host: 'api.example.com', target: { ip: '2001:db8::5', port: 443 }, source: { ip: '2001:db8::9', port: 40000 }, elapsedMs: 1.5 });
  assert.equal(
    failureMessage(f),
    'connection refused from [2001:db8::9]:40000 to [2001:db8::5]:443 (api.example.com) after 1.5 ms: nothing listening, or a firewall rejecting the connection',
  );
});
