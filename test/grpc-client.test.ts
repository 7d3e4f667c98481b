// k6/net/grpc as real scripts in the sandbox against a loopback gRPC server (grpc-js):
// unary calls with .proto files and reflection, health checks, statuses, timeouts, and the
// failure classes of the dial path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScript } from './helpers/sandbox.js';
import { expectPass } from './fixtures/runtime/harness.js';
import { PROTO_DIR, startGrpcServer, type GrpcTestServer } from './fixtures/grpc/server.js';
import { freePort } from './fixtures/grpc/ports.js';

let srv: GrpcTestServer;
before(async () => {
  srv = await startGrpcServer();
});
after(async () => {
  await srv.close();
});

const protoFiles = { 'protos/route_guide.proto': readFileSync(join(PROTO_DIR, 'route_guide.proto'), 'utf8') };

const IS = `
import { check as __check } from 'k6';
const is = (name, got, want) => __check(got, { [name]: (g) => JSON.stringify(g) === JSON.stringify(want) }) ||
  console.error(name + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
`;

test('unary call with a .proto beside the script: k6 response shape, metadata both ways', async () => {
  const r = await expectPass(
    `${IS}
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
const methods = client.load(['protos'], 'route_guide.proto');
export default () => {
  is('methods', methods.map((m) => m.fullMethod).sort(), ['/main.FeatureExplorer/GetFeature', '/main.FeatureExplorer/ListFeatures', '/main.Lab/Echo', '/main.Lab/Fail', '/main.Lab/Hang', '/main.RouteGuide/RecordRoute']);
  is('method info', methods.find((m) => m.name === 'GetFeature'), { name: 'GetFeature', isClientStream: false, isServerStream: false, package: 'main', service: 'FeatureExplorer', fullMethod: '/main.FeatureExplorer/GetFeature' });
  is('connect', client.connect(__ENV.ADDR, { plaintext: true, timeout: '5s' }), true);
  const empty = client.invoke('/main.FeatureExplorer/GetFeature', {});
  is('unpopulated fields emitted', empty.message, { name: '', location: { latitude: 0, longitude: 0 } });
  const res = client.invoke('main.FeatureExplorer/GetFeature', { latitude: 410248224, longitude: -747127767 }, { metadata: { 'x-token': 'abc' } });
  is('status', res.status, grpc.StatusOK);
  is('message', res.message, { name: 'Patriots Path, Mendham, NJ 07945, USA', location: { latitude: 410248224, longitude: -747127767 } });
  is('error', res.error, null);
  is('header', res.headers['x-served-by'], ['loopback']);
  is('trailer', res.trailers['x-trailer'], ['end']);
  is('reserved headers left out', 'content-type' in res.headers || 'grpc-status' in res.trailers, false);
  client.close();
}`,
    { env: { ADDR: srv.address }, files: protoFiles },
  );
  assert.equal(srv.lastMetadata()['x-token'], 'abc');
  const reqs = r.requests.slice(1);
  assert.equal(reqs.length, 1);
  assert.equal(reqs[0]!.method, 'gRPC');
  assert.equal(reqs[0]!.url, `grpc://${srv.address}/main.FeatureExplorer/GetFeature`);
  assert.equal(reqs[0]!.grpc_status, 0);
  assert.equal(reqs[0]!.proto, 'HTTP/2.0');
  assert.equal(reqs[0]!.remote_ip, '127.0.0.1');
  assert.ok(reqs[0]!.local_port > 0);
  assert.equal(reqs[0]!.reason, undefined);
});

test('JSON mapping as k6 shows it: int64 as strings, enums by name, bytes base64, wrappers, oneof only when set', async () => {
  await expectPass(
    `${IS}
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
client.load(['protos'], 'route_guide.proto');
export default () => {
  client.connect(__ENV.ADDR, { plaintext: true });
  const res = client.invoke('main.Lab/Echo', { big: '9007199254740993', tags: ['a'], counts: { x: 2 }, kind: 'BIG', data: 'AAE=', note: 'hi', snakeCaseField: 's', b: 7 });
  is('status', res.status, grpc.StatusOK);
  is('message', res.message, { big: '9007199254740993', tags: ['a'], counts: { x: 2 }, kind: 'BIG', data: 'AAE=', note: 'hi', where: null, snakeCaseField: 's', b: 7 });
  const zero = client.invoke('main.Lab/Echo', {});
  is('zeros', zero.message, { big: '0', tags: [], counts: {}, kind: 'KIND_UNSPECIFIED', data: '', note: null, where: null, snakeCaseField: '' });
}`,
    { env: { ADDR: srv.address }, files: protoFiles },
  );
});

