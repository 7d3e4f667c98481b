// The built-in tcp:// and tls:// checks: one connection through the engine's dial path,
// the same reasons and messages as HTTP, certificate facts and --min-cert-validity.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkableUrl, urlCheckRunner, CHECKERS } from '../src/attempt/url-check.js';
import { humanSpan, parseValidity } from '../src/attempt/conn-check.js';
import type { AttemptEvent, AttemptResult } from '../src/attempt/types.js';
import type { CreateEngineOptions } from '../src/http/engine.js';
import { createRedactor } from '../src/http/redact.js';
import { UsageError } from '../src/errors.js';
import { parseManifestText } from '../src/manifest/documents.js';
import { findTestRun, readPreTestValidation } from '../src/manifest/testrun.js';
import { haveOpenssl } from './fixtures/http/certs.js';
import { makeDatedPki, type DatedPki } from './fixtures/http/dated-certs.js';
import { closedPort, listen, tcpServer, type Running } from './fixtures/http/helpers.js';
import { cli, jsonLines } from './helpers/cli.js';
import { dropSkipReason, runInNetns } from './fixtures/netns.js';

const DAY = 86_400_000;

async function runCheck(url: string, flags: CreateEngineOptions = {}, extra: { minCertValidityMs?: number } = {}, timeoutMs = 5_000): Promise<{ r: AttemptResult; events: AttemptEvent[] }> {
  const events: AttemptEvent[] = [];
  const runner = urlCheckRunner({ url: checkableUrl(url), method: 'GET', expect: [[200, 399]], headers: {}, ...extra }, flags, createRedactor({}));
  const ac = new AbortController();
  const r = await runner({ attempt: 1, deadline: Date.now() + timeoutMs, signal: ac.signal, onEvent: (e) => events.push(e) });
  return { r, events };
}

describe('tcp://', () => {
  let srv: Running;
  const peers: number[] = [];
  before(async () => {
    srv = await tcpServer((s) => {
      peers.push(s.remotePort!);
      s.end();
    });
  });
  after(() => srv.close());

  test('a listening port passes; the message names source and target, the record has the facts', async () => {
    const { r, events } = await runCheck(`tcp://127.0.0.1:${srv.port}`);
    assert.equal(r.outcome, 'passed', r.message);
    assert.equal(r.reason, undefined);
    const rec = r.requests[0]!;
    assert.equal(rec.method, 'TCP');
    assert.equal(rec.url, `tcp://127.0.0.1:${srv.port}`);
    assert.equal(rec.remote_ip, '127.0.0.1');
    assert.equal(rec.remote_port, srv.port);
    assert.equal(rec.local_ip, '127.0.0.1');
    await new Promise((res) => setTimeout(res, 20));
    assert.ok(peers.includes(rec.local_port), 'the server saw the connection from the port the record names');
    assert.match(r.message, new RegExp(`^tcp://127\\.0\\.0\\.1:${srv.port} → connected from 127\\.0\\.0\\.1:${rec.local_port} to 127\\.0\\.0\\.1:${srv.port} in `));
    assert.equal(events.filter((e) => e.type === 'request').length, 1);
  });

  test('a closed port is ConnectionRefused (1212), naming the target', async () => {
    const port = await closedPort();
    const { r } = await runCheck(`tcp://127.0.0.1:${port}`);
    assert.equal(r.outcome, 'failed');
    assert.equal(r.reason, 'ConnectionRefused');
    assert.equal(r.requests[0]!.error_code, 1212);
    assert.ok(r.message.includes(`to 127.0.0.1:${port}`), r.message);
    // The source port the refused SYN came from, as a firewall log would show it.
    assert.match(r.message, /connection refused from 127\.0\.0\.1:\d+ to /);
    assert.ok(r.requests[0]!.local_port > 0);
    assert.match(r.message, /nothing listening, or a firewall rejecting/);
  });

  test('an unknown host is DNSLookupFailed; a denied address is EgressDenied and is never dialled', async () => {
    const dns = await runCheck('tcp://no-such-host.invalid:5432');
    assert.equal(dns.r.reason, 'DNSLookupFailed');
    assert.match(dns.r.message, /no-such-host\.invalid/);
    const before = peers.length;
    const denied = await runCheck(`tcp://127.0.0.1:${srv.port}`, { allowHosts: ['10.0.0.0/8'] });
    assert.equal(denied.r.reason, 'EgressDenied');
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(peers.length, before, 'no connection reached the server');
  });

  test('a hosts override is honoured (name → loopback address and port)', async () => {
    const { r } = await runCheck('tcp://db.example.test:1', { hosts: { 'db.example.test': `127.0.0.1:${srv.port}` } });
    assert.equal(r.outcome, 'passed', r.message);
    assert.match(r.message, /\(db\.example\.test\)/);
  });

  test('an attempt cancelled before its connect fails (ConnectTimeout, "cancelled"), never passes', async () => {
    const runner = urlCheckRunner({ url: `tcp://127.0.0.1:${srv.port}`, method: 'GET', expect: [], headers: {} }, {}, createRedactor({}));
    const ac = new AbortController();
    ac.abort();
    const r = await runner({ attempt: 1, deadline: Date.now() + 5_000, signal: ac.signal });
    assert.equal(r.outcome, 'failed');
    assert.equal(r.reason, 'ConnectTimeout');
    assert.match(r.message, /cancelled/);
  });
});

