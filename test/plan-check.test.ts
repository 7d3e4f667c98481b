// Response expectations of the built-in check (src/plan/check.ts): how PATH=VALUE splits
// around GJSON queries, how values compare, what a failure says — and the library's
// checkUrl with the object forms and several URLs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { evaluateExpectations, parseExpectations } from '../src/plan/check.js';
import { checkUrl, UsageError } from '../src/index.js';
import { loopback, type Loopback } from './helpers/cli.js';

const json = (v: unknown, headers: Record<string, string> = {}) => ({ headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(v) });

describe('parseExpectations', () => {
  it('splits PATH=VALUE at the = that ends the path, not inside a GJSON query', () => {
    const e = parseExpectations({ expectJson: ['status=ok', 'items.#(name=="a").id=7', 'count', 'token=a=b', 'flag=true'] });
    assert.deepEqual(e.json.map((j) => [j.path, j.value]), [
      ['status', 'ok'],
      ['items.#(name=="a").id', 7],
      ['count', undefined],
      ['token', 'a=b'],
      ['flag', true],
    ]);
  });

  it('rejects what cannot be read, naming the flag', () => {
    assert.throws(() => parseExpectations({ expectBody: '[' }), (e: unknown) => e instanceof UsageError && /--expect-body "\[": not a regular expression/.test((e as Error).message));
    assert.throws(() => parseExpectations({ expectHeader: ['X-Only'] }), /--expect-header "X-Only": write it as 'Name: REGEX'/);
    assert.throws(() => parseExpectations({ expectJson: ['=x'] }), /--expect-json "=x": write it as PATH=VALUE/);
  });
});

describe('evaluateExpectations', () => {
  const body = { status: 'ok', n: 3, nested: { on: true, list: ['a', 'b'] }, version: '3' };

  it('compares as JSON when the value is JSON, else as text', () => {
    const e = parseExpectations({ expectJson: ['n=3', 'nested.on=true', 'nested.list.1=b', 'nested.list=["a","b"]', 'version=3', 'status="ok"'] });
    assert.deepEqual(evaluateExpectations(e, json(body)).map((r) => r.passed), [true, true, true, true, true, true]);
    const wrong = parseExpectations({ expectJson: ['n=4', 'nested.on=false', 'missing'] });
    assert.deepEqual(evaluateExpectations(wrong, json(body)).map((r) => r.detail), ['json n is 3', 'json nested.on is true', 'json missing selects nothing']);
  });

  it('headers by name in any case; a secret header\'s value is never quoted', () => {
    const e = parseExpectations({ expectHeader: ['content-type: ^application/json$', 'Set-Cookie: admin=1'] });
    const r = evaluateExpectations(e, json(body, { 'Set-Cookie': 'session=very-secret' }));
    assert.deepEqual(r.map((x) => x.passed), [true, false]);
    assert.equal(r[1]!.detail, 'Set-Cookie is ***');
  });

  it('a body regex sees the whole body; a non-JSON body fails JSON expectations with that reason', () => {
    const e = parseExpectations({ expectBody: /ready/g, expectJson: ['status=ok'] });
    const text = { headers: {}, body: 'not ready yet' };
    assert.deepEqual(evaluateExpectations(e, text).map((r) => [r.passed, r.detail]), [[true, undefined], [false, 'the body is not JSON']]);
    assert.equal(evaluateExpectations(e, text)[0]!.passed, true, 'a /g pattern gives the same answer twice');
  });
});

describe('checkUrl with expectations and several URLs (library)', () => {
  let server: Loopback;
  before(async () => {
    server = await loopback((_n, req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ status: req.url!.startsWith('/ready') ? 'ok' : 'starting' }));
    });
  });
  after(() => server.close());

  it('object forms; all URLs must pass', async () => {
    const ok = await checkUrl([`${server.url}/ready`, `${server.url}/ready?again`], { expectJson: { status: 'ok' }, expectHeader: { 'Content-Type': /json/ }, schedule: { maxDuration: '5s' } });
    assert.equal(ok.passed, true, ok.status.message);
    assert.equal(ok.status.lastAttempt?.checks.length, 4);
    const one = await checkUrl([`${server.url}/ready`, `${server.url}/booting`], { expectJson: { status: 'ok' }, schedule: { failFastOn: ['CheckFailed'], maxDuration: '5s' } });
    assert.equal(one.passed, false);
    assert.equal(one.status.lastAttempt?.reason, 'CheckFailed');
    assert.match(one.status.lastAttempt!.message, /^1 of 2 failed: ✓ GET \S+\/ready → 200 OK, 1 expectation met \| ✗ CheckFailed GET \S+\/booting → 200 OK: json status is "starting"$/);
  });
});
