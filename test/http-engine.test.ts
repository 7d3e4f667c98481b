// k6 request/response semantics of the host engine, against loopback servers.
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import type * as net from 'node:net';
import { createHttpEngine } from '../src/http/engine.js';
import { DEFAULT_USER_AGENT } from '../src/http/defaults.js';
import type { HttpEngine } from '../src/http/types.js';
import { httpServer, tcpServer, req, closedPort, type Running } from './fixtures/http/helpers.js';

let srv: Running;
let engine: HttpEngine;
const seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

before(async () => {
  srv = await httpServer((rq, rs) => {
    const chunks: Buffer[] = [];
    rq.on('data', (c: Buffer) => chunks.push(c));
    rq.on('end', () => {
      seen.push({ method: rq.method!, url: rq.url!, headers: rq.headers, body: Buffer.concat(chunks).toString() });
      const u = new URL(rq.url!, 'http://x');
      switch (u.pathname) {
        case '/hello':
          rs.setHeader('x-request-id', 'r1');
          rs.setHeader('x-multi', ['a', 'b']);
          rs.setHeader('content-type', 'text/plain; charset=utf-8');
          rs.end('héllo');
          return;
        case '/echo':
          rs.setHeader('content-type', 'application/json');
          rs.end(JSON.stringify({ method: rq.method, headers: rq.headers, body: Buffer.concat(chunks).toString() }));
          return;
        case '/status':
          rs.statusCode = Number(u.searchParams.get('code'));
          rs.end('status body');
          return;
        case '/redirect': {
          const code = Number(u.searchParams.get('code') ?? 302);
          rs.writeHead(code, { Location: u.searchParams.get('to') ?? '/echo' });
          rs.end();
          return;
        }
        case '/loop': {
          const n = Number(u.searchParams.get('n') ?? 0);
          rs.writeHead(302, { Location: `/loop?n=${n + 1}` });
          rs.end(`hop ${n}`);
          return;
        }
        case '/setcookie':
          rs.setHeader('Set-Cookie', ['sess=abc; Path=/; HttpOnly', 'scoped=1; Path=/only', 'gone=x; Max-Age=0']);
          rs.end('ok');
          return;
        case '/setcookie-redirect':
          rs.writeHead(302, { Location: '/echo', 'Set-Cookie': 'hop=1; Path=/' });
          rs.end();
          return;
        case '/only/echo':
          rs.end(String(rq.headers.cookie ?? ''));
          return;
        case '/gzip':
          rs.writeHead(200, { 'Content-Encoding': 'gzip' });
          rs.end(zlib.gzipSync('gzipped text'));
          return;
        case '/deflate':
          rs.writeHead(200, { 'Content-Encoding': 'deflate' });
          rs.end(zlib.deflateSync('deflated text'));
          return;
        case '/br':
          rs.writeHead(200, { 'Content-Encoding': 'br' });
          rs.end(zlib.brotliCompressSync('brotli text'));
          return;
        case '/stacked':
          rs.writeHead(200, { 'Content-Encoding': 'deflate, gzip' });
          rs.end(zlib.gzipSync(zlib.deflateSync('two layers')));
          return;
        case '/badgzip':
          rs.writeHead(200, { 'Content-Encoding': 'gzip' });
          rs.end(Buffer.from('this is not gzip at all'));
          return;
        case '/bomb':
          rs.writeHead(200, { 'Content-Encoding': 'gzip' });
          rs.end(zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024)));
          return;
        case '/big':
          rs.end(Buffer.alloc(64 * 1024, 0x61));
          return;
        case '/bigheader':
          rs.setHeader('x-huge', 'h'.repeat(100 * 1024));
          rs.end('x');
          return;
        case '/binary':
          rs.end(Buffer.from([0, 1, 2, 255]));
          return;
        case '/nocontent':
          rs.statusCode = 204;
          rs.end();
          return;
        case '/slow-headers':
          setTimeout(() => rs.end('late'), 3_000);
          return;
        default:
          rs.statusCode = 404;
          rs.end();
      }
    });
  });
  engine = createHttpEngine({ hosts: { 'other.test': '127.0.0.1' } });
});

after(async () => {
  await engine.close();
  await srv.close();
});

