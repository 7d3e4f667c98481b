// A request that fails fails the attempt: k6's http_req_failed rule (a network error or a
// status outside the script's expected statuses), even without check(); thresholds on
// http_req_failed and checks replace that rule; the message names the first failed request.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, folder, loopback, type Loopback } from './helpers/cli.js';
import { runScript } from './helpers/sandbox.js';

let srv: Loopback;
let closedPort: number;
before(async () => {
  srv = await loopback((_n, req, res) => {
    const m = /^\/status\/(\d+)/.exec(req.url ?? '');
    res.statusCode = m ? Number(m[1]) : 200;
    res.end(m ? 'denied' : 'ok');
  });
  // A port nothing listens on: bind one, then close it.
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedPort = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
});
after(() => srv.close());

const script = (body: string, head = '') => `import http from 'k6/http';\nimport { check } from 'k6';\n${head}\nexport default function () {\n${body}\n}\n`;

describe('failed requests fail the attempt (CLI, no check)', () => {
  it('a refused connection is ConnectionRefused, exit 1, naming the request', async () => {
    const dir = folder({ 'validate.js': script(`http.get('http://127.0.0.1:${closedPort}/');`) });
    const r = await cli(['run', join(dir, 'validate.js')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`Failed ConnectionRefused: GET http://127\\.0\\.0\\.1:${closedPort}/ failed: .*\\(1 of 1 request failed\\)`));
    assert.doesNotMatch(r.stdout, /Succeeded/);
  });

  it('a 403 is UnexpectedStatus, exit 1, naming the request, the status and what was expected', async () => {
    const dir = folder({ 'validate.js': script(`http.get(__ENV.B + '/status/403');`) });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `B=${srv.url}`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Failed UnexpectedStatus: GET http:\/\/127\.0\.0\.1:\d+\/status\/403 → 403, expected 200-399 \(1 of 1 request failed\); the connection worked/);
  });

  it('a 403 the script expects (responseCallback) passes', async () => {
    const dir = folder({ 'validate.js': script(`http.get(__ENV.B + '/status/403', { responseCallback: http.expectedStatuses(403) });`) });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `B=${srv.url}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Succeeded/);
  });
});

describe('failed requests: response callbacks and thresholds (sandbox)', () => {
  it('setResponseCallback changes what is expected, for every later request', async () => {
    const ok = await runScript(script(`http.get(__ENV.B + '/status/404');`, 'http.setResponseCallback(http.expectedStatuses(404, { min: 200, max: 204 }));'), { env: { B: srv.url } });
    assert.equal(ok.outcome, 'passed', ok.message);
    const bad = await runScript(script(`http.get(__ENV.B + '/status/404'); http.get(__ENV.B + '/status/302');`, 'http.setResponseCallback(http.expectedStatuses(404));'), { env: { B: srv.url } });
    assert.equal(bad.outcome, 'failed');
    assert.equal(bad.reason, 'UnexpectedStatus');
    assert.match(bad.message, /GET http:\/\/127\.0\.0\.1:\d+\/status\/302 → 302, expected 404 \(1 of 2 requests failed\)/);
    assert.deepEqual(bad.requests.map((r) => r.failed ?? false), [false, true]);
  });

  it('a per-request responseCallback overrides the global one; null stops judging statuses but not network errors', async () => {
    const r = await runScript(script(`http.get(__ENV.B + '/status/500', { responseCallback: null }); http.get(__ENV.B + '/status/503', { responseCallback: http.expectedStatuses(503) });`), { env: { B: srv.url } });
    assert.equal(r.outcome, 'passed', r.message);
    const refused = await runScript(script(`http.get('http://127.0.0.1:${closedPort}/');`, 'http.setResponseCallback(null);'));
    assert.equal(refused.reason, 'ConnectionRefused');
    const errorsExpected = await runScript(script(`http.get('http://127.0.0.1:${closedPort}/');`, 'http.setResponseCallback(http.expectedStatuses(0, 200));'));
    assert.equal(errorsExpected.outcome, 'passed', 'status 0 in expectedStatuses says a network error is expected, as in k6');
  });

  it('the first failed request is named, with how many failed; a later check failure is mentioned', async () => {
    const r = await runScript(script(`http.get(__ENV.B + '/'); http.get('http://127.0.0.1:${closedPort}/first'); http.get(__ENV.B + '/status/500'); check(1, { 'one is two': (x) => x === 2 });`), { env: { B: srv.url } });
    assert.equal(r.reason, 'ConnectionRefused');
    assert.match(r.message, new RegExp(`^GET http://127\\.0\\.0\\.1:${closedPort}/first failed: .*\\(2 of 3 requests failed; check "one is two" \\(0 of 1 passed\\) failed\\)$`));
  });

  it('a failed check on a response with an unexpected status stays CheckFailed', async () => {
    const r = await runScript(script(`check(http.get(__ENV.B + '/status/404'), { 'status is 200': (x) => x.status === 200 });`), { env: { B: srv.url } });
    assert.equal(r.reason, 'CheckFailed');
    assert.match(r.message, /check "status is 200" \(0 of 1 passed\) failed; last request GET .*\/status\/404 → 404; 1 of 1 request failed/);
  });

  it('thresholds on http_req_failed and checks replace the default rule', async () => {
    const body = `http.get(__ENV.B + '/'); http.get(__ENV.B + '/status/500'); check(1, { a: (x) => x === 1, b: (x) => x === 2 });`;
    const within = await runScript(script(body, "export const options = { thresholds: { http_req_failed: ['rate<0.6'], checks: [{ threshold: 'rate>0.4' }], http_req_duration: ['p(95)<500'] } };"), { env: { B: srv.url } });
    assert.equal(within.outcome, 'passed', within.message);
    assert.match(within.message, /1 of 2 requests failed, within "rate<0.6"/);
    assert.ok(within.notices.some((n) => /http_req_duration are not evaluated/.test(n)), within.notices.join('\n'));

    const crossed = await runScript(script(body, "export const options = { thresholds: { http_req_failed: 'rate==0', checks: ['rate>0.4'] } };"), { env: { B: srv.url } });
    assert.equal(crossed.reason, 'UnexpectedStatus');
    assert.match(crossed.message, /threshold http_req_failed "rate==0" crossed \(rate 50%\): 1 of 2 requests failed/);

    const checks = await runScript(script(body, "export const options = { thresholds: { http_req_failed: ['rate < 0.9'], checks: ['rate>0.9'] } };"), { env: { B: srv.url } });
    assert.equal(checks.reason, 'CheckFailed');
    assert.match(checks.message, /threshold checks "rate>0.9" crossed \(rate 50%\)/);
  });

  it('a threshold on a judged metric that cannot be read fails the attempt, naming where', async () => {
    const r = await runScript(script(`http.get(__ENV.B + '/');`, "export const options = { thresholds: { http_req_failed: ['rate<<0.1'] } };"), { env: { B: srv.url } });
    assert.equal(r.reason, 'ScriptFailed');
    assert.match(r.message, /options\.thresholds\.http_req_failed\[0\]: cannot read "rate<<0\.1"/);
  });

  it('credentials in a failed request URL never reach the message', async () => {
    const u = srv.url.replace('http://', 'http://user:s3cr3t-pw@');
    const r = await runScript(script(`http.get('${u}/status/401');`));
    assert.equal(r.reason, 'UnexpectedStatus');
    assert.doesNotMatch(r.message + JSON.stringify(r.requests), /s3cr3t-pw/);
  });
});
