// k6/ws and k6/websockets as real scripts in the sandbox against a loopback WebSocket
// server: echo (text, binary, ping/pong), a refused upgrade, a close mid-session, and the
// failure classes of the dial path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from './helpers/sandbox.js';
import { expectPass } from './fixtures/runtime/harness.js';
import { startWsServer, type WsTestServer } from './fixtures/ws/server.js';
import { freePort } from './fixtures/grpc/ports.js';

let srv: WsTestServer;
before(async () => {
  srv = await startWsServer();
});
after(async () => {
  await srv.close();
});

const IS = `
import { check as __check } from 'k6';
const is = (name, got, want) => __check(got, { [name]: (g) => JSON.stringify(g) === JSON.stringify(want) }) ||
  console.error(name + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
`;

test('k6/ws: echo session with text, binary, ping/pong, timers; the handshake response', async () => {
  const r = await expectPass(
    `${IS}
import ws from 'k6/ws';
export default function () {
  const seen = [];
  const res = ws.connect(__ENV.URL, { headers: { 'X-Hello': 'there' } }, (socket) => {
    socket.on('open', () => {
      seen.push('open');
      socket.send('hello');
      socket.sendBinary(new Uint8Array([1, 2, 3]).buffer);
      socket.ping();
    });
    socket.on('ping', () => seen.push('ping'));
    socket.on('pong', () => seen.push('pong'));
    socket.on('message', (m) => { seen.push('message:' + m); socket.setTimeout(() => socket.close(), 20); });
    socket.on('binaryMessage', (b) => seen.push('binary:' + new Uint8Array(b).join(',')));
    socket.on('close', (code) => seen.push('close:' + code));
  });
  is('status', res.status, 101);
  is('upgrade header', res.headers['Upgrade'], 'websocket');
  is('url', res.url, __ENV.URL);
  is('events', seen.slice().sort(), ['binary:1,2,3', 'close:1000', 'message:hello', 'open', 'ping', 'pong'].sort());
  is('open first, close last', [seen[0], seen[seen.length - 1]], ['open', 'close:1000']);
}`,
    { env: { URL: srv.url('/echo') } },
  );
  assert.equal(srv.upgrades.at(-1)!.headers['x-hello'], 'there');
  const rec = r.requests.at(-1)!;
  assert.equal(rec.method, 'GET');
  assert.equal(rec.status, 101);
  assert.equal(rec.url, srv.url('/echo'));
  assert.equal(rec.remote_ip, '127.0.0.1');
  assert.ok(rec.local_port > 0);
});

test('k6/websockets: WebSocket with onopen/onmessage/addEventListener, binary as arraybuffer, the iteration waits for close', async () => {
  await expectPass(
    `${IS}
import { WebSocket } from 'k6/websockets';
export default function () {
  const seen = [];
  const ws = new WebSocket(__ENV.URL);
  ws.binaryType = 'arraybuffer';
  is('connecting', ws.readyState, WebSocket.CONNECTING);
  ws.onopen = () => { seen.push('open'); ws.send('hi'); ws.send(new Uint8Array([7, 8])); };
  ws.addEventListener('message', (e) => {
    seen.push(typeof e.data === 'string' ? 'text:' + e.data : 'bin:' + new Uint8Array(e.data).join(','));
    if (seen.length === 3) ws.close();
  });
  ws.addEventListener('ping', () => seen.push('ping'));
  ws.onclose = (e) => {
    seen.push('close:' + e.code);
    is('closed', ws.readyState, WebSocket.CLOSED);
    is('events', seen.filter((s) => s !== 'ping'), ['open', 'text:hi', 'bin:7,8', 'close:1000']);
  };
}`,
    { env: { URL: srv.url('/echo') } },
  );
  assert.ok(srv.received.includes('hi'));
});

test('a close mid-session: the close code reaches both APIs', async () => {
  await expectPass(
    `${IS}
import ws from 'k6/ws';
import { WebSocket } from 'k6/websockets';
export default function () {
  let code = 0;
  ws.connect(__ENV.URL, {}, (s) => {
    s.on('open', () => s.send('x'));
    s.on('close', (c) => (code = c));
  });
  is('k6/ws close code', code, 4001);
  const w = new WebSocket(__ENV.URL);
  w.onopen = () => w.send('y');
  w.onclose = (e) => is('k6/websockets close', [e.code, e.reason], [4001, 'going away mid-session']);
}`,
    { env: { URL: srv.url('/close-mid') } },
  );
});

test('a refused upgrade (403): reported with the status and the L7 hint', async () => {
  const r = await runScript(
    `import ws from 'k6/ws';
import { check } from 'k6';
export default function () {
  const res = ws.connect(__ENV.URL, {}, () => {});
  check(res, { 'status is 101': (r) => r && r.status === 101 });
}`,
    { env: { URL: srv.url('/forbidden') } },
  );
  assert.equal(r.outcome, 'failed');
  assert.equal(r.reason, 'UnexpectedStatus');
  assert.match(r.message, /the WebSocket upgrade was refused: 403 Forbidden from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+ \(expected 101 Switching Protocols\); TCP succeeded, so an L7 allowlist, WAF or authentication is the likely cause/);
  assert.match(r.message, /websocket: bad handshake/);
  assert.equal(r.requests.at(-1)!.status, 403);
});

