// TLS verification, trust options, hostname checks, versions and client certificates.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type * as tls from 'node:tls';
import { createHttpEngine } from '../src/http/engine.js';
import { tlsFailure } from '../src/http/causes.js';
import { haveOpenssl, makePki, type TestPki } from './fixtures/http/certs.js';
import { listen, tcpServer, httpServer, req, type Running } from './fixtures/http/helpers.js';

const skip = haveOpenssl() ? false : 'openssl is not installed: cannot make test certificates';

describe('TLS', { skip }, () => {
  let pki: TestPki;
  let signed: Running;
  let self: Running;
  let mtls: Running;
  let lastSni: string | undefined;

  before(async () => {
    pki = makePki();
    const handler = (rq: import('node:http').IncomingMessage, rs: import('node:http').ServerResponse) => {
      const sock = rq.socket as tls.TLSSocket;
      lastSni = (sock as tls.TLSSocket & { servername?: string }).servername;
      const peer = sock.getPeerCertificate?.();
      rs.end(JSON.stringify({ host: rq.headers.host, peer: peer && peer.subject ? peer.subject.CN : null }));
    };
    signed = await listen(https.createServer({ cert: pki.serverCert, key: pki.serverKey }, handler), '127.0.0.1');
    self = await listen(https.createServer({ cert: pki.selfCert, key: pki.selfKey }, handler), '127.0.0.1');
    mtls = await listen(https.createServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true }, handler), '127.0.0.1');
  });

  after(async () => {
    await Promise.all([signed?.close(), self?.close(), mtls?.close()]);
    pki?.cleanup();
  });

  const url = (r: Running, host = '127.0.0.1') => `https://${host}:${r.port}/`;

  test('an untrusted CA fails the handshake: 1310, TLSHandshakeFailed, hint to --ca', async () => {
    const e = createHttpEngine();
    try {
      const res = await e.request(req(url(signed)));
      assert.equal(res.status, 0);
      assert.equal(res.error, 'x509: unknown authority');
      assert.equal(res.error_code, 1310);
      assert.equal(res.failure?.reason, 'TLSHandshakeFailed');
      assert.match(res.failure!.message, /unknown authority/);
      assert.match(res.failure!.message, /--ca/);
      assert.ok(res.failure!.message.includes(`127.0.0.1:${signed.port}`));
      const s = await e.request(req(url(self)));
      assert.equal(s.error_code, 1310);
    } finally {
      await e.close();
    }
  });

  test('trusted through `ca` (added to the default roots): 200 with tls_version and cipher', async () => {
    const e = createHttpEngine({ ca: [pki.caCert] });
    try {
      const res = await e.request(req(url(signed)));
      assert.equal(res.status, 200);
      assert.equal(res.tls_version, 'tls1.3');
      assert.match(res.tls_cipher_suite, /^TLS_/);
      assert.ok(res.timings.tls_handshaking > 0);
      assert.equal(res.remote_ip, '127.0.0.1');
    } finally {
      await e.close();
    }
  });

  test('insecureSkipTLSVerify accepts a self-signed certificate', async () => {
    const e = createHttpEngine({ insecureSkipTLSVerify: true });
    try {
      const res = await e.request(req(url(self)));
      assert.equal(res.status, 200);
      assert.equal(res.error_code, 0);
    } finally {
      await e.close();
    }
  });

  test('hostname mismatch: 1311 even with a trusted CA; `hosts` keeps SNI and Host as the name', async () => {
    const e = createHttpEngine({ ca: [pki.caCert], hosts: { 'wrong.test': '127.0.0.1' } });
    try {
      const res = await e.request(req(`https://wrong.test:${signed.port}/`));
      assert.equal(res.error, "x509: certificate doesn't match hostname");
      assert.equal(res.error_code, 1311);
      assert.equal(res.failure?.reason, 'TLSHandshakeFailed');
      assert.match(res.failure!.message, /wrong\.test/);
    } finally {
      await e.close();
    }
    // With verification off the request gets through, showing what was sent for the name.
    const e2 = createHttpEngine({ insecureSkipTLSVerify: true, hosts: { 'api.test': `127.0.0.1:${signed.port}` } });
    try {
      lastSni = undefined;
      const r2 = await e2.request(req('https://api.test/'));
      assert.equal(r2.status, 200);
      assert.equal(lastSni, 'api.test');
      assert.equal(JSON.parse(r2.body as string).host, 'api.test');
      assert.equal(r2.remote_ip, '127.0.0.1');
      assert.equal(r2.remote_port, signed.port);
    } finally {
      await e2.close();
    }
  });

  test('tlsVersion caps the protocol', async () => {
    const e = createHttpEngine({ ca: [pki.caCert], tlsVersion: { max: 'tls1.2' } });
    try {
      const res = await e.request(req(url(signed)));
      assert.equal(res.status, 200);
      assert.equal(res.tls_version, 'tls1.2');
    } finally {
      await e.close();
    }
  });

  test('tlsAuth presents a client certificate for matching domains only', async () => {
    const withCert = createHttpEngine({ ca: [pki.caCert], tlsAuth: [{ domains: ['127.0.0.1'], cert: pki.clientCert, key: pki.clientKey }] });
    const otherDomain = createHttpEngine({ ca: [pki.caCert], tlsAuth: [{ domains: ['example.com'], cert: pki.clientCert, key: pki.clientKey }] });
    try {
      const ok = await withCert.request(req(url(mtls)));
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body as string).peer, 'runner');
      const no = await otherDomain.request(req(url(mtls)));
      assert.equal(no.status, 0);
      assert.ok(no.failure, 'a request without the client certificate must fail');
    } finally {
      await withCert.close();
      await otherDomain.close();
    }
  });

  test('https to a plain-HTTP port: 1301, the server did not answer with TLS', async () => {
    const plain = await httpServer((_q, s) => s.end('plain'));
    const e = createHttpEngine();
    try {
      const res = await e.request(req(`https://127.0.0.1:${plain.port}/`));
      assert.equal(res.error_code, 1301);
      assert.equal(res.failure?.reason, 'TLSHandshakeFailed');
    } finally {
      await e.close();
      await plain.close();
    }
  });

  test('a reset during the handshake counts as TLSHandshakeFailed (code 1220)', async () => {
    const rst = await tcpServer((s) => s.once('data', () => s.resetAndDestroy()));
    const e = createHttpEngine();
    try {
      const res = await e.request(req(`https://127.0.0.1:${rst.port}/`));
      assert.equal(res.error_code, 1220);
      assert.equal(res.failure?.reason, 'TLSHandshakeFailed');
      assert.match(res.failure!.message, /reset during the TLS handshake/);
    } finally {
      await e.close();
      await rst.close();
    }
  });

  test('a silent TLS port (no ServerHello) fails within the connect timeout', async () => {
    const silent = await tcpServer(() => {});
    const e = createHttpEngine({ connectTimeoutMs: 300 });
    try {
      const t0 = Date.now();
      const res = await e.request(req(`https://127.0.0.1:${silent.port}/`, { timeoutMs: 5_000 }));
      assert.equal(res.failure?.reason, 'TLSHandshakeFailed');
      assert.match(res.failure!.message, /did not finish within 300 ms/);
      assert.ok(Date.now() - t0 < 3_000);
    } finally {
      await e.close();
      await silent.close();
    }
  });
});

test('expired and not-yet-valid certificates are told apart from unknown authorities', () => {
  const exp = tlsFailure({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, {});
  assert.equal(exp.reason, 'TLSHandshakeFailed');
  assert.equal(exp.code, 1300);
  assert.match(exp.what, /expired/);
  const unk = tlsFailure({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'x' }, {});
  assert.equal(unk.code, 1310);
  const proto = tlsFailure({ code: 'ERR_SSL_UNSUPPORTED_PROTOCOL', message: 'unsupported protocol' }, {});
  assert.match(proto.what, /no common TLS version/);
});