test('reflection: no .proto needed', async () => {
  await expectPass(
    `${IS}
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
export default () => {
  client.connect(__ENV.ADDR, { plaintext: true, reflect: true });
  const res = client.invoke('main.FeatureExplorer/GetFeature', { latitude: 410248224, longitude: -747127767 });
  is('status', res.status, grpc.StatusOK);
  is('name', res.message.name, 'Patriots Path, Mendham, NJ 07945, USA');
}`,
    { env: { ADDR: srv.address } },
  );
});

test('healthCheck: SERVING, NOT_SERVING and a named service', async () => {
  srv.setServing('main.Lab', 'NOT_SERVING');
  await expectPass(
    `${IS}
// Expected non-OK statuses: the checks decide, as a k6 threshold says (a non-OK call is a failed request).
export const options = { thresholds: { checks: ['rate==1'], http_req_failed: ['rate<=1'] } };
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
export default () => {
  client.connect(__ENV.ADDR, { plaintext: true });
  is('overall', client.healthCheck().status, grpc.HealthCheckServing);
  is('named', client.healthCheck('main.FeatureExplorer').status, grpc.HealthCheckServing);
  is('not serving', client.healthCheck('main.Lab').status, grpc.HealthCheckNotServing);
  let msg = '';
  try { client.healthCheck('nope'); } catch (e) { msg = e.message; }
  is('unknown service throws', /NotFound/.test(msg), true);
}`,
    { env: { ADDR: srv.address } },
  );
});

test('a non-OK status: response status and error, and a failed check names the gRPC status', async () => {
  const r = await runScript(
    `${IS}
import grpc from 'k6/net/grpc';
import { check } from 'k6';
const client = new grpc.Client();
client.load(['protos'], 'route_guide.proto');
export default () => {
  client.connect(__ENV.ADDR, { plaintext: true });
  const res = client.invoke('main.Lab/Fail', { latitude: 1 });
  is('status', res.status, grpc.StatusNotFound);
  is('error', res.error, { code: 5, message: 'no feature at this point', details: [] });
  is('message is the empty response', res.message, { name: '', location: null });
  check(res, { 'status is OK': (r) => r.status === grpc.StatusOK });
}`,
    { env: { ADDR: srv.address }, files: protoFiles },
  );
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'UnexpectedStatus');
  assert.match(r.message, /gRPC grpc:\/\/127\.0\.0\.1:\d+\/main\.Lab\/Fail failed: gRPC status NotFound \(5\): no feature at this point from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+/);
  assert.deepEqual(r.checks.map((c) => [c.name, c.fails]).filter(([n]) => n === 'status is OK'), [['status is OK', 1]]);
});

test('a call that hangs past its timeout: DeadlineExceeded, reason RequestTimeout', async () => {
  const r = await runScript(
    `${IS}
import grpc from 'k6/net/grpc';
import { check } from 'k6';
const client = new grpc.Client();
client.load(['protos'], 'route_guide.proto');
export default () => {
  client.connect(__ENV.ADDR, { plaintext: true });
  const res = client.invoke('main.Lab/Hang', {}, { timeout: '300ms' });
  is('status', res.status, grpc.StatusDeadlineExceeded);
  check(res, { 'answered': (r) => r.status === grpc.StatusOK });
}`,
    { env: { ADDR: srv.address }, files: protoFiles },
  );
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'RequestTimeout');
  assert.match(r.message, /no complete response within 300 ms \(connected; waiting for the response headers\) from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+/);
  assert.equal(srv.calls.get('Hang'), 1);
});

test('asyncInvoke settles through the event loop', async () => {
  await expectPass(
    `${IS}
// Expected non-OK statuses: the checks decide, as a k6 threshold says (a non-OK call is a failed request).
export const options = { thresholds: { checks: ['rate==1'], http_req_failed: ['rate<=1'] } };
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
client.load(['protos'], 'route_guide.proto');
export default async () => {
  client.connect(__ENV.ADDR, { plaintext: true });
  const [a, b] = await Promise.all([
    client.asyncInvoke('main.FeatureExplorer/GetFeature', { latitude: 410248224, longitude: 1 }),
    client.asyncInvoke('main.Lab/Fail', {}),
  ]);
  is('a', [a.status, a.message.name], [0, 'Patriots Path, Mendham, NJ 07945, USA']);
  is('b', b.status, grpc.StatusNotFound);
}`,
    { env: { ADDR: srv.address }, files: protoFiles },
  );
});

