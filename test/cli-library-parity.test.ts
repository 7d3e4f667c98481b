// One code path: the CLI's commands call the library, so the same input gives the same
// status document either way — a check, a skipped TestRun, an abort, a TestRun's --file —
// and errors carry stable codes that decide the exit code in any build (ESM or CJS).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkUrl, ERROR_CODES, exitCodeFor, loadTestRun, runOnce, type StatusDocument } from '../src/index.js';
import { cli, folder, jsonLines, loopback, type Loopback } from './helpers/cli.js';
import { ensureBuilt } from './helpers/embed.js';

let server: Loopback;
before(async () => {
  server = await loopback((_n, req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 10_000).unref();
    if (req.url === '/missing') return void ((res.statusCode = 404), res.end('no'));
    res.end('ok');
  });
});
after(() => server.close());

/** A message without what changes from run to run: times and the runner's source port. */
const words = (m: string) => m.replace(/\d+(\.\d+)? ?m?s\b/g, 'T').replace(/from 127\.0\.0\.1:\d+/g, 'from 127.0.0.1:P');

/** The parts of a status document that do not depend on when it ran. */
function stable(s: StatusDocument) {
  return {
    phase: s.phase, reason: s.reason, target: s.target, attempts: s.attempts, schedule: s.schedule,
    message: words(s.message),
    last: s.lastAttempt && { outcome: s.lastAttempt.outcome, reason: s.lastAttempt.reason, message: words(s.lastAttempt.message) },
    conditions: s.conditions.map((c) => [c.type, c.status, c.reason]),
  };
}

const cliResult = async (args: string[], opts?: Parameters<typeof cli>[1]) => {
  const r = await cli([...args, '-o', 'json'], opts);
  const last = jsonLines(r.stdout).at(-1)!;
  assert.equal(last.type, 'result', r.stdout + r.stderr);
  return { code: r.code, status: last.status as StatusDocument };
};

const testRunYaml = (pre: string) => `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata: { name: same, namespace: qa }
spec:
  parallelism: 1
  script: { configMap: { name: scripts, file: test.js } }
${pre}`;

