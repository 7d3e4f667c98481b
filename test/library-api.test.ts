// The library API (src/index.ts, published as dist/index.{mjs,cjs}): runOnce, poll,
// checkUrl, loadTestRun — results, events (callback and async iterator), abort.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { checkUrl, loadTestRun, poll, runOnce, UsageError, ManifestError, type PreflightEvent } from '../src/index.js';
import { httpServer } from './fixtures/http/helpers.js';
import { ensureBuilt } from './helpers/embed.js';

let server: Awaited<ReturnType<typeof httpServer>>;
let failuresLeft = 0;

const HEALTH = `
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  check(http.get(__ENV.TARGET + '/health'), { 'status is 200': (r) => r.status === 200 });
}`;

before(async () => {
  server = await httpServer((req, res) => {
    req.resume();
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 30_000).unref();
    if (failuresLeft > 0) {
      failuresLeft--;
      return res.writeHead(503, { 'content-type': 'text/plain' }).end('warming up');
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
});
after(() => server?.close());

describe('runOnce', () => {
  test('passes, with the status document of `run` and streamed events', async () => {
    const seen: PreflightEvent[] = [];
    const r = await runOnce({ code: HEALTH }, { env: { TARGET: server.url }, onEvent: (e) => seen.push(e) });
    assert.equal(r.passed, true);
    assert.equal(r.status.phase, 'Succeeded');
    assert.equal(r.status.schedule, null);
    assert.equal(r.attempt.outcome, 'passed');
    assert.deepEqual(r.status.lastAttempt?.checks.map((c) => c.name), ['status is 200']);
    assert.deepEqual(seen.map((e) => e.type), ['request', 'check']);
  });

  test('relative imports from the files given beside the code', async () => {
    const code = "import { target } from './lib/conf.js';\nimport http from 'k6/http';\nexport default function () { if (http.get(target).status !== 200) throw new Error('bad'); }";
    const r = await runOnce({ code, files: { 'lib/conf.js': `export const target = ${JSON.stringify(server.url + '/health')};` } });
    assert.equal(r.passed, true, r.attempt.message);
  });

  test('fails with the reason a person can act on', async () => {
    failuresLeft = 1;
    const r = await runOnce({ code: HEALTH }, { env: { TARGET: server.url } });
    assert.equal(r.passed, false);
    assert.equal(r.status.phase, 'Failed');
    assert.equal(r.attempt.reason, 'CheckFailed');
  });

  test('a broken script rejects with UsageError, nothing attempted', async () => {
    await assert.rejects(runOnce({ code: 'export default function ( {' }), UsageError);
    await assert.rejects(runOnce({ code: "import x from 'node:fs'; export default function () {}" }), UsageError);
    await assert.rejects(runOnce('/nonexistent/validate.js'), UsageError);
  });

  test('abort cancels the attempt: phase Aborted', async () => {
    const ac = new AbortController();
    const run = runOnce({ code: "import http from 'k6/http';\nexport default function () { http.get(__ENV.TARGET + '/slow'); }" }, {
      env: { TARGET: server.url },
      signal: ac.signal,
      onEvent: () => undefined,
    });
    setTimeout(() => ac.abort(new Error('test over')), 300);
    const started = Date.now();
    const r = await run;
    assert.equal(r.status.phase, 'Aborted');
    // The response would come after 30 s; a loaded machine still stops far sooner.
    assert.ok(Date.now() - started < 20_000, 'stopped well before the slow response');
  });
});

describe('poll', () => {
  test('retries until the target recovers; events via for await', async () => {
    failuresLeft = 2;
    const run = poll({ code: HEALTH }, { env: { TARGET: server.url }, schedule: { interval: '100ms', jitter: 0, maxDuration: '20s' } });
    const attempts: string[] = [];
    for await (const e of run) if (e.type === 'attempt') attempts.push(`${e.event.outcome}:${e.event.reason}`);
    const r = await run;
    assert.equal(r.passed, true);
    assert.equal(r.status.phase, 'Succeeded');
    assert.equal(r.status.attempts, 3);
    assert.deepEqual(attempts, ['failed:CheckFailed', 'failed:CheckFailed', 'passed:AttemptPassed']);
    assert.ok(r.status.conditions.some((c) => c.type === 'ValidationSucceeded' && c.status === 'True'));
    assert.equal(r.status.history.length, 3);
  });

  test('stops at the deadline with DeadlineExceeded', async () => {
    failuresLeft = 1_000;
    try {
      const r = await poll({ code: HEALTH }, { env: { TARGET: server.url }, schedule: { interval: '200ms', jitter: 0, maxDuration: '700ms' } });
      assert.equal(r.status.phase, 'DeadlineExceeded');
      assert.equal(r.passed, false);
    } finally {
      failuresLeft = 0;
    }
  });

  test('abort ends the run as Aborted', async () => {
    failuresLeft = 1_000;
    const ac = new AbortController();
    try {
      const run = poll({ code: HEALTH }, { env: { TARGET: server.url }, signal: ac.signal, schedule: { interval: '5s', maxDuration: '1m' } });
      for await (const e of run) if (e.type === 'attempt') ac.abort('enough');
      const r = await run;
      assert.equal(r.status.phase, 'Aborted');
    } finally {
      failuresLeft = 0;
    }
  });

  test('invalid schedule rejects with the field named', async () => {
    await assert.rejects(poll({ code: HEALTH }, { schedule: { interval: '15' } }), (e: unknown) => e instanceof UsageError && /interval/.test((e as Error).message));
  });
});

describe('checkUrl', () => {
  test('expected status set, headers, events', async () => {
    failuresLeft = 1;
    const types = new Set<string>();
    const r = await checkUrl(`${server.url}/health`, {
      expect: '200-299', headers: { 'x-probe': '1' }, schedule: { interval: '100ms', jitter: 0, maxDuration: '10s' }, onEvent: (e) => types.add(e.type),
    });
    assert.equal(r.passed, true);
    assert.equal(r.status.attempts, 2);
    assert.equal(r.status.history[0]!.reason, 'UnexpectedStatus');
    assert.ok(types.has('request') && types.has('attempt') && types.has('condition'));
  });

  test('bad URL and bad expect are usage errors', async () => {
    await assert.rejects(checkUrl('ftp://example.com'), UsageError);
    await assert.rejects(checkUrl(`${server.url}/`, { expect: 'two hundred' }), UsageError);
  });
});

describe('loadTestRun', () => {
  const testRun = (ptv: string) => `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata: { name: lib, namespace: qa, generation: 3 }
spec:
  parallelism: 1
  script: { configMap: { name: scripts, file: test.js } }
${ptv}`;

  test('connectivityCheck: runs with the manifest plan, flags-like overrides, generation in conditions', async () => {
    const t = loadTestRun({
      text: testRun(`  preTestValidation:
    connectivityCheck: { url: "${server.url}/health", expectedStatusCodes: [200] }
    polling: { interval: 15s, maxDuration: 30s }`),
    });
    assert.equal(t.enabled, true);
    assert.equal(t.source?.kind, 'connectivityCheck');
    assert.equal(t.plan.intervalMs, 15_000);
    assert.deepEqual(t.testRun, { name: 'lib', namespace: 'qa', generation: 3 });
    failuresLeft = 1;
    const r = await t.run({ schedule: { interval: '100ms', jitter: 0 } });
    assert.equal(r.skipped, false);
    assert.equal(r.passed, true);
    assert.equal(r.status.attempts, 2);
    assert.ok(r.status.conditions.every((c) => c.observedGeneration === 3));
  });

  test('validationScript: the ConfigMap from the same text', async () => {
    const t = loadTestRun({
      text: `${testRun(`  preTestValidation:
    validationScript: { configMap: { name: scripts, file: validate.js } }`)}
---
apiVersion: v1
kind: ConfigMap
metadata: { name: scripts }
data:
  validate.js: |
    import { check } from 'k6';
    import http from 'k6/http';
    import { ok } from './ok.js';
    export default function () { check(http.get(__ENV.TARGET + '/health'), { ok }); }
  ok.js: |
    export const ok = (r) => r.status === 200;
`,
    });
    assert.equal(t.script?.entry, 'validate.js');
    const r = await t.run({ env: { TARGET: server.url }, schedule: { interval: '100ms' } });
    assert.equal(r.passed, true);
    assert.match(r.status.target ?? '', /TestRun qa\/lib: configmap\/scripts:validate\.js/);
  });

  test('absent or disabled validation is skipped', async () => {
    const t = loadTestRun({ text: testRun('') });
    assert.equal(t.enabled, false);
    const r = await t.run();
    assert.equal(r.skipped, true);
    assert.equal(r.passed, true);
  });

  test('manifest problems are ManifestErrors naming the path', () => {
    assert.throws(
      () => loadTestRun({ text: testRun(`  preTestValidation:
    connectivityCheck: { url: "${server.url}" }
    polling: { interval: "15" }`) }),
      (e: unknown) => e instanceof ManifestError && /spec\.preTestValidation\.polling\.interval/.test((e as Error).message),
    );
    assert.throws(() => loadTestRun({ text: testRun(`  preTestValidation:
    validationScript: { configMap: { name: missing } }`) }), /ConfigMap "missing" not found/);
  });
});

describe('the published package (dist/index.mjs and dist/index.cjs)', () => {
  before(() => ensureBuilt());

  test('import: runOnce through the bundled worker', async () => {
    const name = 'k6-preflight'; // the package's own name: resolved through package.json "exports"
    const lib = (await import(name)) as typeof import('../src/index.js');
    const r = await lib.runOnce({ code: HEALTH }, { env: { TARGET: server.url } });
    assert.equal(r.passed, true, r.attempt.message);
    assert.equal(typeof lib.VERSION, 'string');
  });

  test('require: checkUrl', async () => {
    const lib = createRequire(import.meta.url)('k6-preflight') as typeof import('../src/index.js');
    const r = await lib.checkUrl(`${server.url}/health`, { schedule: { maxDuration: '5s' } });
    assert.equal(r.passed, true);
  });
});
