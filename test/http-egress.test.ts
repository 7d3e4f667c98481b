// Egress policy: allowlists, literal-IP tricks, redirects, `hosts`, and metadata addresses.
// Denied requests must fail before any connection: the servers count connections to prove it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEgressPolicy, isMetadataAddress } from '../src/http/egress.js';
import { createHttpEngine } from '../src/http/engine.js';
import { httpServer, req, type Running } from './fixtures/http/helpers.js';
import { startProxy } from './fixtures/http/proxy.js';

describe('policy', () => {
  test('without allowHosts everything but metadata is allowed', () => {
    const p = createEgressPolicy([]);
    assert.equal(p.restricted, false);
    assert.deepEqual(p.checkName('example.com'), { allowed: true });
    assert.deepEqual(p.checkAddress('example.com', '93.184.216.34'), { allowed: true });
    assert.equal(p.checkAddress('x', '169.254.169.254').allowed, false);
    assert.equal(p.checkAddress('x', 'fd00:ec2::254').allowed, false);
    assert.equal(p.checkAddress('x', '::ffff:169.254.169.254').allowed, false);
    assert.equal(p.checkName('metadata.google.internal')?.allowed, false);
  });

  test('names, *.domain, IPs and CIDRs', () => {
    const p = createEgressPolicy(['api.example.com', '*.svc.local', '10.1.0.0/16', '192.0.2.7', '2001:db8::/32']);
    assert.equal(p.restricted, true);
    // names decide per address (metadata still checked), unknown names with CIDRs present too
    assert.deepEqual(p.checkAddress('api.example.com', '203.0.113.9'), { allowed: true });
    assert.deepEqual(p.checkAddress('a.b.svc.local', '203.0.113.9'), { allowed: true });
    assert.equal(p.checkAddress('svc.local', '203.0.113.9').allowed, false, '*.svc.local does not match svc.local itself');
    assert.deepEqual(p.checkAddress('other.example.com', '10.1.2.3'), { allowed: true });
    assert.equal(p.checkAddress('other.example.com', '10.2.0.1').allowed, false);
    assert.deepEqual(p.checkAddress('192.0.2.7', '192.0.2.7'), { allowed: true });
    assert.deepEqual(p.checkAddress('x', '2001:db8:1::1'), { allowed: true });
    assert.equal(p.checkAddress('x', '2001:db9::1').allowed, false);
    const denied = p.checkAddress('other.example.com', '10.2.0.1');
    assert.ok(!denied.allowed && denied.code === 1110);
  });

  test('a name matching nothing is denied before DNS when there are no IP entries (1111)', () => {
    const p = createEgressPolicy(['*.example.com']);
    const d = p.checkName('evil.test');
    assert.ok(d && !d.allowed && d.code === 1111);
    assert.equal(p.checkName('www.example.com'), undefined);
  });

  test('unusual literal forms are the same address to the policy', () => {
    const p = createEgressPolicy(['127.0.0.1']);
    for (const lit of ['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '0x7f.1', '::ffff:127.0.0.1', '[::ffff:7f00:1]']) {
      assert.deepEqual(p.checkName(lit), { allowed: true }, lit);
    }
    const q = createEgressPolicy(['10.0.0.0/8']);
    for (const lit of ['127.1', '2130706433', '::ffff:127.0.0.1', '0x7f000001']) {
      const d = q.checkName(lit);
      assert.ok(d && !d.allowed && d.code === 1110, lit);
    }
  });

  test('through a proxy only name entries can allow a name (the address is never seen)', () => {
    const p = createEgressPolicy(['10.0.0.0/8', 'api.example.com']);
    assert.deepEqual(p.checkProxied('api.example.com'), { allowed: true });
    const d = p.checkProxied('other.example.com');
    assert.ok(!d.allowed && d.code === 1111);
    assert.deepEqual(p.checkProxied('10.1.1.1'), { allowed: true });
    assert.equal(p.checkProxied('127.0.0.1').allowed, false);
    assert.deepEqual(createEgressPolicy([]).checkProxied('anything.test'), { allowed: true });
    assert.equal(createEgressPolicy([]).checkProxied('169.254.169.254').allowed, false);
  });

  test('metadata is allowed only by an explicit IP/CIDR entry (or exact metadata name)', () => {
    assert.equal(createEgressPolicy(['*']).checkAddress('x', '169.254.169.254').allowed, false);
    assert.equal(createEgressPolicy(['metadata.test']).checkAddress('metadata.test', '169.254.169.254').allowed, false);
    assert.equal(createEgressPolicy(['169.254.169.254']).checkAddress('x', '169.254.169.254').allowed, true);
    assert.equal(createEgressPolicy(['169.254.0.0/16']).checkAddress('x', '169.254.169.254').allowed, true);
    assert.equal(createEgressPolicy(['metadata.google.internal']).checkName('metadata.google.internal'), undefined);
    assert.ok(isMetadataAddress('2852039166'));
    assert.ok(!isMetadataAddress('169.254.169.253'));
  });
});

describe('engine enforcement', () => {
  let a: Running & { server: import('node:http').Server }; // 127.0.0.1
  let b: Running & { server: import('node:http').Server }; // 127.0.0.2
  let connsA = 0;
  let connsB = 0;
  before(async () => {
    a = await httpServer((q, s) => {
      const u = new URL(q.url!, 'http://x');
      if (u.pathname === '/go') {
        s.writeHead(302, { Location: u.searchParams.get('to')! });
        s.end();
        return;
      }
      s.end('a');
    });
    a.server.on('connection', () => connsA++);
    b = await httpServer((_q, s) => s.end('b'), '127.0.0.2');
    b.server.on('connection', () => connsB++);
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  test('a literal IP not in the allowlist: 1110 EgressDenied, no connection made', async () => {
    const e = createHttpEngine({ allowHosts: ['localhost'] });
    try {
      const before = connsA;
      const res = await e.request(req(`http://127.0.0.1:${a.port}/`));
      assert.equal(res.status, 0);
      assert.equal(res.error_code, 1110);
      assert.equal(res.error, 'ip is blocked by the egress policy');
      assert.equal(res.failure?.reason, 'EgressDenied');
      assert.match(res.failure!.message, /--allow-host/);
      assert.equal(connsA, before);
      // The allowed name reaches the same server.
      const ok = await e.request(req(`http://localhost:${a.port}/`));
      assert.equal(ok.status, 200);
    } finally {
      await e.close();
    }
  });

  test('literal-IP tricks cannot reach a denied address', async () => {
    const e = createHttpEngine({ allowHosts: ['192.0.2.0/24'] });
    try {
      const before = connsA;
      for (const host of ['127.1', '2130706433', '0x7f000001', '0177.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
        const res = await e.request(req(`http://${host}:${a.port}/`));
        assert.equal(res.error_code, 1110, host);
        assert.equal(res.failure?.reason, 'EgressDenied', host);
      }
      assert.equal(connsA, before);
    } finally {
      await e.close();
    }
  });

  test('an allowed address written oddly is still allowed (same address)', async () => {
    const e = createHttpEngine({ allowHosts: ['127.0.0.1'] });
    try {
      const res = await e.request(req(`http://2130706433:${a.port}/`));
      assert.equal(res.status, 200);
      assert.equal(res.remote_ip, '127.0.0.1');
    } finally {
      await e.close();
    }
  });

  test('a redirect to a denied host is stopped on that hop', async () => {
    const e = createHttpEngine({ allowHosts: ['127.0.0.1'] });
    try {
      const before = connsB;
      const to = `http://127.0.0.2:${b.port}/`;
      const res = await e.request(req(`http://127.0.0.1:${a.port}/go?to=${encodeURIComponent(to)}`));
      assert.equal(res.status, 0);
      assert.equal(res.error_code, 1110);
      assert.equal(res.failure?.reason, 'EgressDenied');
      assert.equal(res.url, to);
      assert.equal(connsB, before);
      // Without the policy the same redirect is followed.
      const open = createHttpEngine();
      try {
        const r2 = await open.request(req(`http://127.0.0.1:${a.port}/go?to=${encodeURIComponent(to)}`));
        assert.equal(r2.body, 'b');
      } finally {
        await open.close();
      }
    } finally {
      await e.close();
    }
  });

  test('a redirect to a metadata address is denied without an allowlist', async () => {
    const e = createHttpEngine();
    try {
      const res = await e.request(req(`http://127.0.0.1:${a.port}/go?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`));
      assert.equal(res.error_code, 1110);
      assert.equal(res.failure?.reason, 'EgressDenied');
      assert.match(res.failure!.message, /cloud metadata/);
    } finally {
      await e.close();
    }
  });

  test('the check applies to the address actually dialled: a hosts override to a denied IP', async () => {
    const e = createHttpEngine({ allowHosts: ['127.0.0.2'], hosts: { 'app.test': '127.0.0.1' } });
    try {
      const before = connsA;
      const res = await e.request(req(`http://app.test:${a.port}/`));
      assert.equal(res.error_code, 1110);
      assert.match(res.failure!.message, /app\.test resolved to 127\.0\.0\.1/);
      assert.equal(connsA, before);
    } finally {
      await e.close();
    }
  });

  test('a name that matches nothing is denied as a hostname (1111) without a lookup', async () => {
    const e = createHttpEngine({ allowHosts: ['*.example.com'] });
    try {
      const res = await e.request(req(`http://localhost:${a.port}/`));
      assert.equal(res.error_code, 1111);
      assert.equal(res.error, 'hostname is blocked by the egress policy');
      assert.equal(res.timings.blocked < 50, true);
    } finally {
      await e.close();
    }
  });

  test('metadata addresses are denied by default in every spelling, before any connection', async () => {
    const e = createHttpEngine({ hosts: { 'meta.test': '169.254.169.254' }, connectTimeoutMs: 100 });
    try {
      for (const u of [
        'http://169.254.169.254/latest/meta-data/iam/',
        'http://2852039166/',
        'http://0xa9fea9fe/',
        'http://[::ffff:169.254.169.254]/',
        'http://[fd00:ec2::254]/',
        'http://meta.test/',
      ]) {
        const t0 = Date.now();
        const res = await e.request(req(u, { timeoutMs: 2_000 }));
        assert.equal(res.error_code, 1110, u);
        assert.equal(res.failure?.reason, 'EgressDenied', u);
        assert.equal(res.timings.connecting, 0, u);
        assert.ok(Date.now() - t0 < 100, `${u} denied immediately`);
      }
      const named = await e.request(req('http://metadata.google.internal/computeMetadata/v1/'));
      assert.equal(named.error_code, 1111);
      assert.equal(named.failure?.reason, 'EgressDenied');
    } finally {
      await e.close();
    }
  });

  test('a proxied request to a name outside the allowlist never reaches the proxy', async () => {
    const proxy = await startProxy({ names: { 'app.test': '127.0.0.1' } });
    const e = createHttpEngine({ proxy: proxy.url, allowHosts: ['10.0.0.0/8'] });
    const ok = createHttpEngine({ proxy: proxy.url, allowHosts: ['app.test'] });
    try {
      const res = await e.request(req(`http://app.test:${a.port}/`));
      assert.equal(res.error_code, 1111);
      assert.equal(res.failure?.reason, 'EgressDenied');
      assert.deepEqual(proxy.lines, []);
      const r2 = await ok.request(req(`http://app.test:${a.port}/`));
      assert.equal(r2.status, 200);
      assert.equal(proxy.lines.length, 1);
    } finally {
      await e.close();
      await ok.close();
      await proxy.close();
    }
  });
});
