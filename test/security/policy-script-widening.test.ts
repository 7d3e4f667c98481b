// Class of attack: a validation script (someone else's ConfigMap) widens the operator's
// network policy through its exported `options`: a `hosts` entry that points an allowed
// name at another address, `insecureSkipTLSVerify` that silences a certificate failure,
// `localIPs` outside the operator's, a `hosts` entry for the proxy's own name. The operator's
// flags (here the library's `network`, the same settings) are the authority: the script
// can only narrow them. Outcomes are asserted by reason, message and what the servers saw.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { engineOptionsFor } from '../../src/attempt/engine-options.js';
import { createHttpEngine } from '../../src/http/engine.js';
import { runOnce } from '../../src/index.js';
import { haveOpenssl, makePki, type TestPki } from '../fixtures/http/certs.js';
import { httpServer, listen, req, type Running } from '../fixtures/http/helpers.js';
import { startProxy, type TestProxy } from '../fixtures/http/proxy.js';

/** A loopback server that counts the connections it accepts and remembers their peers. */
async function counting(handler: Parameters<typeof httpServer>[0] = (_q, s) => s.end('reached')) {
  const srv = await httpServer(handler);
  const peers: string[] = [];
  srv.server.on('connection', (s: Socket) => peers.push(s.remoteAddress ?? ''));
  return Object.assign(srv, { peers });
}
type Counting = Awaited<ReturnType<typeof counting>>;

/**
 * One request under the settings an attempt builds from the script's exported `options` and
 * the operator's `network`: the same function the sandbox's `options` report goes through
 * (engineOptionsFor), without starting a sandbox for every case.
 */
async function attempt(url: string, options: object, network: object) {
  const eo = engineOptionsFor(options as Record<string, unknown>, network);
  const engine = createHttpEngine(eo.options);
  try {
    const r = await engine.request(req(url, { timeoutMs: 5_000 }));
    return { res: { passed: r.status === 200, notices: eo.notices }, request: { ...r, ...r.failure } };
  } finally {
    await engine.close();
  }
}

/** The same, end to end: a script in the sandbox, through the library. */
async function scriptAttempt(url: string, options: object, network: object) {
  const code = `import http from 'k6/http';
export const options = ${JSON.stringify(options)};
export default function () {
  const r = http.get(${JSON.stringify(url)});
  if (r.status !== 200) throw new Error('status ' + r.status + ' ' + r.error);
}`;
  const requests: { reason?: string; message?: string; status: number; local_ip: string }[] = [];
  const res = await runOnce({ code }, { network, timeout: '10s', onEvent: (e) => e.type === 'request' && requests.push(e.request as never) });
  return { res, request: requests[0]! };
}

