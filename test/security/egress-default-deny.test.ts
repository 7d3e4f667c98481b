// Class of attack: a script reads the runner's cloud credentials from a metadata or
// credential endpoint other than the well-known 169.254.169.254 (ECS task credentials, EKS
// Pod Identity, another provider's fixed address, an IPv6 or odd spelling of one). These are
// denied as classes, with or without an allowlist, before any connection; only an
// --allow-host entry that names the address (inside its class) opens it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEgressPolicy, defaultDenyClass } from '../../src/http/egress.js';
import { createHttpEngine } from '../../src/http/engine.js';
import { httpServer, req, type Running } from '../fixtures/http/helpers.js';

const DENIED: [string, string][] = [
  ['169.254.169.254', 'every provider\'s instance metadata'],
  ['169.254.170.2', 'AWS ECS task credentials'],
  ['169.254.170.23', 'AWS EKS Pod Identity'],
  ['169.254.42.42', 'Scaleway'],
  ['169.254.0.23', 'Tencent Cloud'],
  ['fe80::a9fe:a9fe', 'OpenStack IPv6 (link-local)'],
  ['fd00:ec2::254', 'AWS IPv6 metadata'],
  ['fd00:ec2::23', 'AWS EKS Pod Identity IPv6'],
  ['100.100.100.200', 'Alibaba Cloud'],
  ['fd00:100::100:200', 'Alibaba Cloud IPv6'],
  ['168.63.129.16', 'Azure WireServer'],
  ['192.0.0.192', 'Oracle Cloud'],
  ['fd00:c1::a9fe:a9fe', 'Oracle Cloud IPv6'],
  ['fd20:ce::254', 'Google Cloud IPv6'],
  ['fd00:42::42', 'Scaleway IPv6'],
  ['fd00:a9fe:a9fe::1', 'Akamai (Linode) IPv6'],
];
/** Other spellings of 169.254.170.2 that reach it. */
const SPELLINGS = ['2852039170', '0xa9feaa02', '169.254.43522', '[::ffff:169.254.170.2]', '[64:ff9b::a9fe:aa02]'];

const url = (host: string) => `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/credentials`;

describe('default deny of cloud credential endpoints', () => {
  let allowed: Running & { conns: number };
  before(async () => {
    const s = await httpServer((q, r) => {
      r.statusCode = 302;
      r.setHeader('Location', new URL(q.url!, 'http://x').searchParams.get('to')!);
      r.end();
    });
    allowed = Object.assign(s, { conns: 0 });
    s.server.on('connection', () => allowed.conns++);
  });
  after(() => allowed.close());

  it('every class is denied without an allowlist, before a connection, in every spelling', async () => {
    const e = createHttpEngine({ connectTimeoutMs: 300 });
    try {
      for (const host of [...DENIED.map(([ip]) => ip), ...SPELLINGS]) {
        const res = await e.request(req(url(host), { timeoutMs: 2_000 }));
        assert.equal(res.failure?.reason, 'EgressDenied', `${host}: ${res.failure?.reason} ${res.failure?.message}`);
        assert.equal(res.error_code, 1110, host);
        assert.equal(res.timings.connecting, 0, `${host} was dialled`);
        assert.match(res.failure!.message, /denied by default unless an --allow-host IP or CIDR entry inside that range names it/);
      }
    } finally {
      await e.close();
    }
  });

  it('a broad allowlist entry does not open them; one that names the address does', () => {
    for (const [ip, what] of DENIED) {
      const cls = defaultDenyClass(ip);
      assert.ok(cls, `${ip} (${what}) is in no default-deny class`);
      for (const broad of [['*'], ['0.0.0.0/0', '::/0'], ['169.0.0.0/8', 'fd00::/8', 'fc00::/7', 'fe80::/9']]) {
        assert.equal(createEgressPolicy(broad).checkAddress('x', ip).allowed, false, `${broad} opened ${ip}`);
      }
      assert.equal(createEgressPolicy([ip]).checkAddress('x', ip).allowed, true, `--allow-host ${ip} did not open it`);
      assert.equal(createEgressPolicy([cls.cidr]).checkAddress('x', ip).allowed, true, `--allow-host ${cls.cidr} did not open ${ip}`);
    }
    // Naming one address opens that one, not its neighbours.
    assert.equal(createEgressPolicy(['169.254.170.2']).checkAddress('x', '169.254.169.254').allowed, false);
    // A name entry never vouches for a default-denied address its DNS happens to give.
    assert.equal(createEgressPolicy(['api.example.com']).checkAddress('api.example.com', '169.254.170.2').allowed, false);
  });

  it('a redirect or a hosts override to one is denied; the allowed server saw only the first hop', async () => {
    const e = createHttpEngine({ connectTimeoutMs: 300, allowHosts: ['127.0.0.1', 'creds.test'], hosts: { 'creds.test': '169.254.170.2' } });
    try {
      const before = allowed.conns;
      const redirected = await e.request(req(`${allowed.url}/?to=${encodeURIComponent('http://[fd00:ec2::23]/v1/credentials')}`));
      assert.equal(redirected.failure?.reason, 'EgressDenied');
      assert.equal(allowed.conns, before + 1);
      const overridden = await e.request(req('http://creds.test/v2/credentials'));
      assert.equal(overridden.failure?.reason, 'EgressDenied');
      assert.match(overridden.failure!.message, /169\.254\.170\.2 is in 169\.254\.0\.0\/16/);
    } finally {
      await e.close();
    }
  });

  it('an --allow-host entry naming the address lets the request go out', async () => {
    const e = createHttpEngine({ connectTimeoutMs: 200, allowHosts: ['169.254.170.2'] });
    try {
      const res = await e.request(req(url('169.254.170.2'), { timeoutMs: 1_000 }));
      // Whatever the network does with it here, the policy no longer stops it.
      assert.notEqual(res.failure?.reason, 'EgressDenied', res.failure?.message);
    } finally {
      await e.close();
    }
  });
});
