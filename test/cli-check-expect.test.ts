// `check` expects more than a status: a body regex, JSON values at GJSON paths, header
// patterns — each shown as a named check — and several URLs in one command, all of which
// must pass, with a verdict naming each one's result. Through the built CLI.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, jsonLines, loopback, type Loopback } from './helpers/cli.js';

let server: Loopback;
let warmingUp = 0;
before(async () => {
  server = await loopback((_n, req, res) => {
    if (req.url === '/json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Version', '2.3.1');
      return res.end(JSON.stringify({ status: warmingUp-- > 0 ? 'starting' : 'ok', items: [1, 2, 3], nested: { ready: true, name: 'api' } }));
    }
    if (req.url === '/text') return res.end('service is healthy');
    if (req.url === '/down') return void ((res.statusCode = 503), res.end('down'));
    res.end('hello');
  });
});
after(() => server.close());

/** One attempt, whatever the machine's load: the failures these tests expect end the run at once. */
const once = ['--max-duration', '20s', '--fail-fast-on', 'CheckFailed,UnexpectedStatus'];

describe('check --expect-body / --expect-json / --expect-header', () => {
  it('passes when every expectation holds, and shows each as a check', async () => {
    const r = await cli([
      'check', `${server.url}/json`, '-o', 'json',
      '--expect-body', '"items":\\[1,', '--expect-json', 'status=ok', '--expect-json', 'items.#=3', '--expect-json', 'nested.ready=true',
      '--expect-json', 'nested.name', '--expect-header', 'X-Version: ^2\\.', '--expect-header', 'content-type: json',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = jsonLines(r.stdout);
    const checks = lines.filter((l) => l.type === 'check').map((l) => [l.name, l.passed]);
    assert.deepEqual(checks, [
      ['body matches /"items":\\[1,/', true],
      ['json status is ok', true],
      ['json items.# is 3', true],
      ['json nested.ready is true', true],
      ['json nested.name exists', true],
      ['header X-Version matches /^2\\./', true],
      ['header content-type matches /json/', true],
    ]);
    const { status } = lines.at(-1)!;
    assert.equal(status.phase, 'Succeeded');
    assert.match(status.lastAttempt.message, /→ 200 OK, 7 expectations met/);
    assert.equal(status.lastAttempt.checks.length, 7);
  });

  it('a body that does not match fails with CheckFailed, naming the expectation', async () => {
    const r = await cli(['check', `${server.url}/text`, '--expect-body', 'ready', ...once]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /failed CheckFailed .*GET http:\/\/127\.0\.0\.1:\d+\/text → 200 OK: the body does not match \/ready\//);
    assert.match(r.stdout, /✗ body matches \/ready\//);
  });

  it('a JSON value that differs says what it is; a missing path says so; a non-JSON body says so', async () => {
    const wrong = await cli(['check', `${server.url}/json`, '--expect-json', 'nested.name=web', '--expect-json', 'nope.deeper=1', ...once]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /json nested\.name is "api"; json nope\.deeper selects nothing/);
    const text = await cli(['check', `${server.url}/text`, '--expect-json', 'status=ok', ...once]);
    assert.match(text.stdout, /the body is not JSON/);
  });

  it('waits until the JSON says ready (a status alone would pass too early)', async () => {
    warmingUp = 2;
    const r = await cli(['check', `${server.url}/json`, '--expect-json', 'status=ok', '--interval', '100ms', '--jitter', '0', '--max-duration', '10s', '-o', 'json']);
    assert.equal(r.code, 0, r.stdout);
    const attempts = jsonLines(r.stdout).filter((l) => l.type === 'attempt').map((l) => l.reason);
    assert.deepEqual(attempts, ['CheckFailed', 'CheckFailed', 'AttemptPassed']);
  });

  it('a missing or different header fails; GJSON queries with == are read as paths', async () => {
    const r = await cli(['check', `${server.url}/json`, '--expect-header', 'X-Missing: .', '--expect-header', 'X-Version: ^3', ...once]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /no X-Missing header; X-Version is "2\.3\.1"/);
    const q = await cli(['check', `${server.url}/json`, '--expect-json', 'items.#(==2)=2', '-q']);
    assert.equal(q.code, 0, q.stdout + q.stderr);
  });

  it('bad expectations are usage errors, nothing requested', async () => {
    const before = server.hits();
    for (const [args, pattern] of [
      [['--expect-body', '(unclosed'], /--expect-body "\(unclosed": not a regular expression/],
      [['--expect-header', 'no-colon'], /--expect-header "no-colon": write it as 'Name: REGEX'/],
      [['--expect-json', '=1'], /--expect-json "=1": write it as PATH=VALUE/],
    ] as const) {
      const r = await cli(['check', `${server.url}/json`, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
    }
    assert.equal(server.hits(), before);
  });
});

describe('check with several URLs', () => {
  it('passes only when all pass, and the verdict names each one', async () => {
    const r = await cli(['check', `${server.url}/text`, `${server.url}/json`, '--expect-body', '.', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    assert.equal(lines.filter((l) => l.type === 'request').length, 2);
    const { status } = lines.at(-1)!;
    assert.match(status.target, /^GET http:\/\/127\.0\.0\.1:\d+\/text, http:\/\/127\.0\.0\.1:\d+\/json$/);
    assert.match(status.lastAttempt.message, /^all 2 passed: ✓ GET \S+\/text → 200 OK.* \| ✓ GET \S+\/json → 200 OK/);
  });

  it('one failing URL fails the attempt with its reason; the message says which passed and which did not', async () => {
    const r = await cli(['check', `${server.url}/text`, `${server.url}/down`, 'http://127.0.0.1:1/', ...once]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /failed UnexpectedStatus .*2 of 3 failed: ✓ GET \S+\/text → 200 OK \(expected 200-399\) \| ✗ UnexpectedStatus GET \S+\/down → 503 Service Unavailable.* \| ✗ ConnectionRefused GET http:\/\/127\.0\.0\.1:1\//);
    assert.match(r.stdout, /Failed UnexpectedStatus/);
  });
});