test('tcp:// to a port whose packets are dropped is a ConnectTimeout with the source address', { skip: dropSkipReason(), timeout: 60_000 }, () => {
  const out = runInNetns<any>('./fixtures/http/drop-tcp-child.ts');
  assert.equal(out.before.outcome, 'passed', 'the port accepts connections before the DROP rule');
  assert.equal(out.dropped.outcome, 'failed');
  assert.equal(out.dropped.reason, 'ConnectTimeout');
  assert.match(out.dropped.message, /packets are probably dropped/);
  assert.match(out.dropped.message, /from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+/);
  assert.equal(out.dropped.requests[0].error_code, 1211);
});

describe('tls://', { skip: haveOpenssl() ? false : 'openssl is not installed: cannot make test certificates' }, () => {
  let pki: DatedPki;
  const servers: Running[] = [];
  let good: Running;
  let expired: Running;
  let soon: Running;
  let h2only: Running;
  const now = Date.now();

  const tlsServer = async (c: { cert: string; key: string }) => {
    const s = await listen(tls.createServer(c, (sock) => sock.end()), '127.0.0.1');
    servers.push(s);
    return s;
  };

  before(async () => {
    pki = makeDatedPki();
    good = await tlsServer(pki.leaf('good', new Date(now - DAY), new Date(now + 30 * DAY)));
    expired = await tlsServer(pki.leaf('expired', new Date(now - 10 * DAY), new Date(now - DAY)));
    soon = await tlsServer(pki.leaf('soon', new Date(now - DAY), new Date(now + 2 * DAY)));
    const h2 = http2.createSecureServer({ ...pki.leaf('grpc', new Date(now - DAY), new Date(now + 30 * DAY)), allowHTTP1: false });
    h2only = await listen(h2 as unknown as net.Server, '127.0.0.1');
    servers.push(h2only);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    pki?.cleanup();
  });

  test('a trusted certificate passes; the message shows subject, issuer and expiry', async () => {
    const { r } = await runCheck(`tls://127.0.0.1:${good.port}`, { ca: [pki.caCert] });
    assert.equal(r.outcome, 'passed', r.message);
    assert.match(r.message, /TLS handshake \(tls1\.3\) from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+/);
    assert.match(r.message, /certificate "CN=good\.k6p\.test" issued by "CN=k6p dated test CA", expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 29d 23h\)/);
    assert.equal(r.requests[0]!.method, 'TLS');
    assert.equal(r.requests[0]!.proto, 'tls1.3');
    assert.ok(r.requests[0]!.timings.tls_handshaking > 0);
  });

  test('without the CA: TLSHandshakeFailed (unknown authority), still naming the certificate', async () => {
    const { r } = await runCheck(`tls://127.0.0.1:${good.port}`);
    assert.equal(r.reason, 'TLSHandshakeFailed');
    assert.match(r.message, /unknown authority/);
    assert.match(r.message, /certificate "CN=good\.k6p\.test" issued by "CN=k6p dated test CA"/);
  });

  test('an expired certificate fails the handshake and says when it expired', async () => {
    const { r } = await runCheck(`tls://127.0.0.1:${expired.port}`, { ca: [pki.caCert] });
    assert.equal(r.outcome, 'failed');
    assert.equal(r.reason, 'TLSHandshakeFailed');
    assert.match(r.message, /certificate expired/);
    assert.match(r.message, /certificate "CN=expired\.k6p\.test" issued by "CN=k6p dated test CA", expired \S+ \(1d ago\)/);
  });

  test('--min-cert-validity: a certificate expiring in 2 days fails 7d and passes 1d', async () => {
    const strict = await runCheck(`tls://127.0.0.1:${soon.port}`, { ca: [pki.caCert] }, { minCertValidityMs: 7 * DAY });
    assert.equal(strict.r.outcome, 'failed');
    assert.equal(strict.r.reason, 'CertificateExpiresSoon');
    assert.match(strict.r.message, /certificate "CN=soon\.k6p\.test" issued by "CN=k6p dated test CA", expires \S+ \(in 1d 23h\): sooner than --min-cert-validity 7d/);
    const lax = await runCheck(`tls://127.0.0.1:${soon.port}`, { ca: [pki.caCert] }, { minCertValidityMs: DAY });
    assert.equal(lax.r.outcome, 'passed', lax.r.message);
    const none = await runCheck(`tls://127.0.0.1:${soon.port}`, { ca: [pki.caCert] });
    assert.equal(none.r.outcome, 'passed');
  });

  test('--insecure skips verification but --min-cert-validity still applies', async () => {
    const r = await runCheck(`tls://127.0.0.1:${expired.port}`, { insecureSkipTLSVerify: true }, { minCertValidityMs: DAY });
    assert.equal(r.r.reason, 'CertificateExpiresSoon');
    assert.match(r.r.message, /expired \S+ \(1d ago\)/);
  });

  test('an HTTP/2-only server (a gRPC endpoint) passes: no ALPN protocol is imposed', async () => {
    const { r } = await runCheck(`tls://127.0.0.1:${h2only.port}`, { ca: [pki.caCert] });
    assert.equal(r.outcome, 'passed', r.message);
  });

  test('a server that never answers the ClientHello fails at the attempt deadline, naming the handshake', async () => {
    const mute = await tcpServer(() => {});
    try {
      const { r } = await runCheck(`tls://127.0.0.1:${mute.port}`, { ca: [pki.caCert] }, {}, 400);
      assert.equal(r.outcome, 'failed');
      assert.equal(r.reason, 'TLSHandshakeFailed');
      assert.match(r.message, /during the TLS handshake/);
      assert.ok(r.requests[0]!.timings.connecting > 0);
    } finally {
      await mute.close();
    }
  });

  test('a port that does not speak TLS is TLSHandshakeFailed, not a pass', async () => {
    const plain = await tcpServer((s) => s.end('SSH-2.0-OpenSSH\r\n'));
    try {
      const { r } = await runCheck(`tls://127.0.0.1:${plain.port}`, { ca: [pki.caCert] });
      assert.equal(r.outcome, 'failed');
      assert.equal(r.reason, 'TLSHandshakeFailed');
    } finally {
      await plain.close();
    }
  });
});

