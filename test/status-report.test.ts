import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptResult } from '../src/attempt/types.js';
import { statusForSingleAttempt } from '../src/status/machine.js';
import { writeStatusFile, createStatusFileWriter } from '../src/report/status-file.js';
import { terminationMessage, writeTerminationLog, defaultTerminationLogPath } from '../src/report/termination-log.js';

const result = (p: Partial<AttemptResult>): AttemptResult => ({
  number: 1, outcome: 'failed', reason: 'ConnectionRefused', message: 'refused', startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 12, checks: [], requests: [], console: [], ...p,
});

test('termination message fits 4096 bytes and stays valid JSON with huge messages', () => {
  const huge = 'x'.repeat(100000);
  const emoji = '🚀"\\\n'.repeat(20000);
  for (const msg of [huge, emoji, 'short']) {
    const doc = statusForSingleAttempt(result({
      message: msg,
      requests: [{ method: 'GET', url: 'https://example.test/' + msg, status: 0, error: msg, error_code: 1212, remote_ip: '10.0.0.1', remote_port: 443,
        local_ip: '', local_port: 0, proto: '', timings: { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 } }],
    }), { target: 'https://example.test/' + msg });
    for (const limit of [4096, 1024, 200]) {
      const s = terminationMessage(doc, limit);
      assert.ok(Buffer.byteLength(s) <= limit, `${Buffer.byteLength(s)} > ${limit}`);
      const v = JSON.parse(s);
      assert.equal(v.phase, 'Failed');
      assert.equal(v.reason, 'ConnectionRefused');
      assert.ok(!s.includes('\n'));
    }
    const v = JSON.parse(terminationMessage(doc));
    assert.equal(v.last.reason, 'ConnectionRefused');
    if (msg === 'short') assert.equal(v.last.request.remote, '10.0.0.1:443');
  }
});

test('termination log writing never throws; default path only in a pod and when writable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-term-'));
  const doc = statusForSingleAttempt(result({ outcome: 'passed', message: 'ok' }));
  const p = join(dir, 'termination-log');
  assert.equal(writeTerminationLog(p, doc), undefined);
  assert.equal(JSON.parse(readFileSync(p, 'utf8')).phase, 'Succeeded');
  assert.ok(writeTerminationLog(join(dir, 'no', 'such', 'dir'), doc) instanceof Error);
  assert.equal(defaultTerminationLogPath({}, p), undefined);
  assert.equal(defaultTerminationLogPath({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, p), p);
  assert.equal(defaultTerminationLogPath({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, join(dir, 'missing')), undefined);
});

test('status file is replaced atomically and leaves no temp files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-status-'));
  const p = join(dir, 'status.json');
  writeFileSync(p, 'old');
  const doc = statusForSingleAttempt(result({}));
  writeStatusFile(p, doc);
  assert.deepEqual(JSON.parse(readFileSync(p, 'utf8')), doc);
  assert.deepEqual(readdirSync(dir), ['status.json']);
  const errors: Error[] = [];
  const w = createStatusFileWriter(join(dir, 'missing', 's.json'), (e) => errors.push(e));
  w.write(doc);
  w.write(statusForSingleAttempt(result({ message: 'other' })));
  assert.equal(errors.length, 1, 'reported once');
  if (process.getuid?.() !== 0) {
    const ro = mkdtempSync(join(tmpdir(), 'k6p-ro-'));
    chmodSync(ro, 0o500);
    assert.throws(() => writeStatusFile(join(ro, 's.json'), doc));
    chmodSync(ro, 0o700);
  }
});
