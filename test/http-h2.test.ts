// HTTP/2 negotiated by ALPN over TLS, as k6 does: h2 when the server offers it, HTTP/1.1
// when it does not, HTTP/1.1 only when forced; per-request connection facts stay exact.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type * as net from 'node:net';
import { createHttpEngine, godebugDisablesH2 } from '../src/http/engine.js';
import { haveOpenssl, makePki, type TestPki } from './fixtures/http/certs.js';
import { listen, req, type Running } from './fixtures/http/helpers.js';
import { startProxy } from './fixtures/http/proxy.js';

const skip = haveOpenssl() ? false : 'openssl is not installed: cannot make test certificates';

interface Seen {
  httpVersion: string;
  method: string;
  path: string;
  remotePort: number;
  remoteAddress: string;
  body: string;
  userAgent: string | undefined;
}

describe('HTTP/2', { skip }, () => {
  let pki: TestPki;
  let h2only: Running;
  let both: Running;
  let h1only: Running;
  const seen: Seen[] = [];
  const connections = { h2only: 0, both: 0, h1only: 0 };

  const handler = (rq: http2.Http2ServerRequest | import('node:http').IncomingMessage, rs: http2.Http2ServerResponse | import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    rq.on('data', (c: Buffer) => chunks.push(c));
    rq.on('end', () => {
      const sock = rq.socket as net.Socket;
      seen.push({
        httpVersion: rq.httpVersion,
        method: rq.method!,
        path: rq.url!,
        remotePort: sock.remotePort!,
        remoteAddress: sock.remoteAddress!,
        body: Buffer.concat(chunks).toString(),
        userAgent: rq.headers['user-agent'] as string | undefined,
      });
      const u = new URL(rq.url!, 'https://x');
      if (u.pathname === '/redirect') {
        rs.writeHead(302, { location: '/final' });
        rs.end();
        return;
      }
      if (u.pathname === '/slow') {
        setTimeout(() => rs.end('late'), 150);
        return;
      }
      if (u.pathname === '/cookie') {
        rs.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      }
      rs.setHeader('content-type', 'text/plain');
      rs.setHeader('x-proto', rq.httpVersion);
      rs.end(`hello over ${rq.httpVersion}`);
    });
  };

  before(async () => {
    pki = makePki();
    const tlsOpts = { cert: pki.serverCert, key: pki.serverKey };
    const s1 = http2.createSecureServer({ ...tlsOpts, allowHTTP1: false }, handler);
    s1.on('secureConnection', () => connections.h2only++);
    h2only = await listen(s1 as unknown as net.Server, '127.0.0.1');
    const s2 = http2.createSecureServer({ ...tlsOpts, allowHTTP1: true }, handler);
    s2.on('secureConnection', () => connections.both++);
    both = await listen(s2 as unknown as net.Server, '127.0.0.1');
    const s3 = https.createServer(tlsOpts, handler);
    s3.on('secureConnection', () => connections.h1only++);
    h1only = await listen(s3, '127.0.0.1');
  });

  after(async () => {
    await Promise.all([h2only?.close(), both?.close(), h1only?.close()]);
    pki?.cleanup();
  });

  const url = (r: Running, path = '/') => `https://127.0.0.1:${r.port}${path}`;

  test('an h2-only TLS server works: proto HTTP/2.0, headers, body, exact addresses and timings', async () => {
    const e = createHttpEngine({ ca: [pki.caCert] });
    try {
      seen.length = 0;
      const res = await e.request(req(url(h2only)));
      assert.equal(res.failure, undefined, res.failure?.message);
      assert.equal(res.status, 200);
      assert.equal(res.status_text, '200 OK');
      assert.equal(res.proto, 'HTTP/2.0');
      assert.equal(res.body, 'hello over 2.0');
      assert.equal(res.headers['X-Proto'], '2.0');
      assert.equal(res.headers['Content-Type'], 'text/plain');
      assert.equal(res.tls_version, 'tls1.3');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.httpVersion, '2.0');
      // The server saw this request come from the local address and port the response names.
      assert.equal(res.remote_ip, '127.0.0.1');
      assert.equal(res.remote_port, h2only.port);
      assert.equal(res.local_ip, seen[0]!.remoteAddress);
      assert.equal(res.local_port, seen[0]!.remotePort);
      assert.ok(res.timings.connecting > 0);
      assert.ok(res.timings.tls_handshaking > 0);
      assert.ok(Math.abs(res.timings.duration - (res.timings.sending + res.timings.waiting + res.timings.receiving)) < 1e-6);
      assert.match(seen[0]!.userAgent ?? '', /k6-preflight/);
    } finally {
      await e.close();
    }
  });

  test('h2: a second request reuses the connection (no dial); POST bodies, cookies and redirects work', async () => {
    const e = createHttpEngine({ ca: [pki.caCert] });
    try {
      seen.length = 0;
      const before = connections.h2only;
      const a = await e.request(req(url(h2only, '/cookie')));
      const b = await e.request(req(url(h2only, '/redirect'), { method: 'POST', body: Buffer.from('payload'), headers: { 'Content-Type': 'text/plain' } }));
      assert.equal(a.proto, 'HTTP/2.0');
      assert.deepEqual(Object.keys(a.cookies).sort(), ['a', 'b']);
      assert.equal(b.status, 200);
      assert.equal(b.url, url(h2only, '/final'));
      assert.equal(b.proto, 'HTTP/2.0');
      assert.deepEqual(seen.map((s) => `${s.method} ${s.path} ${s.body}`), ['GET /cookie ', 'POST /redirect payload', 'GET /final ']);
      // The jar sent the cookies from the first response on the redirect's hop.
      assert.deepEqual(b.request.cookies.a?.[0]?.value, '1');
      assert.equal(connections.h2only - before, 1, 'one connection for three requests');
      assert.equal(b.timings.connecting, 0);
      assert.equal(b.timings.tls_handshaking, 0);
      assert.equal(b.local_port, a.local_port);
    } finally {
      await e.close();
    }
  });

  test('h2: waiting is told apart from sending, and a timeout names the wait for headers', async () => {
    const e = createHttpEngine({ ca: [pki.caCert] });
    try {
      const slow = await e.request(req(url(h2only, '/slow')));
      assert.equal(slow.status, 200);
      assert.ok(slow.timings.waiting >= 100, `waiting ${slow.timings.waiting}`);
      const cut = await e.request(req(url(h2only, '/slow'), { timeoutMs: 60 }));
      assert.equal(cut.status, 0);
      assert.equal(cut.failure?.reason, 'RequestTimeout');
      assert.match(cut.failure!.message, /waiting for the response headers/);
    } finally {
      await e.close();
    }
  });

  test('a server that does not offer h2 gets HTTP/1.1', async () => {
    const e = createHttpEngine({ ca: [pki.caCert] });
    try {
      const res = await e.request(req(url(h1only)));
      assert.equal(res.status, 200);
      assert.equal(res.proto, 'HTTP/1.1');
      assert.equal(res.body, 'hello over 1.1');
    } finally {
      await e.close();
    }
  });

  test('HTTP/1.1 can be forced (http1 option, GODEBUG=http2client=0 as in k6)', async () => {
    const forced = createHttpEngine({ ca: [pki.caCert], http1: true });
    const viaEnv = createHttpEngine({ ca: [pki.caCert], env: { GODEBUG: 'x=1,http2client=0' } });
    const dflt = createHttpEngine({ ca: [pki.caCert], env: {} });
    try {
      const a = await forced.request(req(url(both)));
      assert.equal(a.proto, 'HTTP/1.1');
      assert.equal(a.body, 'hello over 1.1');
      const b = await viaEnv.request(req(url(both)));
      assert.equal(b.proto, 'HTTP/1.1');
      const c = await dflt.request(req(url(both)));
      assert.equal(c.proto, 'HTTP/2.0');
      // An h2-only server refuses an HTTP/1.1-only client: a failure, never a pass.
      const d = await forced.request(req(url(h2only)));
      assert.equal(d.status, 0);
      assert.equal(d.failure?.reason, 'TLSHandshakeFailed');
      assert.match(d.failure!.message, /application protocols \(ALPN\)/);
      assert.match(d.failure!.message, /--http1/);
      assert.ok(d.failure!.message.includes(`127.0.0.1:${h2only.port}`), d.failure!.message);
    } finally {
      await Promise.all([forced.close(), viaEnv.close(), dflt.close()]);
    }
  });

  test('a hostile h2 server: header blocks and bodies over the limits end as ResponseTooLarge', async () => {
    // Node's own servers refuse to send header blocks this large; lift that, as a hostile server would.
    const s = http2.createSecureServer({ cert: pki.serverCert, key: pki.serverKey, allowHTTP1: false, maxSendHeaderBlockLength: 1 << 20 }, (rq, rs) => {
      if (rq.url === '/headers') {
        // 40 × 4000 bytes: well over the 64 KiB header cap that applies to HTTP/1.1 too.
        for (let i = 0; i < 40; i++) rs.setHeader(`x-big-${i}`, 'a'.repeat(4000));
        rs.end('x');
        return;
      }
      rs.write(Buffer.alloc(256 * 1024));
      rs.end(Buffer.alloc(256 * 1024));
    });
    const srv = await listen(s as unknown as net.Server, '127.0.0.1');
    const e = createHttpEngine({ ca: [pki.caCert], maxBodyBytes: 128 * 1024 });
    try {
      const h = await e.request(req(url(srv, '/headers')));
      assert.equal(h.status, 0);
      assert.equal(h.failure?.reason, 'ResponseTooLarge');
      assert.equal(h.error, 'net/http: response headers too large');
      const b = await e.request(req(url(srv, '/body')));
      assert.equal(b.status, 0);
      assert.equal(b.failure?.reason, 'ResponseTooLarge');
      assert.match(b.failure!.message, /larger than 128 KiB/);
    } finally {
      await e.close();
      await srv.close();
    }
  });

  test('h2 through a CONNECT proxy: negotiated end to end inside the tunnel', async () => {
    const proxy = await startProxy({ names: { localhost: '127.0.0.1' } });
    const e = createHttpEngine({ proxy: proxy.url, ca: [pki.caCert], env: {} });
    try {
      seen.length = 0;
      const res = await e.request(req(`https://localhost:${h2only.port}/`));
      assert.equal(res.failure, undefined, res.failure?.message);
      assert.equal(res.proto, 'HTTP/2.0');
      assert.equal(seen[0]?.httpVersion, '2.0');
      assert.deepEqual(proxy.lines, [`CONNECT localhost:${h2only.port} HTTP/1.1`]);
      assert.equal(res.remote_port, proxy.port, 'the connection facts name the proxy the runner dialled');
    } finally {
      await e.close();
      await proxy.close();
    }
  });

  test('plain http:// stays HTTP/1.1 (no h2c)', async () => {
    const s = await listen(http2.createServer({}, handler) as unknown as net.Server, '127.0.0.1');
    const e = createHttpEngine();
    try {
      const res = await e.request(req(`http://127.0.0.1:${s.port}/`, { timeoutMs: 1000 }));
      // A prior-knowledge h2c server cannot parse HTTP/1.1: the request fails rather than passing.
      assert.equal(res.status, 0);
      assert.ok(res.failure);
    } finally {
      await e.close();
      await s.close();
    }
  });
});

test('GODEBUG parsing: only http2client=0 turns HTTP/2 off', () => {
  assert.equal(godebugDisablesH2({ GODEBUG: 'http2client=0' }), true);
  assert.equal(godebugDisablesH2({ GODEBUG: 'tls13=1, http2client=0' }), true);
  assert.equal(godebugDisablesH2({ GODEBUG: 'http2client=1' }), false);
  assert.equal(godebugDisablesH2({ GODEBUG: 'xhttp2client=0' }), false);
  assert.equal(godebugDisablesH2({}), false);
});