test('URLs: each scheme validated; unknown schemes list what is supported', () => {
  assert.equal(checkableUrl('tcp://db:5432'), 'tcp://db:5432');
  assert.equal(checkableUrl('tls://[::1]:443'), 'tls://[::1]:443');
  assert.throws(() => checkableUrl('tcp://db'), (e: Error) => e instanceof UsageError && /a port is required/.test(e.message));
  assert.throws(() => checkableUrl('tls://db:443/path'), (e: Error) => e instanceof UsageError && /only a host and a port/.test(e.message));
  assert.throws(() => checkableUrl('ftp://x/'), (e: Error) => e instanceof UsageError && /http:\/\/, https:\/\/, tcp:\/\/, tls:\/\//.test(e.message));
  assert.deepEqual([...CHECKERS.keys()].slice(0, 4), ['http:', 'https:', 'tcp:', 'tls:']);
});

test('--min-cert-validity values: days, Go durations, mixed; errors say how to write them', () => {
  assert.equal(parseValidity('min-cert-validity', '7d'), 7 * DAY);
  assert.equal(parseValidity('min-cert-validity', '1d12h'), 1.5 * DAY);
  assert.equal(parseValidity('min-cert-validity', '36h'), 1.5 * DAY);
  assert.throws(() => parseValidity('min-cert-validity', '7'), /write it like 7d/);
  assert.throws(() => parseValidity('min-cert-validity', '0d'), /greater than zero/);
  assert.equal(humanSpan(7 * DAY), '7d');
  assert.equal(humanSpan(DAY + 5 * 3_600_000), '1d 5h');
});

test('a TestRun connectivityCheck takes tcp:// and tls:// URLs, and minCertValidity for tls://', () => {
  const manifest = (check: string) => `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata: {name: t}
spec:
  preTestValidation:
    connectivityCheck: ${check}
`;
  const read = (check: string) => readPreTestValidation(findTestRun(parseManifestText(manifest(check), 'testrun.yaml')));
  const tcp = read('{url: "tcp://db.internal:5432"}');
  assert.equal(tcp.source?.kind, 'connectivityCheck');
  assert.equal(tcp.source?.kind === 'connectivityCheck' && tcp.source.url, 'tcp://db.internal:5432');
  const tlsCheck = read('{url: "tls://api.example.com:443", minCertValidity: 7d}');
  assert.equal(tlsCheck.source?.kind === 'connectivityCheck' && tlsCheck.source.minCertValidityMs, 7 * DAY);
});

describe('k6-preflight check tcp:// / tls:// (the built CLI)', () => {
  const FAST = ['--interval', '200ms', '--jitter', '0'];

  test('a port that opens later: refused attempts are retried with the reason, then the check succeeds', async () => {
    const port = await closedPort();
    let srv: net.Server | undefined;
    let opener: NodeJS.Timeout | undefined;
    try {
      // The port opens once the CLI has reported a refused attempt (bounded by the CLI's timeout).
      const r = await cli(['check', `tcp://127.0.0.1:${port}`, ...FAST, '--max-duration', '10s', '-o', 'json'], {
        onSpawn: (_kill, stdout) => {
          opener = setInterval(() => {
            if (!srv && stdout().includes('"ConnectionRefused"')) srv = net.createServer((s) => s.end()).listen(port, '127.0.0.1');
          }, 20);
        },
      });
      assert.equal(r.code, 0, r.stderr);
      const lines = jsonLines(r.stdout);
      const attempts = lines.filter((l) => l.type === 'attempt');
      assert.equal(attempts[0]!.reason, 'ConnectionRefused');
      assert.equal(attempts.at(-1)!.outcome, 'passed');
      const last = lines.at(-1)!;
      assert.equal(last.type, 'result');
      assert.equal(last.status.phase, 'Succeeded');
      assert.equal(last.status.target, `tcp://127.0.0.1:${port}`);
    } finally {
      clearInterval(opener);
      srv?.close();
    }
  });

  test('--min-cert-validity, and usage errors for flags that do not apply (exit 2)', { skip: haveOpenssl() ? false : 'no openssl' }, async () => {
    const pki = makeDatedPki();
    const now = Date.now();
    const srv = await listen(tls.createServer(pki.leaf('soon', new Date(now - DAY), new Date(now + 2 * DAY)), (s) => s.end()), '127.0.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'k6p-ca-'));
    writeFileSync(join(dir, 'ca.pem'), pki.caCert);
    try {
      const r = await cli(['check', `tls://127.0.0.1:${srv.port}`, '--ca', join(dir, 'ca.pem'), '--min-cert-validity', '7d', '--max-duration', '1s', ...FAST, '--fail-fast-on', 'CertificateExpiresSoon']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /CertificateExpiresSoon/);
      assert.match(r.stdout, /certificate "CN=soon\.k6p\.test" issued by "CN=k6p dated test CA", expires .* sooner than --min-cert-validity 7d/);
      const bad = await cli(['check', `tcp://127.0.0.1:${srv.port}`, '--expect', '200']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--expect: only for http:\/\/ and https:\/\/ checks, not tcp:\/\//);
      const noPort = await cli(['check', 'tls://example.com']);
      assert.equal(noPort.code, 2);
      assert.match(noPort.stderr, /a port is required/);
      const wrong = await cli(['check', 'https://127.0.0.1:1/', '--min-cert-validity', '7d']);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /--min-cert-validity: only for tls:\/\/ checks/);
    } finally {
      await srv.close();
      pki.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