describe('responses', () => {
  test('status, status_text, canonical headers joined with ", ", text body, addresses, timings', async () => {
    const res = await engine.request(req(`${srv.url}/hello`));
    assert.equal(res.status, 200);
    assert.equal(res.status_text, '200 OK');
    assert.equal(res.proto, 'HTTP/1.1');
    assert.equal(res.headers['X-Request-Id'], 'r1');
    assert.equal(res.headers['X-Multi'], 'a, b');
    assert.equal(res.headers['Content-Type'], 'text/plain; charset=utf-8');
    assert.equal(res.body, 'héllo');
    assert.equal(res.error, '');
    assert.equal(res.error_code, 0);
    assert.equal(res.failure, undefined);
    assert.equal(res.remote_ip, '127.0.0.1');
    assert.equal(res.remote_port, srv.port);
    assert.equal(res.local_ip, '127.0.0.1');
    assert.ok(res.local_port > 0);
    assert.equal(res.url, `${srv.url}/hello`);
    assert.deepEqual(Object.keys(res.timings).sort(), ['blocked', 'connecting', 'duration', 'looking_up', 'receiving', 'sending', 'tls_handshaking', 'waiting']);
    assert.equal(res.timings.looking_up, 0);
    const t = res.timings;
    assert.ok(Math.abs(t.duration - (t.sending + t.waiting + t.receiving)) < 1e-6);
  });

  test('default headers are k6-like: User-Agent, no Accept-Encoding; method passed as given', async () => {
    const res = await engine.request(req(`${srv.url}/echo`));
    const got = JSON.parse(res.body as string) as { headers: Record<string, string> };
    assert.equal(got.headers['user-agent'], DEFAULT_USER_AGENT);
    assert.match(DEFAULT_USER_AGENT, /^k6-preflight\/\d+\.\d+\.\d+ \(k6-compatible\)$/);
    assert.equal(got.headers['accept-encoding'], undefined);
    assert.deepEqual(res.request.headers['User-Agent'], [DEFAULT_USER_AGENT]);

    // Lower-case method reaches the wire unchanged (raw server reads the request line).
    let line = '';
    const raw = await tcpServer((s: net.Socket) => {
      s.once('data', (d: Buffer) => {
        line = d.toString('latin1').split('\r\n')[0]!;
        s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      });
    });
    try {
      const r2 = await engine.request(req(`${raw.url}/m`, { method: 'patch' }));
      assert.equal(r2.status, 200);
      assert.equal(line, 'patch /m HTTP/1.1');
      assert.equal(r2.request.method, 'patch');
    } finally {
      await raw.close();
    }
  });

  test('custom User-Agent option and per-request header override', async () => {
    const e = createHttpEngine({ userAgent: 'my-agent/1' });
    try {
      const a = JSON.parse((await e.request(req(`${srv.url}/echo`))).body as string);
      assert.equal(a.headers['user-agent'], 'my-agent/1');
      const b = JSON.parse((await e.request(req(`${srv.url}/echo`, { headers: { 'User-Agent': 'mine' } }))).body as string);
      assert.equal(b.headers['user-agent'], 'mine');
    } finally {
      await e.close();
    }
  });

  test('status >= 400 sets error_code 1000+status with error ""', async () => {
    const res = await engine.request(req(`${srv.url}/status?code=503`));
    assert.equal(res.status, 503);
    assert.equal(res.status_text, '503 Service Unavailable');
    assert.equal(res.error, '');
    assert.equal(res.error_code, 1503);
    assert.equal(res.body, 'status body');
    assert.equal(res.failure, undefined);
    const r404 = await engine.request(req(`${srv.url}/nothing-here`));
    assert.equal(r404.error_code, 1404);
  });

  test('URL userinfo becomes Basic auth; an explicit Authorization header wins', async () => {
    const u = new URL(srv.url);
    const withCreds = `http://alice:s3cr%40t@${u.host}/echo`;
    const a = JSON.parse((await engine.request(req(withCreds))).body as string);
    assert.equal(a.headers.authorization, 'Basic ' + Buffer.from('alice:s3cr@t').toString('base64'));
    const b = JSON.parse((await engine.request(req(withCreds, { headers: { Authorization: 'Bearer x' } }))).body as string);
    assert.equal(b.headers.authorization, 'Bearer x');
  });

  test('request body and echo (headers as arrays, body as string); Content-Length recomputed', async () => {
    const res = await engine.request(
      req(`${srv.url}/echo`, { method: 'POST', body: new TextEncoder().encode('a=1&b=2'), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '999' } }),
    );
    const got = JSON.parse(res.body as string);
    assert.equal(got.body, 'a=1&b=2');
    assert.equal(got.headers['content-length'], '7');
    assert.equal(res.request.body, 'a=1&b=2');
    assert.deepEqual(res.request.headers['Content-Type'], ['application/x-www-form-urlencoded']);
  });

  test('binary responseType gives bytes, none gives null, 204 gives null, HEAD gives ""', async () => {
    const bin = await engine.request(req(`${srv.url}/binary`, { responseType: 'binary' }));
    assert.ok(bin.body instanceof Uint8Array);
    assert.deepEqual([...(bin.body as Uint8Array)], [0, 1, 2, 255]);
    const none = await engine.request(req(`${srv.url}/hello`, { responseType: 'none' }));
    assert.equal(none.status, 200);
    assert.equal(none.body, null);
    const nc = await engine.request(req(`${srv.url}/nocontent`));
    assert.equal(nc.status, 204);
    assert.equal(nc.body, null);
    const head = await engine.request(req(`${srv.url}/hello`, { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });
});

describe('decompression', () => {
  for (const [path, text] of [
    ['/gzip', 'gzipped text'],
    ['/deflate', 'deflated text'],
    ['/br', 'brotli text'],
    ['/stacked', 'two layers'],
  ] as const) {
    test(`${path} is decoded transparently and Content-Encoding stays`, async () => {
      const res = await engine.request(req(`${srv.url}${path}`));
      assert.equal(res.status, 200);
      assert.equal(res.body, text);
      assert.ok(res.headers['Content-Encoding']);
    });
  }

  test('a corrupt gzip body gives error_code 1701', async () => {
    const res = await engine.request(req(`${srv.url}/badgzip`));
    assert.equal(res.status, 200);
    assert.equal(res.error_code, 1701);
    assert.match(res.error, /^error decompressing response body/);
  });

  test('a decompression bomb is stopped at maxBodyBytes', async () => {
    const e = createHttpEngine({ maxBodyBytes: 1024 * 1024 });
    try {
      const res = await e.request(req(`${srv.url}/bomb`));
      assert.equal(res.failure?.reason, 'ResponseTooLarge');
      assert.match(res.failure!.message, /1 MiB/);
    } finally {
      await e.close();
    }
  });
});

describe('limits', () => {
  test('a body over maxBodyBytes fails with ResponseTooLarge; responseType none is not capped', async () => {
    const e = createHttpEngine({ maxBodyBytes: 1000 });
    try {
      const res = await e.request(req(`${srv.url}/big`));
      assert.equal(res.status, 0);
      assert.equal(res.body, null);
      assert.equal(res.failure?.reason, 'ResponseTooLarge');
      assert.match(res.error, /exceeds the limit of 1000 bytes/);
      const none = await e.request(req(`${srv.url}/big`, { responseType: 'none' }));
      assert.equal(none.status, 200);
    } finally {
      await e.close();
    }
  });

  test('oversized response headers fail with ResponseTooLarge', async () => {
    const res = await engine.request(req(`${srv.url}/bigheader`));
    assert.equal(res.status, 0);
    assert.equal(res.failure?.reason, 'ResponseTooLarge');
  });
});

describe('redirects', () => {
  test('302 after POST becomes GET without body; res.url is the final URL', async () => {
    seen.length = 0;
    const res = await engine.request(req(`${srv.url}/redirect?code=302&to=/echo`, { method: 'POST', body: new TextEncoder().encode('payload'), headers: { 'Content-Type': 'text/plain' } }));
    assert.equal(res.status, 200);
    assert.equal(res.url, `${srv.url}/echo`);
    const got = JSON.parse(res.body as string);
    assert.equal(got.method, 'GET');
    assert.equal(got.body, '');
    assert.equal(got.headers['content-type'], undefined);
    assert.equal(got.headers.referer, `${srv.url}/redirect?code=302&to=/echo`);
  });

  for (const code of [307, 308]) {
    test(`${code} keeps the method and body`, async () => {
      const res = await engine.request(req(`${srv.url}/redirect?code=${code}&to=/echo`, { method: 'PUT', body: new TextEncoder().encode('keep me') }));
      const got = JSON.parse(res.body as string);
      assert.equal(got.method, 'PUT');
      assert.equal(got.body, 'keep me');
    });
  }

  test('maxRedirects 0 returns the 3xx; over the limit returns the last 3xx', async () => {
    const r0 = await engine.request(req(`${srv.url}/redirect?code=301&to=/echo`, { maxRedirects: 0 }));
    assert.equal(r0.status, 301);
    assert.equal(r0.headers['Location'], '/echo');
    assert.equal(r0.error_code, 0);
    const r3 = await engine.request(req(`${srv.url}/loop?n=0`, { maxRedirects: 3 }));
    assert.equal(r3.status, 302);
    assert.equal(r3.url, `${srv.url}/loop?n=3`);
    assert.equal(r3.body, 'hop 3');
  });

  test('Authorization and Cookie are dropped on a cross-host hop, kept on the same host', async () => {
    const same = await engine.request(req(`${srv.url}/redirect?to=/echo`, { headers: { Authorization: 'Bearer keep' }, cookies: { c1: { value: 'v', replace: false } } }));
    const s = JSON.parse(same.body as string);
    assert.equal(s.headers.authorization, 'Bearer keep');
    assert.equal(s.headers.cookie, 'c1=v');
    const to = `http://other.test:${srv.port}/echo`;
    const cross = await engine.request(req(`${srv.url}/redirect?to=${encodeURIComponent(to)}`, { headers: { Authorization: 'Bearer drop' }, cookies: { c1: { value: 'v', replace: false } } }));
    assert.equal(cross.url, to);
    const c = JSON.parse(cross.body as string);
    assert.equal(c.headers.authorization, undefined);
    assert.equal(c.headers.cookie, undefined);
    assert.equal(c.headers.host, `other.test:${srv.port}`);
  });

  test('a redirect to a non-http scheme fails with error_code 1000', async () => {
    const res = await engine.request(req(`${srv.url}/redirect?to=${encodeURIComponent('ftp://127.0.0.1/x')}`));
    assert.equal(res.status, 0);
    assert.equal(res.error_code, 1000);
    assert.match(res.error, /unsupported protocol scheme "ftp"/);
  });
});

describe('cookies', () => {
  test('Set-Cookie is stored in the vu jar and sent back by path; res.cookies has k6 keys', async () => {
    const e = createHttpEngine();
    try {
      const set = await e.request(req(`${srv.url}/setcookie`));
      assert.deepEqual(Object.keys(set.cookies).sort(), ['gone', 'scoped', 'sess']);
      assert.deepEqual(Object.keys(set.cookies['sess']![0]!).sort(), ['domain', 'expires', 'http_only', 'max_age', 'name', 'path', 'secure', 'value']);
      assert.equal(set.cookies['sess']![0]!.http_only, true);
      assert.deepEqual({ ...e.jarCookiesForURL('vu', `${srv.url}/`) }, { sess: ['abc'] });
      const root = JSON.parse((await e.request(req(`${srv.url}/echo`))).body as string);
      assert.equal(root.headers.cookie, 'sess=abc');
      const only = await e.request(req(`${srv.url}/only/echo`));
      assert.equal(only.body, 'scoped=1; sess=abc'); // longer path first
      // jar: null sends nothing
      const none = JSON.parse((await e.request(req(`${srv.url}/echo`, { jar: null }))).body as string);
      assert.equal(none.headers.cookie, undefined);
    } finally {
      await e.close();
    }
  });

  test('cookies set on a redirect hop are sent on the next hop', async () => {
    const e = createHttpEngine();
    try {
      const res = await e.request(req(`${srv.url}/setcookie-redirect`));
      assert.equal(JSON.parse(res.body as string).headers.cookie, 'hop=1');
    } finally {
      await e.close();
    }
  });

  test('request-scoped cookies: replace hides the jar cookie, otherwise both are sent; never stored', async () => {
    const e = createHttpEngine();
    try {
      e.jarSet('vu', `${srv.url}/`, 'k', 'jar');
      const both = JSON.parse((await e.request(req(`${srv.url}/echo`, { cookies: { k: { value: 'req', replace: false } } }))).body as string);
      assert.equal(both.headers.cookie, 'k=jar; k=req');
      const repl = await e.request(req(`${srv.url}/echo`, { cookies: { k: { value: 'req', replace: true } } }));
      assert.equal(JSON.parse(repl.body as string).headers.cookie, 'k=req');
      assert.deepEqual({ ...repl.request.cookies }, { k: [{ name: 'k', value: 'req', replace: true }] });
      assert.deepEqual({ ...e.jarCookiesForURL('vu', `${srv.url}/`) }, { k: ['jar'] });
    } finally {
      await e.close();
    }
  });

  test('jar API: separate jars, domain rules, delete and clear', async () => {
    const e = createHttpEngine();
    try {
      const j = e.newJar();
      e.jarSet(j, 'http://a.example.com/', 'x', '1', { domain: 'example.com' });
      e.jarSet(j, 'http://a.example.com/', 'bad', '1', { domain: 'other.com' }); // silently rejected
      e.jarSet(j, 'http://a.example.com/p/q', 'p', '2', { path: '/p' });
      assert.deepEqual({ ...e.jarCookiesForURL(j, 'http://b.example.com/') }, { x: ['1'] });
      assert.deepEqual({ ...e.jarCookiesForURL(j, 'http://a.example.com/p/z') }, { p: ['2'], x: ['1'] });
      assert.deepEqual({ ...e.jarCookiesForURL('vu', 'http://a.example.com/') }, {});
      e.jarDelete(j, 'http://a.example.com/p/z', 'p');
      assert.deepEqual({ ...e.jarCookiesForURL(j, 'http://a.example.com/p/z') }, { x: ['1'] });
      e.jarClear(j, 'http://a.example.com/');
      assert.deepEqual({ ...e.jarCookiesForURL(j, 'http://a.example.com/') }, {});
      e.jarSet(j, 'https://s.example.com/', 's', '1', { secure: true });
      assert.deepEqual({ ...e.jarCookiesForURL(j, 'http://s.example.com/') }, {});
      assert.deepEqual({ ...e.jarCookiesForURL(j, 'https://s.example.com/') }, { s: ['1'] });
    } finally {
      await e.close();
    }
  });
});

describe('request errors', () => {
  test('invalid URL → 1020; unsupported or missing scheme → 1000; never touches the network', async () => {
    const bad = await engine.request(req('http://[::1'));
    assert.equal(bad.error_code, 1020);
    assert.match(bad.error, /^invalid URL/);
    assert.equal(bad.status, 0);
    assert.equal(bad.body, null);
    const ftp = await engine.request(req('ftp://127.0.0.1/'));
    assert.equal(ftp.error_code, 1000);
    assert.equal(ftp.error, 'unsupported protocol scheme "ftp"');
    const none = await engine.request(req('host.example/path'));
    assert.equal(none.error_code, 1000);
    assert.equal(none.error, 'unsupported protocol scheme ""');
  });

  test('connection refused on a closed port: 1212, ConnectionRefused, message names the target', async () => {
    const port = await closedPort();
    const res = await engine.request(req(`http://127.0.0.1:${port}/`));
    assert.equal(res.status, 0);
    assert.equal(res.error, 'dial: connection refused');
    assert.equal(res.error_code, 1212);
    assert.equal(res.failure?.reason, 'ConnectionRefused');
    assert.ok(res.failure!.message.includes(`127.0.0.1:${port}`), res.failure!.message);
    assert.match(res.failure!.message, /nothing listening, or a firewall rejecting/);
    assert.match(res.failure!.message, /after [\d.]+ m?s/);
    assert.equal(res.url, `http://127.0.0.1:${port}/`);
    assert.deepEqual(res.headers, {});
  });

  test('unknown host: DNSLookupFailed with 1101 (NXDOMAIN) or 1100', async () => {
    const res = await engine.request(req('http://no-such-host.invalid/'));
    assert.equal(res.failure?.reason, 'DNSLookupFailed');
    assert.ok(res.error_code === 1101 || res.error_code === 1100, String(res.error_code));
    if (res.error_code === 1101) assert.equal(res.error, 'lookup: no such host');
  });

  test('slow headers: RequestTimeout 1050 after the request timeout', async () => {
    const started = Date.now();
    const res = await engine.request(req(`${srv.url}/slow-headers`, { timeoutMs: 300 }));
    const took = Date.now() - started;
    assert.equal(res.error, 'request timeout');
    assert.equal(res.error_code, 1050);
    assert.equal(res.failure?.reason, 'RequestTimeout');
    assert.match(res.failure!.message, /within 300 ms/);
    assert.match(res.failure!.message, /waiting for the response headers/);
    assert.ok(took >= 280 && took < 2500, `took ${took}`);
  });

  test('the caller\'s signal cancels a request (reported as a timeout of the current phase)', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const res = await engine.request(req(`${srv.url}/slow-headers`, { timeoutMs: 10_000 }), ac.signal);
    assert.equal(res.error_code, 1050);
    assert.equal(res.failure?.reason, 'RequestTimeout');
    assert.match(res.failure!.message, /cancelled/);
  });

  test('reset before the response → ConnectionReset 1220; FIN without response → ConnectionReset', async () => {
    const rst = await tcpServer((s) => s.once('data', () => s.resetAndDestroy()));
    const fin = await tcpServer((s) => s.once('data', () => s.end()));
    try {
      const a = await engine.request(req(`${rst.url}/`));
      assert.equal(a.error_code, 1220);
      assert.equal(a.error, 'read: connection reset by peer');
      assert.equal(a.failure?.reason, 'ConnectionReset');
      assert.ok(a.failure!.message.includes(`127.0.0.1:${rst.port}`));
      const b = await engine.request(req(`${fin.url}/`));
      assert.equal(b.status, 0);
      assert.equal(b.failure?.reason, 'ConnectionReset');
      assert.match(b.failure!.message, /closed the connection without a response/);
    } finally {
      await rst.close();
      await fin.close();
    }
  });

  test('reset in the middle of the body → ConnectionReset 1220 while reading the body', async () => {
    const mid = await tcpServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
        setTimeout(() => s.resetAndDestroy(), 50);
      }),
    );
    try {
      const res = await engine.request(req(`${mid.url}/`));
      assert.equal(res.status, 0);
      assert.equal(res.body, null);
      assert.equal(res.error_code, 1220);
      assert.equal(res.failure?.reason, 'ConnectionReset');
      assert.match(res.failure!.message, /reading the body/);
    } finally {
      await mid.close();
    }
  });

  test('a closed engine refuses new requests without throwing', async () => {
    const e = createHttpEngine();
    await e.close();
    const res = await e.request(req(`${srv.url}/hello`));
    assert.equal(res.status, 0);
    assert.equal(res.failure?.reason, 'NetworkError');
  });
});

describe('connections', () => {
  test('a second request reuses the connection (connecting 0), a new engine dials anew', async () => {
    const e = createHttpEngine();
    try {
      const a = await e.request(req(`${srv.url}/hello`));
      const b = await e.request(req(`${srv.url}/hello`));
      assert.ok(a.timings.connecting > 0);
      assert.equal(b.timings.connecting, 0);
      assert.equal(a.local_port, b.local_port);
    } finally {
      await e.close();
    }
    const e2 = createHttpEngine();
    try {
      const c = await e2.request(req(`${srv.url}/hello`));
      assert.ok(c.timings.connecting > 0);
    } finally {
      await e2.close();
    }
  });

  test('parallel requests each get their own connection and their own addresses', async () => {
    const e = createHttpEngine();
    try {
      const rs = await Promise.all([1, 2, 3].map(() => e.request(req(`${srv.url}/hello`))));
      assert.ok(rs.every((r) => r.status === 200));
      assert.equal(new Set(rs.map((r) => r.local_port)).size, 3);
    } finally {
      await e.close();
    }
  });
});