describe('the CLI and the library agree', () => {
  it('check: the same status document', async () => {
    const url = `${server.url}/missing`;
    // Failing fast on the first attempt keeps the outcome independent of timing.
    const schedule = { interval: '5s', maxDuration: '20s', failFastOn: 'UnexpectedStatus' };
    const fromCli = await cliResult(['check', url, '--interval', '5s', '--max-duration', '20s', '--fail-fast-on', 'UnexpectedStatus', '--expect', '200']);
    const fromLib = await checkUrl(url, { expect: '200', schedule });
    assert.equal(fromCli.code, 1);
    assert.equal(fromCli.status.reason, 'UnexpectedStatus');
    assert.deepEqual(stable(fromCli.status), stable(fromLib.status));
  });

  it('notices: the CLI prints the library\'s notice events', async () => {
    const url = `${server.url}/`;
    const r = await cli(['check', url, '--timeout', '5m', '--max-duration', '1m', '-o', 'json']);
    const printed = jsonLines(r.stdout).filter((l) => l.type === 'notice').map((l) => l.message);
    const events: string[] = [];
    const lib = await checkUrl(url, { timeout: '5m', schedule: { maxDuration: '1m' }, onEvent: (e) => e.type === 'notice' && events.push(e.message) });
    assert.equal(printed.length, 1);
    assert.match(printed[0]!, /timeout 5m is per attempt and longer than max duration 1m/);
    assert.deepEqual(printed, events);
    assert.deepEqual(lib.notices, events);
  });

  it('a skipped TestRun: the same Succeeded/ValidationSkipped status, also in JSON', async () => {
    const dir = folder({ 'tr.yaml': testRunYaml('  preTestValidation: { enabled: false }\n') });
    const fromCli = await cliResult(['testrun', join(dir, 'tr.yaml')]);
    const fromLib = await loadTestRun(join(dir, 'tr.yaml')).run();
    assert.equal(fromCli.code, 0);
    assert.equal(fromLib.skipped, true);
    assert.equal(fromCli.status.reason, 'ValidationSkipped');
    assert.deepEqual(stable(fromCli.status), stable(fromLib.status));
  });

  it('--file picks the TestRun\'s script in both', async () => {
    const dir = folder({
      'tr.yaml': `${testRunYaml(`  preTestValidation:
    validationScript: { configMap: { name: checks, file: validate.js } }
    polling: { interval: 1s, maxDuration: 5s }
`)}---
apiVersion: v1
kind: ConfigMap
metadata: { name: checks }
data:
  validate.js: |
    export default function () { throw new Error('the default script ran'); }
  other.js: |
    import http from 'k6/http';
    export default function () { if (http.get('${server.url}/').status !== 200) throw new Error('down'); }
`,
    });
    const fromCli = await cliResult(['testrun', join(dir, 'tr.yaml'), '--file', 'other.js']);
    const fromLib = await loadTestRun(join(dir, 'tr.yaml'), { file: 'other.js' }).run();
    assert.equal(fromCli.code, 0, JSON.stringify(fromCli.status));
    assert.equal(fromLib.passed, true, fromLib.status.message);
    assert.match(fromCli.status.target!, /TestRun qa\/same: configmap\/checks:other\.js/);
    assert.deepEqual(stable(fromCli.status), stable(fromLib.status));
  });

  it('an aborted run: the same words for what stopped it', async () => {
    const code = `import http from 'k6/http';\nexport default function () { console.log('started'); http.get(__ENV.BASE + '/slow'); }`;
    const dir = folder({ 'validate.js': code });
    const fromCli = await cliResult(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`], {
      onSpawn: (kill, stdout) => {
        const t = setInterval(() => stdout().includes('started') && (clearInterval(t), kill('SIGTERM')), 50);
      },
    });
    assert.equal(fromCli.code, 143);
    const ac = new AbortController();
    const fromLib = await runOnce({ code }, {
      env: { BASE: server.url }, signal: ac.signal,
      onEvent: (e) => e.type === 'console' && ac.abort(new Error('stopped by SIGTERM')),
    });
    for (const s of [fromCli.status, fromLib.status]) {
      assert.equal(s.phase, 'Aborted');
      assert.equal(s.message, 'stopped by SIGTERM during attempt 1');
    }
  });
});

describe('errors: stable codes decide the exit code, across builds', () => {
  before(() => ensureBuilt());

  it('an error thrown by the ESM build is recognised by the CJS build', async () => {
    const name = 'k6-preflight'; // the package itself, through package.json "exports"
    const esm = (await import(name)) as typeof import('../src/index.js');
    const cjs = createRequire(import.meta.url)(name) as typeof import('../src/index.js');
    const usage = await esm.checkUrl('ftp://example.invalid/').then(() => undefined, (e: unknown) => e);
    assert.equal((usage as { code?: string }).code, ERROR_CODES.usage);
    assert.ok(!(usage instanceof cjs.UsageError), 'a different class in the other build');
    assert.equal(cjs.exitCodeFor(usage), 2);
    assert.equal(cjs.isUsageError(usage), true);
    let manifest: unknown;
    try {
      esm.loadTestRun({ text: 'kind: TestRun\nspec: [' });
    } catch (e) {
      manifest = e;
    }
    assert.equal((manifest as { code?: string }).code, ERROR_CODES.manifest);
    assert.equal(cjs.exitCodeFor(manifest), 2);
    assert.equal(cjs.exitCodeFor(new Error('a bug')), 1);
    assert.equal(exitCodeFor({ name: 'UsageError', message: 'only the name' }), 1, 'a class name alone decides nothing');
  });

  it('schedule and duration errors are usage errors with the same code', async () => {
    const e = await checkUrl(`${server.url}/`, { schedule: { interval: '15' } }).then(() => undefined, (x: unknown) => x);
    assert.equal((e as { code?: string }).code, ERROR_CODES.usage);
    assert.match((e as Error).message, /--interval: "15" is not a duration/);
  });
});
