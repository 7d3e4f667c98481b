// k6's own gRPC and WebSocket example scripts, run unchanged with the built CLI against
// loopback stand-ins for their targets. The scripts are k6's, not ours, so they are not
// kept in this repository: point K6_EXAMPLES_DIR at a k6 checkout (the folder holding
// examples/) to run this file; without it the tests are skipped and say so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BUNDLE, ensureBuilt, runProcess } from './helpers/embed.js';
import { PROTO_DIR, startGrpcServer, type GrpcTestServer } from './fixtures/grpc/server.js';
import { startWsServer, type WsTestServer } from './fixtures/ws/server.js';
import { haveOpenssl, makePki, type TestPki } from './fixtures/http/certs.js';

const K6 = process.env.K6_EXAMPLES_DIR;
const skip = !K6 ? 'set K6_EXAMPLES_DIR to a k6 checkout to run k6\'s own examples' : !existsSync(join(K6, 'examples')) ? `${K6}/examples does not exist` : !haveOpenssl() ? 'openssl is not installed' : false;

let grpc: GrpcTestServer;
let ws: WsTestServer;
let wss: WsTestServer;
let pki: TestPki;
let dir: string;

before(async () => {
  if (skip) return;
  ensureBuilt();
  grpc = await startGrpcServer();
  ws = await startWsServer();
  pki = makePki();
  wss = await startWsServer({ tls: { cert: pki.serverCert, key: pki.serverKey } });
  dir = mkdtempSync(join(tmpdir(), 'k6p-k6-examples-'));
  // The stand-in definitions of route_guide's FeatureExplorer, beside the scripts.
  copyFileSync(join(PROTO_DIR, 'route_guide.proto'), join(dir, 'route_guide.proto'));
});

after(async () => {
  if (skip) return;
  await grpc.close();
  await ws.close();
  await wss.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Copies k6's example as it is and runs it once with the CLI. */
function run(example: string, args: string[]) {
  const dest = join(dir, example);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join(K6!, 'examples', example), dest);
  return runProcess(process.execPath, [BUNDLE, 'run', dest, '-o', 'json', ...args], { timeoutMs: 40_000 });
}
const result = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!).status;

for (const [example, extra] of [
  ['grpc_invoke.js', ['-e', 'GRPC_PROTO_PATH=route_guide.proto']],
  ['grpc_healthcheck.js', []],
  ['grpc_reflection.js', []],
] as const) {
  test(`${example} passes against a loopback gRPC server`, { skip }, async () => {
    const r = await run(example, ['-e', `GRPC_ADDR=${grpc.address}`, ...extra]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = result(r.stdout);
    assert.equal(st.phase, 'Succeeded');
    assert.ok(st.lastAttempt.checks.every((c: { fails: number }) => c.fails === 0));
  });
}

for (const example of ['grpc_server_streaming.js', 'grpc_client_streaming.js']) {
  test(`${example} (grpc.Stream) passes against a loopback gRPC server`, { skip }, async () => {
    const r = await run(example, ['-e', `GRPC_ADDR=${grpc.address}`, '-e', 'GRPC_PROTO_PATH=route_guide.proto']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const msgs = result(r.stdout).lastAttempt.console.map((c: { message: string }) => c.message);
    assert.ok(msgs.includes('All done'), msgs.join('\n'));
  });
}

test('websocket.js (k6/ws) passes against a loopback echo server standing in for echo.websocket.org', { skip }, async () => {
  const r = await run('websocket.js', ['--hosts', `echo.websocket.org=127.0.0.1:${ws.port}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const st = result(r.stdout);
  assert.deepEqual(st.lastAttempt.checks.map((c: { name: string; passes: number }) => [c.name, c.passes]), [['status is 101', 1]]);
  assert.ok(st.lastAttempt.console.some((c: { message: string }) => c.message === 'disconnected'));
});

test('websockets/test-echo.js (k6/websockets) passes against a loopback wss echo server (--insecure: the stand-in certificate is not for echo.websocket.org)', { skip }, async () => {
  const r = await run('websockets/test-echo.js', ['--hosts', `echo.websocket.org=127.0.0.1:${wss.port}`, '--insecure']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const msgs = result(r.stdout).lastAttempt.console.map((c: { message: string }) => c.message);
  assert.ok(msgs.includes('connected') && msgs.includes('disconnected'), msgs.join('\n'));
  assert.ok(msgs.some((m: string) => /^Roundtrip time: \d+ ms$/.test(m)), msgs.join('\n'));
});

test('websockets/ws.js cannot run: it imports a remote module (jslib.k6.io), which is never fetched', { skip }, async () => {
  const r = await run('websockets/ws.js', []);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /remote modules are not fetched/);
});