describe('a script cannot widen the operator\'s policy', () => {
  let target: Counting;
  before(async () => {
    target = await counting((q, s) => {
      if (q.url === '/hop') {
        s.statusCode = 302;
        s.setHeader('Location', `http://api.example.test:${target.port}/`);
        return s.end();
      }
      s.end('reached');
    });
  });
  after(() => target.close());

  it('options.hosts cannot point an allowed name at an address the allowlist does not hold', async () => {
    const { res, request } = await scriptAttempt(`http://api.example.test:${target.port}/`, { hosts: { 'api.example.test': '127.0.0.1' } }, { allowHosts: ['api.example.test'] });
    assert.equal(res.passed, false);
    assert.equal(request.reason, 'EgressDenied');
    assert.match(request.message!, /script's options\.hosts entry api\.example\.test → 127\.0\.0\.1 was refused/);
    assert.equal(target.peers.length, 0, 'the target saw a connection');
  });

  it('an override is admitted by an IP/CIDR entry, or by the name\'s real DNS answer', async () => {
    const byCidr = await attempt(`http://api.example.test:${target.port}/`, { hosts: { 'api.example.test': '127.0.0.1' } }, { allowHosts: ['127.0.0.0/8'] });
    assert.equal(byCidr.res.passed, true, byCidr.request.message);
    // localhost really resolves to 127.0.0.1: pointing it there (another port) is no widening.
    const byDns = await attempt(`http://localhost/`, { hosts: { localhost: `127.0.0.1:${target.port}` } }, { allowHosts: ['localhost'] });
    assert.equal(byDns.res.passed, true, byDns.request.message);
    // ... but 127.0.0.2 is not in its answer.
    const peers = target.peers.length;
    const other = await attempt(`http://localhost/`, { hosts: { localhost: `127.0.0.2:${target.port}` } }, { allowHosts: ['localhost'] });
    assert.equal(other.request.reason, 'EgressDenied');
    assert.match(other.request.message!, /127\.0\.0\.2 is not an address localhost resolves to/);
    assert.equal(target.peers.length, peers);
  });

  it('a redirect onto a script-overridden name is checked like the first request', async () => {
    const before = target.peers.length;
    const { request } = await attempt(`http://localhost:${target.port}/hop`, { hosts: { 'api.example.test': '127.0.0.1' } }, { allowHosts: ['localhost', 'api.example.test'] });
    assert.equal(request.reason, 'EgressDenied');
    assert.match(request.message!, /options\.hosts entry api\.example\.test/);
    assert.equal(target.peers.length, before + 1, 'only the first hop connected');
  });

  it('the operator\'s --hosts wins over the script\'s entry for the same name', async () => {
    const decoy = await counting();
    try {
      const { res } = await attempt(`http://app.test/`, { hosts: { 'app.test': `127.0.0.1:${decoy.port}` } }, { hosts: { 'app.test': `127.0.0.1:${target.port}` } });
      assert.equal(res.passed, true);
      assert.equal(decoy.peers.length, 0);
      assert.ok(res.notices.some((n) => /options\.hosts\["app\.test"\] ignored/.test(n)), res.notices.join('\n'));
    } finally {
      await decoy.close();
    }
  });

  it('options.localIPs can only pick among the operator\'s source addresses', async () => {
    const peers = target.peers.length;
    const { res, request } = await attempt(`http://127.0.0.1:${target.port}/`, { localIPs: '127.0.0.3' }, { localIPs: ['127.0.0.2'] });
    assert.equal(res.passed, true, request.message);
    assert.deepEqual(target.peers.slice(peers), ['127.0.0.2']);
    assert.ok(res.notices.some((n) => /127\.0\.0\.3 not among --local-ips/.test(n)));
    // Without --local-ips the script may choose (it narrows "any address").
    const own = await attempt(`http://127.0.0.1:${target.port}/`, { localIPs: '127.0.0.3' }, {});
    assert.equal(own.res.passed, true);
    assert.equal(target.peers.at(-1), '127.0.0.3');
  });

  it('a script hosts entry never moves the operator\'s proxy', async () => {
    const decoy = await counting();
    const proxy: TestProxy = await startProxy({ names: { 'app.test': '127.0.0.1' } });
    try {
      const { res } = await attempt(`http://app.test:${target.port}/`, { hosts: { localhost: `127.0.0.1:${decoy.port}` } }, { proxy: `http://localhost:${proxy.port}` });
      assert.equal(res.passed, true);
      assert.equal(decoy.peers.length, 0, 'the proxy connection (and its credentials) went to the script\'s address');
      assert.equal(proxy.lines.length, 1);
    } finally {
      await Promise.all([decoy.close(), proxy.close()]);
    }
  });
});

describe('a script cannot turn certificate checks off', { skip: haveOpenssl() ? false : 'openssl is not installed' }, () => {
  let pki: TestPki;
  let self: Running;
  before(async () => {
    pki = makePki();
    self = await listen(https.createServer({ cert: pki.selfCert, key: pki.selfKey }, (_q, s) => s.end('ok')), '127.0.0.1');
  });
  after(async () => {
    await self?.close();
    pki?.cleanup();
  });

  it('insecureSkipTLSVerify from the script is ignored without --insecure', async () => {
    const url = `https://api.example.test:${self.port}/`;
    const opts = { hosts: { 'api.example.test': '127.0.0.1' }, insecureSkipTLSVerify: true };
    const { res, request } = await scriptAttempt(url, opts, { allowHosts: ['127.0.0.0/8'] });
    assert.equal(res.passed, false);
    assert.equal(request.reason, 'TLSHandshakeFailed');
    assert.ok(res.notices.some((n) => /insecureSkipTLSVerify ignored: only the operator/.test(n)), res.notices.join('\n'));
    // The operator's --insecure turns the checks off; the script may turn them back on.
    assert.equal((await attempt(url, opts, { allowHosts: ['127.0.0.0/8'], insecureSkipTLSVerify: true })).res.passed, true);
    const strict = await attempt(url, { ...opts, insecureSkipTLSVerify: false }, { allowHosts: ['127.0.0.0/8'], insecureSkipTLSVerify: true });
    assert.equal(strict.request.reason, 'TLSHandshakeFailed');
  });
});
