// The built-in check for grpc://, grpcs:// and ws:// URLs: the same runner, verdicts and
// reasons as an HTTP check, against loopback servers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkableUrl, urlCheckRunner } from '../src/attempt/url-check.js';
import type { AttemptResult } from '../src/attempt/types.js';
import { createRedactor } from '../src/http/redact.js';
import type { EngineOptions } from '../src/http/types.js';
import { startGrpcServer, type GrpcTestServer } from './fixtures/grpc/server.js';
import { startWsServer, type WsTestServer } from './fixtures/ws/server.js';
import { freePort } from './fixtures/grpc/ports.js';
import { haveOpenssl, makePki, type TestPki } from './fixtures/http/certs.js';

let grpc: GrpcTestServer;
let ws: WsTestServer;
before(async () => {
  grpc = await startGrpcServer();
  ws = await startWsServer();
});
after(async () => {
  await grpc.close();
  await ws.close();
});

function check(url: string, engine: Partial<EngineOptions> = {}): Promise<AttemptResult> {
  const runner = urlCheckRunner({ url: checkableUrl(url), method: 'GET', expect: [[200, 399]], headers: {} }, engine, createRedactor());
  return runner({ attempt: 1, deadline: Date.now() + 5000, signal: new AbortController().signal });
}

test('grpc://: SERVING passes, for the server and for a named service', async () => {
  const all = await check(`grpc://${grpc.address}`);
  assert.equal(all.outcome, 'passed', all.message);
  assert.match(all.message, /SERVING \(the server\)/);
  assert.equal(all.requests[0]!.grpc_status, 0);
  const named = await check(`grpc://${grpc.address}/main.FeatureExplorer`);
  assert.equal(named.outcome, 'passed', named.message);
});

test('grpc://: NOT_SERVING and an unknown service fail with UnexpectedStatus', async () => {
  grpc.setServing('main.Lab', 'NOT_SERVING');
  const ns = await check(`grpc://${grpc.address}/main.Lab`);
  assert.equal(ns.outcome, 'failed');
  assert.equal(ns.reason, 'UnexpectedStatus');
  assert.match(ns.message, /NOT_SERVING for service "main\.Lab" from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+, expected SERVING/);
  const unknown = await check(`grpc://${grpc.address}/nope`);
  assert.equal(unknown.reason, 'UnexpectedStatus');
  assert.match(unknown.message, /gRPC status NotFound \(5\): unknown service/);
});

test('grpc://: refused, egress denied, and an HTTP/1.1 port are told apart', async () => {
  const port = await freePort();
  const refused = await check(`grpc://127.0.0.1:${port}`);
  assert.equal(refused.reason, 'ConnectionRefused');
  assert.match(refused.message, new RegExp(`connection refused (from \\S+ )?to 127\\.0\\.0\\.1:${port}`));
  const denied = await check(`grpc://${grpc.address}`, { allowHosts: ['example.com'] });
  assert.equal(denied.reason, 'EgressDenied');
  const notGrpc = await check(`grpc://127.0.0.1:${ws.port}`);
  assert.equal(notGrpc.outcome, 'failed');
  assert.match(notGrpc.message, /did not speak HTTP\/2|not a gRPC server/);
});

test('grpcs://: TLS with the configured trust', { skip: !haveOpenssl() && 'openssl is not installed' }, async () => {
  const pki: TestPki = makePki();
  const tlsSrv = await startGrpcServer({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  try {
    const untrusted = await check(`grpcs://localhost:${tlsSrv.port}`);
    assert.equal(untrusted.reason, 'TLSHandshakeFailed');
    assert.match(untrusted.message, /unknown authority/);
    const trusted = await check(`grpcs://localhost:${tlsSrv.port}`, { ca: [pki.caCert] });
    assert.equal(trusted.outcome, 'passed', trusted.message);
  } finally {
    await tlsSrv.close();
    pki.cleanup();
  }
});

test('ws://: the upgrade succeeds; a refused upgrade names its status and the L7 hint', async () => {
  const ok = await check(ws.url('/echo'));
  assert.equal(ok.outcome, 'passed', ok.message);
  assert.match(ok.message, /101 Switching Protocols \(from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+\)/);
  const refused = await check(ws.url('/forbidden'));
  assert.equal(refused.reason, 'UnexpectedStatus');
  assert.match(refused.message, /403 Forbidden .* an L7 allowlist, WAF or authentication is the likely cause/);
  const missing = await check(ws.url('/nothing-here'));
  assert.match(missing.message, /404 Not Found/);
});

test('check URLs: schemes and a gRPC URL without a port are usage errors', () => {
  assert.throws(() => checkableUrl('ftp://x'), /only http:\/\/, https:\/\/, tcp:\/\/, tls:\/\/, grpc:\/\/, grpcs:\/\/, ws:\/\/, wss:\/\/ URLs/);
  assert.throws(() => checkableUrl('grpc://x'), /needs a port/);
  assert.equal(checkableUrl('wss://x/ws'), 'wss://x/ws');
});

test('a TestRun connectivityCheck accepts grpc://, grpcs://, ws:// and wss:// URLs', async () => {
  const { PRE_TEST_VALIDATION_SCHEMA } = await import('../src/manifest/schema-json.js');
  const { validateSchema } = await import('../src/manifest/schema.js');
  type Node = Parameters<typeof validateSchema>[1];
  for (const url of ['grpc://orders:50051', 'GRPCS://orders:443/orders.v1.Orders', 'ws://chat/ws', 'wss://chat/ws']) {
    const errors = validateSchema({ enabled: true, connectivityCheck: { url } }, PRE_TEST_VALIDATION_SCHEMA as Node, 'pv');
    assert.deepEqual(errors, [], url);
  }
  const bad = validateSchema({ enabled: true, connectivityCheck: { url: 'tcp+x://a' } }, PRE_TEST_VALIDATION_SCHEMA as Node, 'pv');
  assert.equal(bad.length, 1);
});
