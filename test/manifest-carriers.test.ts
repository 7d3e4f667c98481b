// Carriers today's API server accepts: the TestRun annotation k6-preflight.io/validation
// (read by `testrun`) and preflight.yaml beside the script in its ConfigMap or mounted
// folder (read by `run`/`poll`); spec.preTestValidation stays as the #644 proposal.
// Flags override every carrier, field by field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseManifestText } from '../src/manifest/documents.js';
import { readConfigFile, readTestRunValidation, VALIDATION_ANNOTATION } from '../src/manifest/carriers.js';
import { findTestRun } from '../src/manifest/testrun.js';
import { loadScriptSource } from '../src/script/source.js';
import { poll } from '../src/index.js';
import { cli, folder, jsonLines, loopback } from './helpers/cli.js';

const testRunYaml = (annotation?: string, spec = '') => `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: api
  namespace: qa
${annotation === undefined ? '' : `  annotations:\n    ${VALIDATION_ANNOTATION}: |\n${annotation.split('\n').map((l) => `      ${l}`).join('\n')}\n`}spec:
  parallelism: 1
  script:
    configMap:
      name: api
${spec}`;
const read = (text: string) => readTestRunValidation(findTestRun(parseManifestText(text, 'tr.yaml')));

describe('the TestRun annotation', () => {
  test('holds the same fields as spec.preTestValidation', () => {
    const v = read(testRunYaml('connectivityCheck:\n  url: https://api.example.com/health\n  expectedStatusCodes: [200, 204]\npolling:\n  interval: 10s\n  maxDuration: 5m'));
    assert.equal(v.carrier, 'annotation');
    assert.equal(v.enabled, true);
    assert.equal(v.source?.kind, 'connectivityCheck');
    assert.equal(v.plan.intervalMs, 10_000);
    assert.equal(v.plan.maxDurationMs, 300_000);
    assert.equal(v.testRun.name, 'api');
  });

  test('JSON text works too', () => {
    const v = read(testRunYaml('{"validationScript": {"configMap": {"name": "api", "file": "validate.js"}}}'));
    assert.deepEqual(v.source, { kind: 'validationScript', configMap: { name: 'api', file: 'validate.js' } });
  });

  test('errors name the annotation and the field inside it', () => {
    assert.throws(() => read(testRunYaml('polling:\n  interval: 10')), {
      message: `tr.yaml: metadata.annotations["${VALIDATION_ANNOTATION}"].polling.interval: 10 is not a duration (write it like 10s)`,
    });
    assert.throws(() => read(testRunYaml('polling:\n  maxDurration: 5m\nconnectivityCheck: {url: "http://a"}')), (e: Error) =>
      /annotations\["k6-preflight.io\/validation"\]\.polling\.maxDurration: unknown field; .* takes interval, backoff, maxDuration, successThreshold/.test(e.message));
    assert.throws(() => read(testRunYaml('polling: [unclosed')), (e: Error) => /annotations\["k6-preflight.io\/validation"\]: invalid YAML at line \d+, column \d+: Flow sequence/.test(e.message));
    assert.throws(() => read(testRunYaml('polling: {}')), (e: Error) => /set one of connectivityCheck .* or validationScript/.test(e.message));
  });

  test('and spec.preTestValidation together are refused (one would be ignored)', () => {
    assert.throws(() => read(testRunYaml('connectivityCheck: {url: "http://a"}', '  preTestValidation:\n    connectivityCheck: {url: "http://b"}\n')),
      (e: Error) => /spec\.preTestValidation: set the validation in one place/.test(e.message));
  });

  test('spec.preTestValidation alone is still read (the #644 proposal)', () => {
    const v = read(testRunYaml(undefined, '  preTestValidation:\n    connectivityCheck: {url: "http://b"}\n'));
    assert.equal(v.carrier, 'spec');
    assert.equal(v.source?.kind, 'connectivityCheck');
  });

  test('none: not enabled, and the carriers looked for are listed', () => {
    const v = read(testRunYaml());
    assert.equal(v.enabled, false);
    assert.equal(v.carrier, undefined);
    assert.ok(v.looked.some((l) => l.includes(VALIDATION_ANNOTATION)));
    assert.ok(v.looked.some((l) => l.includes('spec.preTestValidation') && l.includes('#644')));
  });
});

