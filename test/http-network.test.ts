// The ways a target can be unreachable from a runner, as the engine reports them:
// silent drop, an IP allowlist (by source address), `hosts` overrides, proxies, egress IP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { createHttpEngine } from '../src/http/engine.js';
import { lookupEgressIp, parseEgressIpBody } from '../src/http/egress-ip.js';
import { httpServer, listen, req, closedPort, type Running } from './fixtures/http/helpers.js';
import { startProxy } from './fixtures/http/proxy.js';
import { haveOpenssl, makePki } from './fixtures/http/certs.js';
import { dropSkipReason, runInNetns } from './fixtures/netns.js';

describe('silent drop (network namespace + iptables DROP)', () => {
  const skip = dropSkipReason();
  test('a dropped SYN is a ConnectTimeout (1211) within the connect timeout, not a refusal', { skip, timeout: 60_000 }, () => {
    const out = runInNetns<any>('./fixtures/http/drop-child.ts');
    assert.equal(out.reachable, 200, 'the port answers before the DROP rule');
    assert.equal(out.dropped.status, 0);
    assert.equal(out.dropped.error, 'dial: i/o timeout');
    assert.equal(out.dropped.error_code, 1211);
    assert.equal(out.dropped.failure.reason, 'ConnectTimeout');
    assert.match(out.dropped.failure.message, /packets are probably dropped by a firewall, security group or network policy/);
    assert.ok(out.dropped.failure.message.includes(`127.0.0.1:${out.port}`), out.dropped.failure.message);
    assert.match(out.dropped.failure.message, /from 127\.0\.0\.1:\d+/, 'names the source address and port');
    assert.ok(out.droppedMs >= 650 && out.droppedMs < 5_000, `connect timeout honoured: ${out.droppedMs} ms`);
    assert.ok(out.dropped.timings.connecting >= 650);
    // The request timeout firing during connect is also a connect timeout.
    assert.equal(out.short.error_code, 1211);
    assert.equal(out.short.failure.reason, 'ConnectTimeout');
    assert.ok(out.shortMs < 3_000);
  });
});

describe('IP allowlist seen by the target (localIPs)', () => {
  let srv: Running;
  before(async () => {
    // Answers like an L7 allowlist: only 127.0.0.2 is let in.
    srv = await httpServer((q, s) => {
      const from = q.socket.remoteAddress;
      s.statusCode = from === '127.0.0.2' ? 200 : 403;
      s.end(`you are ${from}`);
    });
  });
  after(() => srv.close());

  test('bound to 127.0.0.2: 200, local_ip shows the source the target saw', async () => {
    const e = createHttpEngine({ localIPs: ['127.0.0.2'] });
    try {
      const res = await e.request(req(`${srv.url}/`));
      assert.equal(res.status, 200);
      assert.equal(res.body, 'you are 127.0.0.2');
      assert.equal(res.local_ip, '127.0.0.2');
      assert.ok(res.local_port > 0);
      assert.equal(res.remote_ip, '127.0.0.1');
      assert.equal(res.remote_port, srv.port);
    } finally {
      await e.close();
    }
  });

  test('bound to 127.0.0.3: 403 with error_code 1403 and no network failure', async () => {
    const e = createHttpEngine({ localIPs: ['127.0.0.3'] });
    try {
      const res = await e.request(req(`${srv.url}/`));
      assert.equal(res.status, 403);
      assert.equal(res.error_code, 1403);
      assert.equal(res.error, '');
      assert.equal(res.failure, undefined);
      assert.equal(res.local_ip, '127.0.0.3');
    } finally {
      await e.close();
    }
  });

  test('a range is expanded and used round-robin per connection', async () => {
    const e = createHttpEngine({ localIPs: ['127.0.0.2-127.0.0.3'] });
    try {
      const rs = await Promise.all([e.request(req(`${srv.url}/a`)), e.request(req(`${srv.url}/b`))]);
      assert.deepEqual(rs.map((r) => r.local_ip).sort(), ['127.0.0.2', '127.0.0.3']);
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 403]);
    } finally {
      await e.close();
    }
  });

  test('a localIPs address of the wrong family fails with a message saying so', async () => {
    const e = createHttpEngine({ localIPs: ['::1'] });
    try {
      const res = await e.request(req(`${srv.url}/`));
      assert.equal(res.status, 0);
      assert.equal(res.failure?.reason, 'NetworkError');
      assert.match(res.failure!.message, /no localIPs address of the IPv4 family/);
    } finally {
      await e.close();
    }
  });
});

