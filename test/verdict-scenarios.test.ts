// options.scenarios with `exec`: each named exported function runs once, in the order
// declared, like default (setup() data, exec.scenario.name, its checks and requests counted).
// A script with nothing runnable is a usage error (exit 2), never a pass.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, folder, loopback, type Loopback } from './helpers/cli.js';
import { runScript } from './helpers/sandbox.js';

let srv: Loopback;
before(async () => {
  srv = await loopback((_n, req, res) => {
    res.statusCode = req.url === '/down' ? 503 : 200;
    res.end('x');
  });
});
after(() => srv.close());

describe('scenarios with exec', () => {
  it('runs each exec function once in declared order, with setup data and the scenario name; a scenario without exec runs default', async () => {
    const r = await runScript(`
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
export const options = {
  scenarios: {
    api: { executor: 'shared-iterations', exec: 'probeApi', vus: 5 },
    plain: { executor: 'constant-vus', duration: '1m' },
    web: { executor: 'per-vu-iterations', exec: 'probeWeb' },
  },
};
export function setup() { return { base: __ENV.B }; }
export function probeApi(d) { console.log('api ' + exec.scenario.name + ' ' + exec.scenario.executor); check(http.get(d.base + '/api'), { 'api up': (r) => r.status === 200 }); }
export function probeWeb(d) { console.log('web ' + exec.scenario.name); check(http.get(d.base + '/web'), { 'web up': (r) => r.status === 200 }); }
export default function (d) { console.log('default ' + exec.scenario.name + ' ' + (d && d.base === __ENV.B)); }
`, { env: { B: srv.url } });
    assert.equal(r.outcome, 'passed', r.message);
    assert.deepEqual(r.console.map((c) => c.message), ['api api shared-iterations', 'default plain true', 'web web']);
    assert.deepEqual(r.checks.map((c) => [c.name, c.passes]), [['api up', 1], ['web up', 1]]);
    assert.deepEqual(r.requests.map((q) => new URL(q.url).pathname), ['/api', '/web']);
  });

  it('a failing exec function fails the attempt (CLI: the script from the issue, no default export)', async () => {
    const dir = folder({
      'validate.js': `import http from 'k6/http';
import { check } from 'k6';
export const options = { scenarios: { s: { executor: 'shared-iterations', exec: 'probe' } } };
export function probe() { check(http.get(__ENV.B + '/down'), { 'up': (r) => r.status === 200 }); }
`,
    });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `B=${srv.url}`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Failed CheckFailed: check "up" \(0 of 1 passed\) failed/);
  });
});

describe('nothing runnable is a usage error', () => {
  it('no default export and no scenarios: exit 2 naming what is missing (run and poll)', async () => {
    const dir = folder({ 'validate.js': 'export function setup() {}\nexport const options = { vus: 2 };\n' });
    const r = await cli(['run', join(dir, 'validate.js')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /exports no default function and options\.scenarios names no exec function/);
    const p = await cli(['poll', join(dir, 'validate.js'), '--interval', '1s', '--max-duration', '10s']);
    assert.equal(p.code, 2, p.stdout + p.stderr);
    assert.match(p.stderr, /nothing would be validated/);
  });

  it('a scenario whose exec is not exported: exit 2 naming the scenario and the function', async () => {
    const dir = folder({ 'validate.js': "export const options = { scenarios: { smoke: { executor: 'shared-iterations', exec: 'probe' } } };\nexport default function () {}\n" });
    const r = await cli(['run', join(dir, 'validate.js')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /options\.scenarios\.smoke\.exec names "probe", but the script exports no function of that name/);
  });

  it('a scenario without exec and no default export: exit 2', async () => {
    const dir = folder({ 'validate.js': "export const options = { scenarios: { smoke: { executor: 'shared-iterations' } } };\nexport function probe() {}\n" });
    const r = await cli(['run', join(dir, 'validate.js')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /options\.scenarios\.smoke has no exec, so it runs the default function, but the script exports none/);
  });
});