test('refused: connect throws and the verdict is ConnectionRefused naming the target', async () => {
  const port = await freePort();
  const r = await runScript(
    `import grpc from 'k6/net/grpc';
const client = new grpc.Client();
export default () => { client.connect('127.0.0.1:${port}', { plaintext: true }); }`,
  );
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'ConnectionRefused');
  assert.match(r.message, new RegExp(`connection refused (from 127\\.0\\.0\\.1:\\d+ )?to 127\\.0\\.0\\.1:${port}`));
  assert.equal(r.requests[0]!.error_code, 1212);
});

test('egress denied: nothing is dialled', async () => {
  const before = srv.calls.get('Check') ?? 0;
  const r = await runScript(
    `import grpc from 'k6/net/grpc';
const client = new grpc.Client();
export default () => { client.connect(__ENV.ADDR, { plaintext: true }); client.healthCheck(); }`,
    { env: { ADDR: srv.address }, engine: { allowHosts: ['10.0.0.0/8'] } },
  );
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'EgressDenied');
  assert.match(r.message, /denied by the egress policy/);
  assert.equal(srv.calls.get('Check') ?? 0, before);
});

test('init-context rules and clear errors', async () => {
  await expectPass(
    `${IS}
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
let initConnect = '';
try { client.connect('127.0.0.1:1', { plaintext: true }); } catch (e) { initConnect = e.message; }
let missing = '';
try { client.load([], 'nope.proto'); } catch (e) { missing = e.message; }
let outside = '';
try { client.load(['..'], 'x.proto'); } catch (e) { outside = e.message; }
export default () => {
  is('connect in init', initConnect, 'connecting to a gRPC server in the init context is not supported');
  is('missing file', /"nope.proto": no such file/.test(missing), true);
  is('outside the folder', /inside the script's folder/.test(outside), true);
  let loadLater = '';
  try { client.load([], 'x.proto'); } catch (e) { loadLater = e.message; }
  is('load after init', loadLater, 'load must be called in the init context');
  let noConn = '';
  try { client.invoke('main.X/Y', {}); } catch (e) { noConn = e.message; }
  is('invoke before connect', noConn, 'no gRPC connection, you must call connect first');
  let stream = '';
  try { new grpc.Stream({}, 'main.X/Y'); } catch (e) { stream = e.message; }
  is('a stream needs a client', stream, "invalid GRPC Stream's client: not a gRPC client");
}`,
  );
});