describe('IPv6 loopback', () => {
  test('[::1] targets: remote_ip and local_ip without brackets', async (t) => {
    let srv: Running;
    try {
      srv = await httpServer((_q, s) => s.end('v6'), '::1');
    } catch {
      t.skip('no IPv6 loopback on this host');
      return;
    }
    const e = createHttpEngine();
    try {
      const res = await e.request(req(`http://[::1]:${srv.port}/`));
      assert.equal(res.status, 200);
      assert.equal(res.remote_ip, '::1');
      assert.equal(res.local_ip, '::1');
      assert.equal(res.url, `http://[::1]:${srv.port}/`);
    } finally {
      await e.close();
      await srv.close();
    }
  });
});

describe('hosts override', () => {
  let srv: Running;
  before(async () => {
    srv = await httpServer((q, s) => s.end(JSON.stringify({ host: q.headers.host })));
  });
  after(() => srv.close());

  test('name → ip keeps the URL port and Host; name → ip:port changes only where we dial', async () => {
    const e = createHttpEngine({ hosts: { 'app.test': '127.0.0.1', 'api.test': `127.0.0.1:${srv.port}`, '*.wild.test': '127.0.0.1' } });
    try {
      const a = await e.request(req(`http://app.test:${srv.port}/`));
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body as string).host, `app.test:${srv.port}`);
      assert.equal(a.remote_ip, '127.0.0.1');
      const b = await e.request(req('http://api.test/'));
      assert.equal(b.status, 200);
      assert.equal(JSON.parse(b.body as string).host, 'api.test');
      assert.equal(b.remote_port, srv.port);
      const c = await e.request(req(`http://x.wild.test:${srv.port}/`));
      assert.equal(c.status, 200);
    } finally {
      await e.close();
    }
  });
});