describe('preflight.yaml beside the script', () => {
  const cm = (extra: Record<string, string>) => stringify({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api' },
    data: { 'test.js': 'export default function () {}', 'check.js': 'export default function () {}', ...extra },
  });

  test('in a ConfigMap manifest: gives the schedule and picks the script key', () => {
    const dir = folder({ 'cm.yaml': cm({ 'preflight.yaml': 'validationScript:\n  configMap: {name: api, file: check.js}\npolling:\n  interval: 3s\n  successThreshold: 2\n' }) });
    try {
      const src = loadScriptSource(join(dir, 'cm.yaml'));
      assert.equal(src.entry, 'check.js');
      assert.equal(src.config?.plan.intervalMs, 3000);
      assert.equal(src.config?.plan.successThreshold, 2);
      // --file still wins over the file's key
      assert.equal(loadScriptSource(join(dir, 'cm.yaml'), 'test.js').entry, 'test.js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('in a folder mounted the kubelet way (..data links)', () => {
    const dir = folder({});
    try {
      const stamp = '..2026_01_02_15_04_05.000000001';
      mkdirSync(join(dir, stamp));
      const files = { 'validate.js': 'export default function () {}', 'preflight.yaml': 'polling: {maxDuration: 2m}\n' };
      for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, stamp, k), v);
      symlinkSync(stamp, join(dir, '..data'));
      for (const k of Object.keys(files)) symlinkSync(join('..data', k), join(dir, k));
      const src = loadScriptSource(dir);
      assert.equal(src.entry, 'validate.js');
      assert.equal(src.config?.plan.maxDurationMs, 120_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('errors name the file and the field', () => {
    const files = new Map([['preflight.yaml', new TextEncoder().encode('polling:\n  backoff: {type: Exponential}\n')]]);
    assert.throws(() => readConfigFile(files, '/test'), { message: 'preflight.yaml in /test: polling.backoff.type: "Exponential" is not one of constant, linear, exponential (did you mean exponential?)' });
    const big = new Map([['preflight.yaml', new Uint8Array(300 * 1024).fill(0x20)]]);
    assert.throws(() => readConfigFile(big, '/test'), /over the 256 KiB limit/);
  });

  test('a single script file has no config (only ConfigMaps and mounted folders do)', () => {
    const dir = folder({ 'validate.js': 'export default function () {}', 'preflight.yaml': 'polling: {interval: 1s}' });
    try {
      assert.equal(loadScriptSource(join(dir, 'validate.js')).config, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('through the CLI (flags override the carriers)', () => {
  test('poll takes preflight.yaml\'s schedule, and a flag overrides one field of it', async () => {
    const target = await loopback((n, _req, res) => res.end('ok'));
    const dir = folder({
      'validate.js': `import http from 'k6/http';\nimport { check } from 'k6';\nexport default function () { check(http.get(__ENV.T), { ok: (r) => r.status === 200 }); }`,
      'preflight.yaml': 'polling:\n  interval: 7s\n  maxDuration: 3m\n  successThreshold: 2\n',
    });
    try {
      const r = await cli(['poll', dir, '-e', `T=${target.url}`, '--interval', '100ms', '--jitter', '0', '-o', 'json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const status = jsonLines(r.stdout).at(-1)!.status;
      assert.equal(status.schedule.interval, '100ms', 'the flag wins');
      assert.equal(status.schedule.maxDuration, '3m0s', 'from preflight.yaml');
      assert.equal(status.schedule.successThreshold, 2, 'from preflight.yaml');
      assert.equal(status.attempts, 2);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad preflight.yaml stops poll with exit 2 naming the field; a flag error names the flag', async () => {
    const dir = folder({ 'validate.js': 'export default function () {}', 'preflight.yaml': 'polling:\n  interval: 0s\n' });
    try {
      const r = await cli(['poll', dir]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /preflight\.yaml in .*: polling\.interval: "0s" must be greater than zero/);
      writeFileSync(join(dir, 'preflight.yaml'), 'polling:\n  interval: 5s\n');
      const f = await cli(['poll', dir, '--interval', '10']);
      assert.equal(f.code, 2);
      assert.match(f.stderr, /--interval "10": not a duration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a connectivityCheck in preflight.yaml is refused by run and poll, not silently skipped', async () => {
    const dir = folder({ 'validate.js': 'export default function () {}', 'preflight.yaml': 'connectivityCheck: {url: "http://127.0.0.1:9/x"}\n' });
    try {
      for (const cmd of ['run', 'poll']) {
        const r = await cli([cmd, dir]);
        assert.equal(r.code, 2, cmd);
        assert.match(r.stderr, /preflight\.yaml in .*: connectivityCheck: sets connectivityCheck, but run and poll run a script/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('enabled: false in preflight.yaml skips poll with exit 0 and says why', async () => {
    const dir = folder({ 'validate.js': 'throw new Error("must not run")', 'preflight.yaml': 'enabled: false\n' });
    try {
      const r = await cli(['poll', dir, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const last = jsonLines(r.stdout).at(-1)!;
      assert.equal(last.skipped, true);
      assert.match(last.message, /enabled: false; validation skipped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('testrun runs the annotation; flags override its polling', async () => {
    const target = await loopback((n, _req, res) => {
      res.statusCode = n === 1 ? 503 : 204;
      res.end();
    });
    const dir = folder({});
    try {
      const file = join(dir, 'tr.yaml');
      writeFileSync(file, testRunYaml(`connectivityCheck:\n  url: ${target.url}/health\n  expectedStatusCodes: [204]\npolling:\n  interval: 30s\n  maxDuration: 10m`));
      const r = await cli(['testrun', file, '--interval', '100ms', '--jitter', '0', '-o', 'json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const status = jsonLines(r.stdout).at(-1)!.status;
      assert.equal(status.phase, 'Succeeded');
      assert.equal(status.attempts, 2);
      assert.equal(status.schedule.interval, '100ms');
      assert.equal(status.schedule.maxDuration, '10m0s');
      assert.equal(target.hits(), 2);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('testrun on a TestRun with no carrier says which ones it looked for', async () => {
    const dir = folder({ 'tr.yaml': testRunYaml() });
    try {
      const r = await cli(['testrun', join(dir, 'tr.yaml')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /TestRun qa\/api: no validation found \(looked for the annotation k6-preflight\.io\/validation and spec\.preTestValidation \(the k6-operator #644 proposal, not in today's CRD\)\); validation skipped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('through the library', () => {
  test('poll() takes preflight.yaml\'s schedule under its own options, and honours enabled: false', async () => {
    const target = await loopback((_n, _req, res) => res.end('ok'));
    const dir = folder({
      'validate.js': "import http from 'k6/http';\nexport default function () { http.get(__ENV.T); }",
      'preflight.yaml': 'polling:\n  interval: 9s\n  maxDuration: 2m\n',
    });
    try {
      const r = await poll(dir, { env: { T: target.url }, schedule: { maxDuration: '30s' } });
      assert.equal(r.passed, true);
      assert.equal(r.status.schedule?.interval, '9s');
      assert.equal(r.status.schedule?.maxDuration, '30s');
      writeFileSync(join(dir, 'preflight.yaml'), 'enabled: false\n');
      const hits = target.hits();
      const s = await poll(dir, { env: { T: target.url } });
      assert.equal(s.skipped, true);
      assert.equal(s.status.reason, 'ValidationSkipped');
      assert.equal(target.hits(), hits);
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an alias bomb in the annotation is refused, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'polling: *h'].join('\n');
    assert.throws(() => read(testRunYaml(bomb)), (e: Error) => /annotations\["k6-preflight.io\/validation"\]: invalid YAML/.test(e.message));
  });
});
