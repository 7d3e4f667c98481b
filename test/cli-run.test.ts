// `k6-preflight run` end to end: the three script inputs, exit codes, the output
// formats, source-mapped errors and redaction, through the built CLI.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, folder, jsonLines, loopback, type Loopback } from './helpers/cli.js';

const HEALTH = `import http from 'k6/http';
import { check } from 'k6';
import { path } from './lib/paths.js';
export default function () {
  const res = http.get(__ENV.BASE + path);
  check(res, { 'status is 200': (r) => r.status === 200, 'body is ok': (r) => r.json('status') === 'ok' });
}
`;
const PATHS = `export const path = '/health';\n`;

let server: Loopback;
before(async () => {
  server = await loopback((_n, req, res) => {
    if (req.url === '/health') {
      res.setHeader('Content-Type', 'application/json');
      return res.end(JSON.stringify({ status: 'ok' }));
    }
    res.statusCode = 404;
    res.end('no');
  });
});
after(() => server.close());

describe('run: script inputs', () => {
  it('a file with a relative import passes with exit 0', async () => {
    const dir = folder({ 'validate.js': HEALTH, 'lib/paths.js': PATHS });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /✓ status is 200/);
    assert.match(r.stdout, /Succeeded/);
  });

  it('a directory mounted the way kubelet mounts a ConfigMap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6p-mount-'));
    const data = join(dir, '..2026_11_25_12_00_00.123');
    mkdirSync(join(data, 'lib'), { recursive: true });
    writeFileSync(join(data, 'validate.js'), HEALTH);
    writeFileSync(join(data, 'lib', 'paths.js'), PATHS);
    symlinkSync('..2026_11_25_12_00_00.123', join(dir, '..data'));
    symlinkSync('..data/validate.js', join(dir, 'validate.js'));
    symlinkSync('..data/lib', join(dir, 'lib'));
    const r = await cli(['run', dir, '-e', `BASE=${server.url}`]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });

  it('a ConfigMap manifest (a List, as kubectl prints it), with --file picking the key', async () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { 'x.txt': 'x' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checks' }, data: { 'health.js': HEALTH.replace('./lib/paths.js', './paths.js'), 'paths.js': PATHS } },
      ],
    };
    const dir = folder({ 'cm.json': JSON.stringify(manifest) });
    const r = await cli(['run', join(dir, 'cm.json'), '--file', 'health.js', '-e', `BASE=${server.url}`]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });

  it('a multi-document YAML manifest', async () => {
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\ndata:\n  validate.js: |\n${HEALTH.replace('./lib/paths.js', './paths.js').split('\n').map((l) => '    ' + l).join('\n')}\n  paths.js: |\n    ${PATHS}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n`;
    const dir = folder({ 'cm.yaml': yaml });
    const r = await cli(['run', join(dir, 'cm.yaml'), '-e', `BASE=${server.url}`]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
});

describe('run: usage errors exit 2 before any attempt and name the place', () => {
  const usage = async (files: Record<string, string>, args: string[], pattern: RegExp) => {
    const dir = folder(files);
    const r = await cli(['run', ...args.map((a) => a.replace('@', dir + '/'))]);
    assert.equal(r.code, 2, r.stderr + r.stdout);
    assert.match(r.stderr, pattern);
    assert.equal(server.hits(), hitsBefore, 'nothing was attempted');
  };
  let hitsBefore = 0;
  before(() => (hitsBefore = server.hits()));

  it('a syntax error', () => usage({ 'validate.js': 'export default function () {\n  let x = ;\n}\n' }, ['@validate.js'], /validate\.js:2:\d+: SyntaxError/));
  it('a syntax error in an imported file', () =>
    usage({ 'validate.js': "import { a } from './lib.js';\nexport default function () {}\n", 'lib.js': 'export const a = {;\n' }, ['@validate.js'], /lib\.js:1:\d+: SyntaxError/));
  it('a missing import', () => usage({ 'validate.js': "import { a } from './nope.js';\nexport default function () {}\n" }, ['@validate.js'], /validate\.js:1:\d+: import "\.\/nope\.js": no such file/));
  it('a file over 1 MiB', () => usage({ 'validate.js': '//' + 'x'.repeat(1024 * 1024) }, ['@validate.js'], /over the 1 MiB limit for a file of a script's folder or ConfigMap/));
  it('a missing key', () => usage({ 'cm.json': JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'a.js': 'export default function(){}' } }) }, ['@cm.json', '--file', 'validate.js'], /no key "validate\.js" \(keys: a\.js\)/));
  it('no such file', () => usage({}, ['@missing.js'], /missing\.js: no such file or directory/));
  it('a bare number as a duration', () => usage({ 'validate.js': 'export default function () {}' }, ['@validate.js', '--timeout', '30'], /--timeout "30": .*30s/));
  it('an --env without a value', () => usage({ 'validate.js': 'export default function () {}' }, ['@validate.js', '-e', 'TOKEN'], /--env TOKEN: write it as TOKEN=VALUE/));
});

describe('run: verdicts and output', () => {
  it('a failed check exits 1 with CheckFailed naming the check and the request', async () => {
    const dir = folder({ 'validate.js': "import http from 'k6/http';\nimport { check } from 'k6';\nexport default function () { check(http.get(__ENV.BASE + '/missing'), { 'status is 200': (r) => r.status === 200 }); }\n" });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Failed CheckFailed: check "status is 200" \(0 of 1 passed\) failed; last request GET http:\/\/127\.0\.0\.1:\d+\/missing → 404/);
  });

  it('an error in a TypeScript script names the original file, line and column', async () => {
    const ts = `interface Target { url: string }\nconst t: Target = { url: 'x' };\n\nexport default function (): void {\n  const n: number = 1;\n  throw new Error('broken ' + t.url + n);\n}\n`;
    const dir = folder({ 'validate.ts': ts });
    const r = await cli(['run', join(dir, 'validate.ts')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /ScriptFailed: Error: broken x1 in default\(\) at validate\.ts:6:\d+/);
  });

  it('--output json prints request, check and console lines, and the result last', async () => {
    const dir = folder({ 'validate.js': HEALTH.replace('check(res', "console.log('hello');\n  check(res"), 'lib/paths.js': PATHS });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    const types = lines.map((l) => l.type);
    assert.deepEqual(types.filter((t) => t !== 'notice'), ['request', 'console', 'check', 'check', 'result']);
    const req = lines.find((l) => l.type === 'request')!;
    for (const k of ['method', 'url', 'status', 'error', 'error_code', 'remote_ip', 'remote_port', 'timings']) assert.ok(k in req, k);
    const { status } = lines.at(-1)!;
    assert.equal(status.phase, 'Succeeded');
    assert.equal(status.attempts, 1);
    assert.equal(status.lastAttempt.number, 1);
    assert.equal(status.lastAttempt.outcome, 'passed');
    assert.equal(typeof status.lastAttempt.durationMs, 'number');
    assert.deepEqual(status.lastAttempt.checks.map((c: { name: string; passes: number; fails: number }) => [c.name, c.passes, c.fails]), [['status is 200', 1, 0], ['body is ok', 1, 0]]);
    assert.equal(status.lastAttempt.requests[0].status, 200);
  });

  it('keeps secrets out of every output', async () => {
    const secret = 'hunter2-planted-secret';
    const script = `import http from 'k6/http';
export default function () {
  console.log('token is ' + __ENV.TOKEN);
  http.get(__ENV.BASE + '/missing?token=' + __ENV.TOKEN, { headers: { Authorization: 'Bearer ' + __ENV.TOKEN } });
  http.get('http://user:' + __ENV.TOKEN + '@127.0.0.1:1/x');
  throw new Error('failed with ' + __ENV.TOKEN);
}`;
    const dir = folder({ 'validate.js': script });
    const statusFile = join(dir, 'status.json');
    for (const output of ['text', 'json']) {
      const r = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`, '-e', `TOKEN=${secret}`, '--secret-env', 'TOKEN', '-o', output]);
      assert.equal(r.code, 1);
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${output} output leaks the secret:\n${r.stdout}`);
      assert.match(r.stdout, /\*\*\*/);
    }
    const polled = await cli(['poll', join(dir, 'validate.js'), '-e', `BASE=${server.url}`, '-e', `TOKEN=${secret}`, '--secret-env', 'TOKEN', '--max-duration', '1s', '--interval', '2s', '--status-file', statusFile, '--termination-log', join(dir, 'term.log')]);
    const { readFileSync } = await import('node:fs');
    for (const f of [statusFile, join(dir, 'term.log')]) assert.ok(!readFileSync(f, 'utf8').includes(secret), `${f} leaks the secret`);
    assert.ok(!polled.stdout.includes(secret));
  });

  it('colours only when asked or on a terminal', async () => {
    const dir = folder({ 'validate.js': 'export default function () {}' });
    const plain = await cli(['run', join(dir, 'validate.js')]);
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    const forced = await cli(['run', join(dir, 'validate.js'), '--color']);
    assert.match(forced.stdout, /\x1b\[32mSucceeded/);
  });
});
