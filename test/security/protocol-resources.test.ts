// What a script (or a hostile server) can make the host hold through k6/ws, k6/websockets
// and k6/net/grpc is bounded: unread WebSocket events, message sizes, open sockets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { runScript } from '../helpers/sandbox.js';
import { MAX_QUEUED_EVENTS, MAX_WS_SOCKETS } from '../../src/ws/host.js';

let http: Server;
let port = 0;
let connections = 0;
before(async () => {
  http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws, req) => {
    connections++;
    if (req.url === '/flood') {
      // Far more small messages than the host keeps unread.
      const burst = () => {
        for (let i = 0; i < 2000 && ws.readyState === ws.OPEN; i++) ws.send('x');
        if (ws.readyState === ws.OPEN && sent < 40) {
          sent++;
          setImmediate(burst);
        }
      };
      let sent = 0;
      burst();
    } else if (req.url === '/big') {
      ws.send(Buffer.alloc(2 * 1024 * 1024, 1));
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  port = (http.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => { http.closeAllConnections(); http.close(() => r()); }));

test('a flood the script does not read is cut at the unread-event bound, not buffered', async () => {
  const r = await runScript(
    `import ws from 'k6/ws';
import { sleep } from 'k6';
export default function () {
  let messages = 0;
  let closed = -1;
  ws.connect('ws://127.0.0.1:${port}/flood', {}, (s) => {
    s.on('open', () => sleep(1.5)); // busy while the server floods
    s.on('message', () => messages++);
    s.on('close', (c) => (closed = c));
  });
  console.log(JSON.stringify({ messages, closed }));
}`,
    { timeoutMs: 20_000 },
  );
  assert.equal(r.outcome, 'passed', r.message);
  const seen = JSON.parse(r.console.at(-1)!.message);
  assert.ok(seen.messages <= MAX_QUEUED_EVENTS, `${seen.messages} messages reached the script`);
  assert.equal(seen.closed, 1006, 'the host dropped the connection');
});

test('a message over --max-body closes the socket (1009) instead of being held', async () => {
  const r = await runScript(
    `import { WebSocket } from 'k6/websockets';
export default function () {
  const w = new WebSocket('ws://127.0.0.1:${port}/big');
  let got = 0;
  w.onmessage = () => got++;
  w.onclose = (e) => console.log(JSON.stringify({ got, code: e.code }));
}`,
    { engine: { maxBodyBytes: 1024 * 1024 } },
  );
  assert.equal(r.outcome, 'passed', r.message);
  assert.deepEqual(JSON.parse(r.console.at(-1)!.message), { got: 0, code: 1006 });
});

test(`at most ${MAX_WS_SOCKETS} WebSockets open at once per attempt`, async () => {
  const before = connections;
  const r = await runScript(
    `import { WebSocket } from 'k6/websockets';
export default function () {
  let errors = 0;
  for (let i = 0; i < ${MAX_WS_SOCKETS + 20}; i++) {
    const w = new WebSocket('ws://127.0.0.1:${port}/quiet');
    w.onerror = (e) => { if (/too many WebSocket connections/.test(e.error)) errors++; };
    w.onopen = () => setTimeout(() => w.close(), 50);
  }
  setTimeout(() => console.log('refused ' + errors), 1000);
}`,
  );
  assert.equal(r.outcome, 'passed', r.message);
  assert.ok(connections - before <= MAX_WS_SOCKETS, `${connections - before} connections reached the server`);
  assert.equal(r.console.at(-1)!.message, 'refused 20');
});

test('a gRPC answer over the receive limit (capped by --max-body) is ResourceExhausted, not held', async () => {
  const { startGrpcServer } = await import('../fixtures/grpc/server.js');
  const { PROTO_DIR } = await import('../fixtures/grpc/server.js');
  const { readFileSync } = await import('node:fs');
  const srv = await startGrpcServer();
  try {
    const r = await runScript(
      `import grpc from 'k6/net/grpc';
const client = new grpc.Client();
client.load([], 'route_guide.proto');
export default function () {
  client.connect('${srv.address}', { plaintext: true, maxReceiveSize: 64 * 1024 * 1024 });
  const res = client.invoke('main.Lab/Echo', { data: 'QUFB'.repeat(512 * 1024) });
  console.log(JSON.stringify({ status: res.status, error: res.error && res.error.message }));
}`,
      { files: { 'route_guide.proto': readFileSync(`${PROTO_DIR}/route_guide.proto`, 'utf8') }, engine: { maxBodyBytes: 1024 * 1024 } },
    );
    const seen = JSON.parse(r.console.at(-1)!.message);
    assert.equal(seen.status, 8);
    assert.match(seen.error, /received message larger than max \(\d+ vs\. 1048576\)/);
  } finally {
    await srv.close();
  }
});

test('at most 64 gRPC streams open at once per attempt', async () => {
  const { startGrpcServer, PROTO_DIR } = await import('../fixtures/grpc/server.js');
  const { readFileSync } = await import('node:fs');
  const { MAX_GRPC_STREAMS } = await import('../../src/grpc/host.js');
  const srv = await startGrpcServer();
  try {
    const r = await runScript(
      `import { Client, Stream } from 'k6/net/grpc';
const client = new Client();
client.load([], 'route_guide.proto');
export default function () {
  client.connect('${srv.address}', { plaintext: true });
  const open = [];
  let refused = '';
  for (let i = 0; i < ${MAX_GRPC_STREAMS} + 6; i++) {
    try { open.push(new Stream(client, 'main.RouteGuide/RecordRoute')); } catch (e) { refused = refused || e.message; }
  }
  console.log(open.length + ' ' + refused);
  for (const s of open) s.end();
}`,
      { files: { 'route_guide.proto': readFileSync(`${PROTO_DIR}/route_guide.proto`, 'utf8') } },
    );
    assert.equal(r.outcome, 'passed', r.message);
    assert.equal(r.console.at(-1)!.message, `${MAX_GRPC_STREAMS} too many gRPC streams (at most ${MAX_GRPC_STREAMS} open per attempt)`);
    assert.ok((srv.calls.get('RecordRoute') ?? 0) <= MAX_GRPC_STREAMS);
  } finally {
    await srv.close();
  }
});