test('TLS (plaintext off): the configured trust decides, h2 negotiated through ALPN', async (t) => {
  const { haveOpenssl, makePki } = await import('./fixtures/http/certs.js');
  if (!haveOpenssl()) return t.skip('openssl is not installed');
  const pki = makePki();
  const tls = await startGrpcServer({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  const script = `import grpc from 'k6/net/grpc';
import { check } from 'k6';
const client = new grpc.Client();
export default () => {
  client.connect('localhost:${tls.port}', { reflect: true });
  const res = client.invoke('main.FeatureExplorer/GetFeature', { latitude: 410248224 });
  check(res, { ok: (r) => r.status === grpc.StatusOK });
}`;
  try {
    const untrusted = await runScript(script);
    assert.equal(untrusted.reason, 'TLSHandshakeFailed');
    assert.match(untrusted.message, /unknown authority/);
    const trusted = await runScript(script, { engine: { ca: [pki.caCert] } });
    assert.equal(trusted.outcome, 'passed', trusted.message);
    assert.equal(trusted.requests.at(-1)!.url, `grpcs://localhost:${tls.port}/main.FeatureExplorer/GetFeature`);
  } finally {
    await tls.close();
    pki.cleanup();
  }
});

test('loadProtoset: a FileDescriptorSet beside the script; discardResponseMessage', async () => {
  const protobuf = (await import('protobufjs')).default;
  await import('protobufjs/ext/descriptor.js');
  const descriptor = (await import('protobufjs/ext/descriptor.js')).default;
  const root = new protobuf.Root();
  protobuf.parse(protoFiles['protos/route_guide.proto'].replace('import "google/protobuf/wrappers.proto";', '').replace('google.protobuf.StringValue note = 6;', ''), root, { keepCase: true });
  root.resolveAll();
  const set = (root as unknown as { toDescriptor(s: string): object }).toDescriptor('proto3');
  const bytes = descriptor.FileDescriptorSet.encode(set as never).finish();
  await expectPass(
    `${IS}
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
const methods = client.loadProtoset('defs/route_guide.protoset');
export default () => {
  is('methods', methods.length, 6);
  client.connect(__ENV.ADDR, { plaintext: true });
  const res = client.invoke('main.FeatureExplorer/GetFeature', { latitude: 410248224, longitude: 1 });
  is('invoke', [res.status, res.message.name], [0, 'Patriots Path, Mendham, NJ 07945, USA']);
  const d = client.invoke('main.FeatureExplorer/GetFeature', { latitude: 1 }, { discardResponseMessage: true });
  is('discarded', [d.status, d.message], [0, {}]);
}`,
    { env: { ADDR: srv.address }, files: { 'defs/route_guide.protoset': bytes } },
  );
});

test('connect({ tls }): per-connection CAs and client certificate (mutual TLS), as k6 takes them', async (t) => {
  const { haveOpenssl, makePki } = await import('./fixtures/http/certs.js');
  if (!haveOpenssl()) return t.skip('openssl is not installed');
  const pki = makePki();
  const mtls = await startGrpcServer({ tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert } });
  const files = { 'certs/ca.pem': pki.caCert, 'certs/client.pem': pki.clientCert, 'certs/client.key': pki.clientKey };
  const script = (tls: string) => `${IS}
import grpc from 'k6/net/grpc';
const ca = open('certs/ca.pem'), cert = open('certs/client.pem'), key = open('certs/client.key');
const client = new grpc.Client();
export default () => {
  client.connect('localhost:${mtls.port}', { tls: ${tls} });
  is('serving', client.healthCheck().status, grpc.HealthCheckServing);
}`;
  try {
    const ok = await runScript(script('{ cacerts: [ca], cert, key }'), { files });
    assert.equal(ok.outcome, 'passed', ok.message);
    const noCert = await runScript(script('{ cacerts: [ca] }'), { files });
    assert.equal(noCert.reason, 'TLSHandshakeFailed');
    assert.match(noCert.message, /the server rejected the client certificate/);
    assert.equal(noCert.requests[0]!.url, `grpcs://localhost:${mtls.port}`);
    const bad = await runScript(script("{ cert: 'nope', key }"), { files });
    assert.match(bad.message, /invalid tls cert value, it needs to be a PEM formatted string/);
  } finally {
    await mtls.close();
    pki.cleanup();
  }
});

test('streams: server streaming and client streaming through the event loop; a failing stream is an error event and a failed request', async () => {
  const r = await runScript(
    `${IS}
import { Client, Stream, StatusOutOfRange } from 'k6/net/grpc';
const client = new Client();
client.load(['protos'], 'route_guide.proto');
export default () => {
  client.connect(__ENV.ADDR, { plaintext: true });
  const seen = [];
  const s = new Stream(client, 'main.FeatureExplorer/ListFeatures', null);
  s.on('data', (f) => seen.push(f.name));
  s.on('end', () => is('server streaming', seen, ['feature 0', 'feature 1', 'feature 2']));
  s.write({ lo: { latitude: 400000000, longitude: -750000000 }, hi: { latitude: 420000000, longitude: -730000000 } });

  const up = new Stream(client, 'main.RouteGuide/RecordRoute');
  up.on('data', (stats) => is('client streaming', [stats.pointCount, stats.distance], [3, 300]));
  for (let i = 0; i < 3; i++) up.write({ latitude: i, longitude: i });
  up.end();

  const bad = new Stream(client, 'main.FeatureExplorer/ListFeatures');
  const events = [];
  bad.on('error', (e) => events.push('error:' + e.code + ':' + e.message));
  bad.on('end', () => { events.push('end'); is('error then end', events, ['error:' + StatusOutOfRange + ':rectangle out of range', 'end']); });
  bad.write({ lo: { latitude: 1 } });
}`,
    { env: { ADDR: srv.address }, files: protoFiles },
  );
  assert.deepEqual(r.checks.map((c) => [c.name, c.passes, c.fails]).sort(), [['client streaming', 1, 0], ['error then end', 1, 0], ['server streaming', 1, 0]]);
  const failed = r.requests.find((q) => q.reason);
  assert.equal(failed?.reason, 'UnexpectedStatus');
  assert.match(failed!.message!, /gRPC status OutOfRange \(11\): rectangle out of range/);
});
