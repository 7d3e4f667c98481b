// The verdict rules of one attempt, as a pure function: which single reason wins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestRecord } from '../src/attempt/types.js';
import { decideVerdict } from '../src/attempt/verdict.js';
import type { WorkerOutcome } from '../src/sandbox/protocol.js';

const outcome = (o: Partial<WorkerOutcome> = {}): WorkerOutcome => ({
  checks: [],
  console: [],
  consoleDropped: 0,
  failCalls: [],
  completed: ['init', 'default'],
  notices: [],
  ...o,
});

const timings = { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 1 };
const request = (r: Partial<RequestRecord> = {}): RequestRecord => ({
  method: 'GET',
  url: 'http://target/health',
  status: 200,
  error: '',
  error_code: 0,
  remote_ip: '127.0.0.1',
  remote_port: 80,
  local_ip: '127.0.0.1',
  local_port: 5000,
  proto: 'HTTP/1.1',
  timings,
  ...r,
});
const refused = request({ status: 0, error: 'dial: connection refused', error_code: 1212, reason: 'ConnectionRefused', message: 'connection refused to 127.0.0.1:80' });
const verdict = (o: Partial<WorkerOutcome>, requests: RequestRecord[] = [], location?: string) =>
  decideVerdict({ outcome: outcome(o), requests, timeoutMs: 30_000, memoryLimitBytes: 64 << 20, ...(location ? { location } : {}) });

describe('attempt verdict', () => {
  it('passes when everything completed and every check passed', () => {
    const v = verdict({ checks: [{ name: 'ok', group: '', passes: 2, fails: 0 }] }, [request()]);
    assert.equal(v.outcome, 'passed');
    assert.equal(v.reason, undefined);
    assert.match(v.message, /2 checks passed; 1 request, last GET http:\/\/target\/health → 200/);
  });

  it('a failed check without network trouble is CheckFailed naming the check and request', () => {
    const v = verdict({ checks: [{ name: 'status is 200', group: '', passes: 0, fails: 1 }] }, [request({ status: 503 })]);
    assert.equal(v.reason, 'CheckFailed');
    assert.equal(v.message, 'check "status is 200" (0 of 1 passed) failed; last request GET http://target/health → 503');
  });

  it('a 403 behind a failed check points at an L7 allowlist', () => {
    const v = verdict({ checks: [{ name: 'ok', group: '', passes: 0, fails: 1 }] }, [request({ status: 403 })]);
    assert.match(v.message, /L7 allowlist/);
  });

  it('a failed check after a network failure takes the network cause', () => {
    const v = verdict({ checks: [{ name: 'up', group: '', passes: 0, fails: 1 }] }, [refused]);
    assert.equal(v.reason, 'ConnectionRefused');
    assert.match(v.message, /^GET http:\/\/target\/health failed: connection refused to 127\.0\.0\.1:80 \(1 of 1 request failed; check "up" \(0 of 1 passed\) failed\)$/);
  });

  it('fail(), exceptions, test.fail() and test.abort() are ScriptFailed', () => {
    assert.equal(verdict({ failCalls: ['not ready'], thrown: { phase: 'default', name: 'Error', message: 'not ready', stack: '' } }, [], 'validate.js:3:5').message, 'fail("not ready") was called in default() at validate.js:3:5');
    assert.equal(verdict({ thrown: { phase: 'setup', name: 'TypeError', message: 'x is not a function', stack: '' } }, [], 'lib.js:1:2').message, 'TypeError: x is not a function in setup() at lib.js:1:2');
    assert.equal(verdict({ testFail: 'soft' }).reason, 'ScriptFailed');
    assert.equal(verdict({ testAbort: 'hard' }).message, 'test.abort(): hard was called');
  });

  it('a request failure nobody checked fails the attempt with its cause (k6 counts it in http_req_failed)', () => {
    const v = verdict({}, [refused]);
    assert.equal(v.outcome, 'failed');
    assert.equal(v.reason, 'ConnectionRefused');
  });

  it('limits win over everything else', () => {
    assert.equal(verdict({ limit: 'timeout', thrown: { phase: 'default', name: 'InternalError', message: 'interrupted', stack: '' } }, [refused]).reason, 'ScriptTimeout');
    assert.match(verdict({ limit: 'memory' }).message, /64 MiB memory limit/);
    assert.equal(verdict({ limit: 'stack' }).reason, 'StackOverflow');
    assert.equal(verdict({ cancelled: true }).reason, 'Cancelled');
  });

  it('a script that never finished its init is not a pass', () => {
    assert.equal(verdict({ completed: [] }).outcome, 'failed');
  });
});
