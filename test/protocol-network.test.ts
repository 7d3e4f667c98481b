// gRPC and WebSocket targets whose packets are silently dropped (a network namespace with an
// iptables DROP rule): ConnectTimeout with the target named, as for HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropSkipReason, runInNetns } from './fixtures/netns.js';

test('grpc:// and ws:// checks: a dropped SYN is ConnectTimeout (1211), not a refusal', { skip: dropSkipReason(), timeout: 60_000 }, () => {
  const out = runInNetns<any>('./fixtures/grpc/drop-child.ts');
  assert.equal(out.before.grpc.outcome, 'passed', out.before.grpc.message);
  assert.equal(out.before.ws.outcome, 'passed', out.before.ws.message);
  for (const [k, port] of [['grpc', out.grpcPort], ['ws', out.wsPort]] as const) {
    const d = out.dropped[k];
    assert.equal(d.outcome, 'failed');
    assert.equal(d.reason, 'ConnectTimeout', d.message);
    assert.equal(d.error_code, 1211);
    assert.match(d.message, /no answer to the connect within 700 ms/);
    assert.ok(d.message.includes(`to 127.0.0.1:${port}`), d.message);
    assert.match(d.message, /from 127\.0\.0\.1:\d+/, 'names the source address and port');
  }
});