test('k6/websockets: a refused upgrade is an error then a close event, not an exception', async () => {
  const r = await runScript(
    `${IS}
// The refused upgrade is expected: the checks decide (it is a failed request by default).
export const options = { thresholds: { checks: ['rate==1'], http_req_failed: ['rate<=1'] } };
import { WebSocket } from 'k6/websockets';
export default function () {
  const ws = new WebSocket(__ENV.URL);
  const seen = [];
  ws.onerror = (e) => seen.push('error:' + e.error);
  ws.onclose = (e) => { seen.push('close:' + e.code); is('events', seen, ['error:websocket: bad handshake', 'close:1006']); };
}`,
    { env: { URL: srv.url('/auth') } },
  );
  assert.equal(r.outcome, 'passed', r.message);
  assert.equal(r.requests.at(-1)!.status, 401);
  assert.equal(r.requests.at(-1)!.reason, 'UnexpectedStatus');
});

test('refused and egress denied: the same reasons as HTTP, nothing dialled when denied', async () => {
  const port = await freePort();
  const refused = await runScript(`import ws from 'k6/ws';\nexport default function () { ws.connect('ws://127.0.0.1:${port}/x', {}, () => {}); }`);
  assert.equal(refused.reason, 'ConnectionRefused');
  assert.match(refused.message, new RegExp(`connection refused (from \\S+ )?to 127\\.0\\.0\\.1:${port}`));
  const before = srv.upgrades.length;
  const denied = await runScript(`import ws from 'k6/ws';\nexport default function () { ws.connect(__ENV.URL, {}, () => {}); }`, {
    env: { URL: srv.url('/echo') },
    engine: { allowHosts: ['example.com'] },
  });
  assert.equal(denied.reason, 'EgressDenied');
  assert.equal(srv.upgrades.length, before);
});

test('init context and bad URLs are clear errors', async () => {
  await expectPass(
    `${IS}
import ws from 'k6/ws';
let init = '';
try { ws.connect('ws://127.0.0.1:1', {}, () => {}); } catch (e) { init = e.message; }
export default function () {
  is('init', init, 'using websockets in the init context is not supported');
  let bad = '';
  try { ws.connect('http://127.0.0.1:1/', {}, () => {}); } catch (e) { bad = e.message; }
  is('scheme', /use ws:\\/\\/ or wss:\\/\\//.test(bad), true);
}`,
  );
});

test('through a proxy: a CONNECT tunnel for ws:// (as Go clients do) and for gRPC', async () => {
  const { startProxy } = await import('./fixtures/http/proxy.js');
  const { startGrpcServer } = await import('./fixtures/grpc/server.js');
  const grpcSrv = await startGrpcServer();
  const proxy = await startProxy({ names: { 'app.test': '127.0.0.1' } });
  try {
    const r = await runScript(
      `import ws from 'k6/ws';
import grpc from 'k6/net/grpc';
import { check } from 'k6';
export default function () {
  const res = ws.connect('ws://app.test:${srv.port}/echo', {}, (s) => { s.on('open', () => s.close()); });
  check(res, { 'upgraded through the proxy': (r) => r.status === 101 });
  const c = new grpc.Client();
  c.connect('app.test:${grpcSrv.port}', { plaintext: true });
  check(c.healthCheck(), { 'gRPC through the proxy': (r) => r.status === grpc.HealthCheckServing });
}`,
      { engine: { proxy: proxy.url } },
    );
    assert.equal(r.outcome, 'passed', r.message);
    assert.deepEqual(proxy.lines, [`CONNECT app.test:${srv.port} HTTP/1.1`, `CONNECT app.test:${grpcSrv.port} HTTP/1.1`]);
  } finally {
    await proxy.close();
    await grpcSrv.close();
  }
});

test('secrets in a WebSocket URL never reach output', async () => {
  const r = await runScript(
    `import ws from 'k6/ws';
export default function () { ws.connect(__ENV.URL, {}, (s) => s.on('open', () => s.close())); }`,
    { env: { URL: srv.url('/echo?token=hunter2').replace('ws://', 'ws://user:pa55word@') } },
  );
  const all = JSON.stringify(r);
  assert.equal(r.outcome, 'passed', r.message);
  assert.ok(!all.includes('hunter2') && !all.includes('pa55word'), all);
});

test('cancelling the attempt mid-session ends it: Cancelled', async () => {
  const ac = new AbortController();
  const before = srv.upgrades.length;
  // Cancel once the session is up (the server got the script's message).
  const watch = setInterval(() => {
    if (srv.received.includes('cancel-me')) {
      clearInterval(watch);
      ac.abort();
    }
  }, 20);
  const r = await runScript(
    `import ws from 'k6/ws';
export default function () { ws.connect(__ENV.URL, {}, (s) => s.on('open', () => s.send('cancel-me'))); }`,
    { env: { URL: srv.url('/echo') }, signal: ac.signal, timeoutMs: 20_000 },
  );
  clearInterval(watch);
  assert.equal(r.reason, 'Cancelled');
  assert.equal(srv.upgrades.length, before + 1);
});

test('a session that never closes ends at the attempt deadline (ScriptTimeout)', async () => {
  const r = await runScript(
    `import { WebSocket } from 'k6/websockets';
export default function () { const w = new WebSocket(__ENV.URL); w.onopen = () => w.send('x'); }`,
    { env: { URL: srv.url('/echo') }, timeoutMs: 1500 },
  );
  assert.equal(r.reason, 'ScriptTimeout');
});
