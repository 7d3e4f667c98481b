// `npm run demo` (node bin/k6-preflight demo) and its loopback target.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDemoTarget } from '../src/demo/target.js';
import { ROOT, ensureBuilt, runProcess } from './helpers/embed.js';

test('the demo target refuses with 403 for the given time from its first request, then answers 200', async () => {
  let now = 1_000;
  const t = await startDemoTarget({ refuseForMs: 3000, now: () => now });
  try {
    assert.equal(t.opensAt, undefined);
    assert.match(t.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await fetch(`${t.url}/health`);
    assert.equal(first.status, 403);
    assert.match(await first.text(), /allowlist/);
    assert.equal(t.opensAt, 4_000);
    now = 3_999;
    assert.equal((await fetch(`${t.url}/health`)).status, 403);
    now = 4_000;
    const open = await fetch(`${t.url}/anything`);
    assert.equal(open.status, 200);
    assert.deepEqual(await open.json(), { status: 'ok' });
    assert.deepEqual(t.served, { forbidden: 2, ok: 1 });
  } finally {
    await t.close();
  }
});

test('npm run demo shows retries with their cause, then success, and exits 0 by itself', { timeout: 30_000 }, async () => {
  ensureBuilt();
  const r = await runProcess(process.execPath, [join(ROOT, 'bin', 'k6-preflight'), 'demo'], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
  const failed = r.stdout.split('\n').filter((l) => /failed CheckFailed/.test(l));
  assert.ok(failed.length >= 2, r.stdout);
  assert.ok(failed.every((l) => /→ 403/.test(l)), 'each retry names the 403');
  assert.match(r.stdout, /passed in/);
  assert.match(r.stdout, /^Succeeded: /m);
});

test('demo -o json ends with the result line', { timeout: 30_000 }, async () => {
  ensureBuilt();
  const r = await runProcess(process.execPath, [join(ROOT, 'bin', 'k6-preflight'), 'demo', '--refuse-for', '1s', '-o', 'json'], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(last.type, 'result');
  assert.equal(last.status.phase, 'Succeeded');
  assert.ok(last.status.attempts >= 2);
});
