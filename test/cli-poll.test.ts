// The polling commands end to end: a target that comes up after a while, one that never
// does, signals, the status file, and TestRun manifests — through the built CLI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, folder, jsonLines, loopback } from './helpers/cli.js';

const FAST = ['--interval', '200ms', '--jitter', '0'];

describe('check', () => {
  it('waits through 403s from an allowlist, retrying with a visible reason, then succeeds', async () => {
    const target = await loopback((n, _req, res) => {
      res.statusCode = n <= 2 ? 403 : 200;
      res.end(n <= 2 ? 'Forbidden by allowlist' : 'ok');
    });
    try {
      const r = await cli(['check', `${target.url}/health`, ...FAST, '--max-duration', '10s', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const lines = jsonLines(r.stdout);
      const attempts = lines.filter((l) => l.type === 'attempt');
      assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome, a.reason]), [
        [1, 'failed', 'UnexpectedStatus'],
        [2, 'failed', 'UnexpectedStatus'],
        [3, 'passed', 'AttemptPassed'],
      ]);
      assert.match(attempts[0]!.message, /403 Forbidden.*L7 allowlist/);
      assert.ok(attempts[0]!.nextAttemptAt, 'a failed attempt says when the next one runs');
      assert.ok(lines.some((l) => l.type === 'condition' && l.condition.type === 'ValidationRetrying' && l.condition.status === 'True'));
      const last = lines.at(-1)!;
      assert.equal(last.type, 'result', 'the verdict is the final line');
      assert.equal(last.status.phase, 'Succeeded');
      assert.equal(last.status.attempts, 3);
      const succeeded = last.status.conditions.find((c: { type: string }) => c.type === 'ValidationSucceeded');
      assert.equal(succeeded.status, 'True');
    } finally {
      await target.close();
    }
  });

  it('gives up at the deadline with DeadlineExceeded and the last cause', async () => {
    const closed = await loopback(() => {});
    const url = closed.url;
    await closed.close(); // nothing listens there any more: refused
    const dir = folder({});
    const statusFile = join(dir, 'status.json');
    const term = join(dir, 'termination-log');
    const r = await cli(['check', `${url}/health`, ...FAST, '--max-duration', '1s', '--status-file', statusFile, '--termination-log', term]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /DeadlineExceeded ConnectionRefused: no passing attempt within 1s/);
    const status = JSON.parse(readFileSync(statusFile, 'utf8'));
    assert.equal(status.phase, 'DeadlineExceeded');
    assert.equal(status.reason, 'ConnectionRefused');
    const deadline = status.conditions.find((c: { type: string }) => c.type === 'ValidationDeadlineExceeded');
    assert.equal(deadline.status, 'True');
    assert.equal(deadline.reason, 'ConnectionRefused');
    assert.ok(Date.parse(status.finishedAt) - Date.parse(status.startedAt) >= 1000);
    const verdict = readFileSync(term, 'utf8');
    assert.ok(Buffer.byteLength(verdict) <= 4096);
    assert.equal(JSON.parse(verdict).phase, 'DeadlineExceeded');
  });

  it('rejects a bad --expect and a non-http URL as usage errors', async () => {
    const bad = await cli(['check', 'http://127.0.0.1:1/', '--expect', '200-abc']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--expect/);
    const ftp = await cli(['check', 'ftp://example.invalid/']);
    assert.equal(ftp.code, 2);
    assert.match(ftp.stderr, /only http:\/\/, https:\/\/, tcp:\/\/, tls:\/\/, grpc:\/\/, grpcs:\/\/, ws:\/\/, wss:\/\/ URLs can be checked/);
  });

  it('stops on SIGTERM with status Aborted and exit 143', async () => {
    const target = await loopback((_n, _req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const dir = folder({});
    const statusFile = join(dir, 'status.json');
    try {
      const r = await cli(['check', target.url, '--interval', '5s', '--max-duration', '1m', '--status-file', statusFile], {
        onSpawn: (kill, stdout) => {
          const poll = setInterval(() => {
            if (stdout().includes('attempt 1')) {
              clearInterval(poll);
              setTimeout(() => kill('SIGTERM'), 200);
            }
          }, 50);
        },
      });
      assert.equal(r.code, 143, r.stderr);
      const status = JSON.parse(readFileSync(statusFile, 'utf8'));
      assert.equal(status.phase, 'Aborted');
      assert.match(status.message, /SIGTERM/);
    } finally {
      await target.close();
    }
  });
});

describe('poll', () => {
  it('re-runs the script until the target recovers', async () => {
    const target = await loopback((n, _req, res) => {
      if (n <= 1) return res.destroy(); // reset before any response
      res.end('ok');
    });
    try {
      const dir = folder({
        'validate.js': "import http from 'k6/http';\nimport { check } from 'k6';\nexport default function () { check(http.get(__ENV.BASE), { 'up': (r) => r.status === 200 }); }\n",
      });
      const r = await cli(['poll', join(dir, 'validate.js'), '-e', `BASE=${target.url}`, ...FAST, '--max-duration', '10s']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /failed ConnectionReset/);
      assert.match(r.stdout, /Succeeded/);
    } finally {
      await target.close();
    }
  });
});

describe('testrun', () => {
  const testRun = (pre: string) => `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: load
  generation: 4
spec:
  parallelism: 1
  script:
    configMap: { name: load-test, file: test.js }
${pre}`;

  it('skips validation that is absent or disabled, with exit 0', async () => {
    const dir = folder({ 'a.yaml': testRun(''), 'b.yaml': testRun('  preTestValidation:\n    enabled: false\n') });
    for (const f of ['a.yaml', 'b.yaml']) {
      const r = await cli(['testrun', join(dir, f)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /validation skipped/);
    }
  });

  it('runs the validation script from a ConfigMap in the same file', async () => {
    const target = await loopback((_n, _req, res) => res.end('ok'));
    try {
      const yaml = `${testRun(`  preTestValidation:
    enabled: true
    validationScript:
      configMap: { name: checks, file: validate.js }
    polling: { interval: 1s, maxDuration: 10s, successThreshold: 2 }
`)}---
apiVersion: v1
kind: ConfigMap
metadata: { name: checks }
data:
  validate.js: |
    import http from 'k6/http';
    import { check } from 'k6';
    export default function () { check(http.get('${target.url}'), { 'up': (r) => r.status === 200 }); }
`;
      const dir = folder({ 'testrun.yaml': yaml });
      const r = await cli(['testrun', join(dir, 'testrun.yaml'), '--interval', '100ms', '--jitter', '0', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const { status } = jsonLines(r.stdout).at(-1)!;
      assert.equal(status.phase, 'Succeeded');
      assert.equal(status.attempts, 2, 'success threshold 2 from the manifest');
      assert.equal(status.schedule.interval, '100ms', 'the flag overrides the manifest');
      assert.equal(status.conditions[0].observedGeneration, 4);
    } finally {
      await target.close();
    }
  });

  it('names the manifest path of a bad value, and exits 2', async () => {
    const dir = folder({
      'testrun.yaml': testRun(`  preTestValidation:
    connectivityCheck: { url: 'http://127.0.0.1:1/' }
    polling: { interval: "15" }
`),
    });
    const r = await cli(['testrun', join(dir, 'testrun.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /spec\.preTestValidation\.polling\.interval: "15" is not a duration \(write it like 15s\)/);
  });

  it('reports a missing ConfigMap as a usage error', async () => {
    const dir = folder({
      'testrun.yaml': testRun(`  preTestValidation:
    validationScript: { configMap: { name: nowhere } }
`),
    });
    const r = await cli(['testrun', join(dir, 'testrun.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ConfigMap "nowhere" not found/);
  });
});
