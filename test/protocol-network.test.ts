// gRPC and WebSocket targets whose packets are silently dropped (a network namespace with an
// iptables DROP rule): ConnectTimeout with the target named, as for HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function dropSkipReason(): string | false {
  const has = (cmd: string, args: string[]) => {
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (process.platform !== 'linux') return 'silent-drop test needs Linux network namespaces';
  if (!has('iptables', ['-V'])) return 'iptables is not installed (run scripts/ci-setup.sh)';
  if (!has('unshare', ['--version'])) return 'unshare (util-linux) is not installed';
  if (!has('unshare', [process.getuid?.() === 0 ? '-n' : '-rn', 'true'])) return 'cannot create a network namespace here (needs root or user namespaces)';
  return false;
}

test('grpc:// and ws:// checks: a dropped SYN is ConnectTimeout (1211), not a refusal', { skip: dropSkipReason(), timeout: 60_000 }, () => {
  const child = fileURLToPath(new URL('./fixtures/grpc/drop-child.ts', import.meta.url));
  const r = spawnSync('unshare', [process.getuid?.() === 0 ? '-n' : '-rn', process.execPath, '--import', 'tsx', child], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    timeout: 45_000,
  });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
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