describe('proxies', () => {
  let target: Running;
  before(async () => {
    target = await httpServer((q, s) => s.end(JSON.stringify({ host: q.headers.host, url: q.url, pa: q.headers['proxy-authorization'] ?? null })));
  });
  after(() => target.close());

  test('http target through an explicit proxy: absolute-form request, remote is the proxy', async () => {
    const proxy = await startProxy({ names: { 'app.test': '127.0.0.1' } });
    const e = createHttpEngine({ proxy: proxy.url });
    try {
      const res = await e.request(req(`http://app.test:${target.port}/p?q=1`));
      assert.equal(res.status, 200);
      assert.deepEqual(proxy.lines, [`GET http://app.test:${target.port}/p?q=1 HTTP/1.1`]);
      const got = JSON.parse(res.body as string);
      assert.equal(got.host, `app.test:${target.port}`);
      assert.equal(res.remote_ip, '127.0.0.1');
      assert.equal(res.remote_port, proxy.port);
    } finally {
      await e.close();
      await proxy.close();
    }
  });

  test('https target through HTTPS_PROXY from env: a CONNECT tunnel; NO_PROXY and loopback bypass it', { skip: haveOpenssl() ? false : 'openssl missing' }, async () => {
    const pki = makePki();
    const tlsTarget = await listen(https.createServer({ cert: pki.serverCert, key: pki.serverKey }, (q, s) => s.end(`tls ok ${q.headers.host}`)), '127.0.0.1');
    const proxy = await startProxy({ names: { 'secure.test': '127.0.0.1' } });
    const env = { HTTPS_PROXY: proxy.url, NO_PROXY: 'skip.test' };
    const e = createHttpEngine({ env, insecureSkipTLSVerify: true, hosts: { 'skip.test': '127.0.0.1' } });
    try {
      const res = await e.request(req(`https://secure.test:${tlsTarget.port}/`));
      assert.equal(res.status, 200, JSON.stringify(res.failure));
      assert.equal(res.body, `tls ok secure.test:${tlsTarget.port}`);
      assert.deepEqual(proxy.lines, [`CONNECT secure.test:${tlsTarget.port} HTTP/1.1`]);
      assert.equal(res.tls_version, 'tls1.3');
      // NO_PROXY: dialled directly (hosts override applies because we resolve it ourselves).
      const direct = await e.request(req(`https://skip.test:${tlsTarget.port}/`));
      assert.equal(direct.status, 200);
      // Loopback is never sent to an environment proxy (Go's rule, which k6 follows).
      const loop = await e.request(req(`https://127.0.0.1:${tlsTarget.port}/`));
      assert.equal(loop.status, 200);
      assert.equal(proxy.lines.length, 1);
    } finally {
      await e.close();
      await proxy.close();
      await tlsTarget.close();
      pki.cleanup();
    }
  });

  test('a proxy that wants credentials: CONNECT 407 is ProxyFailed; credentials in the proxy URL work and never leak', async () => {
    const auth = 'Basic ' + Buffer.from('pxuser:pxS3cretValue').toString('base64');
    const proxy = await startProxy({ auth, names: { 'app.test': '127.0.0.1' } });
    const noCreds = createHttpEngine({ proxy: proxy.url });
    const withCreds = createHttpEngine({ proxy: `http://pxuser:pxS3cretValue@127.0.0.1:${proxy.port}` });
    try {
      const denied = await noCreds.request(req(`https://app.test:${target.port}/`));
      assert.equal(denied.status, 0);
      assert.equal(denied.failure?.reason, 'ProxyFailed');
      assert.match(denied.failure!.message, /proxy requires authentication \(407/);
      assert.ok(denied.failure!.message.includes(`127.0.0.1:${proxy.port}`));
      // Plain http through the same proxy: the 407 comes back as a response, flagged as the proxy's.
      const fwd = await noCreds.request(req(`http://app.test:${target.port}/`));
      assert.equal(fwd.status, 407);
      assert.equal(fwd.error_code, 1407);
      assert.equal(fwd.failure?.reason, 'ProxyFailed');
      const ok = await withCreds.request(req(`http://app.test:${target.port}/`));
      assert.equal(ok.status, 200);
      assert.deepEqual(proxy.auths.slice(-1), [auth]);
      assert.equal(JSON.parse(ok.body as string).pa, null, 'Proxy-Authorization is not forwarded to the target');
      for (const r of [denied, fwd, ok]) assert.ok(!JSON.stringify(r.failure ?? {}).includes('pxS3cretValue'));
    } finally {
      await noCreds.close();
      await withCreds.close();
      await proxy.close();
    }
  });

  test('proxy failures say it was the proxy: refused proxy, CONNECT refused by the proxy', async () => {
    const port = await closedPort();
    const e = createHttpEngine({ proxy: `http://127.0.0.1:${port}` });
    const p502 = await startProxy({ connectStatus: 502 });
    const e2 = createHttpEngine({ proxy: p502.url });
    try {
      const res = await e.request(req(`http://app.test:${target.port}/`));
      assert.equal(res.status, 0);
      assert.equal(res.error_code, 1212);
      assert.equal(res.failure?.reason, 'ProxyFailed');
      assert.match(res.failure!.message, /^proxy: connection refused/);
      assert.ok(res.failure!.message.includes(`to proxy 127.0.0.1:${port}`), res.failure!.message);
      assert.match(res.failure!.message, /it was the proxy, not the target/);
      const r2 = await e2.request(req(`https://app.test:${target.port}/`));
      assert.equal(r2.failure?.reason, 'ProxyFailed');
      assert.match(r2.failure!.message, /CONNECT answered 502/);
    } finally {
      await e.close();
      await e2.close();
      await p502.close();
    }
  });
});

describe('egress IP lookup', () => {
  test('text and JSON echo bodies; failures come back as errors, never thrown', async () => {
    const srv = await httpServer((q, s) => {
      if (q.url === '/text') s.end('203.0.113.7\n');
      else if (q.url === '/json') s.end('{"ip":"2001:db8::7"}');
      else if (q.url === '/garbage') s.end('<html>hi</html>');
      else {
        s.statusCode = 500;
        s.end();
      }
    });
    try {
      assert.deepEqual(await lookupEgressIp(`${srv.url}/text`), { ip: '203.0.113.7' });
      assert.deepEqual(await lookupEgressIp(`${srv.url}/json`), { ip: '2001:db8::7' });
      const g = await lookupEgressIp(`${srv.url}/garbage`);
      assert.ok('error' in g && /no IP address/.test(g.error));
      const f = await lookupEgressIp(`${srv.url}/fail?token=topsecret`);
      assert.ok('error' in f && /500/.test(f.error));
      assert.ok(!f.error.includes('topsecret'), f.error);
      const port = await closedPort();
      const r = await lookupEgressIp(`http://127.0.0.1:${port}/`);
      assert.ok('error' in r && /connection refused/.test(r.error));
      const bad = await lookupEgressIp('not a url');
      assert.ok('error' in bad);
    } finally {
      await srv.close();
    }
    assert.equal(parseEgressIpBody('{"origin":"198.51.100.1, 10.0.0.1"}'), '198.51.100.1');
    assert.equal(parseEgressIpBody('nope'), null);
  });

  test('the egress IP is quoted in failure messages', async () => {
    const port = await closedPort();
    const e = createHttpEngine({ egressIp: '198.51.100.7' });
    try {
      const res = await e.request(req(`http://127.0.0.1:${port}/`));
      assert.match(res.failure!.message, /the target sees this runner as 198\.51\.100\.7/);
    } finally {
      await e.close();
    }
  });
});
