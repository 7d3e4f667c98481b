// Every example in examples/ works as its comments say: scripts and ConfigMaps with `run`
// against a loopback target, TestRun manifests parse and run, the init-container wiring
// runs from a mounted-ConfigMap layout, and the Dockerfile copies paths that exist.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { findTestRun, readPreTestValidation } from '../src/manifest/testrun.js';
import { loadManifestFile } from '../src/manifest/documents.js';
import { loadScriptSource } from '../src/script/source.js';
import { httpServer } from './fixtures/http/helpers.js';
import { BUNDLE, ROOT, ensureBuilt, runProcess } from './helpers/embed.js';

const EX = join(ROOT, 'examples');
let server: Awaited<ReturnType<typeof httpServer>>;
let refuse = false;
const seen: string[] = [];

const cli = (args: string[], env?: NodeJS.ProcessEnv) => runProcess(process.execPath, [BUNDLE, ...args], { ...(env ? { env } : {}) });
const verdict = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l));

before(async () => {
  ensureBuilt();
  server = await httpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (refuse) return json(403, { error: 'Forbidden', message: 'not on the allowlist' });
    if (req.url === '/ip') return json(200, { ip: '203.0.113.7' });
    if (req.url === '/auth/login') return res.writeHead(302, { location: '/auth/form' }).end();
    if (req.url === '/static/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end();
    if (req.url === '/health') return json(200, { status: 'ok' });
    return json(404, { error: 'not found' });
  });
});

after(() => server?.close());

describe('examples/validate', () => {
  test('health.js passes against a healthy target and fails with CheckFailed on a 403', async () => {
    const ok = await cli(['run', join(EX, 'validate', 'health.js'), '-e', `TARGET=${server.url}`, '-o', 'json']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(verdict(ok.stdout).status.lastAttempt.checks.map((c: { name: string; fails: number }) => [c.name, c.fails]), [
      ['status is 200', 0],
      ['status field is ok', 0],
    ]);
    refuse = true;
    try {
      const no = await cli(['run', join(EX, 'validate', 'health.js'), '-e', `TARGET=${server.url}`, '-o', 'json']);
      assert.equal(no.code, 1, no.stdout + no.stderr);
      assert.equal(verdict(no.stdout).status.lastAttempt.reason, 'CheckFailed');
    } finally {
      refuse = false;
    }
  });

  test('allowlist-diagnosis.js reports the local and the egress address', async () => {
    const r = await cli([
      'run', join(EX, 'validate', 'allowlist-diagnosis.js'), '-e', `TARGET=${server.url}/health`, '-e', `ECHO_URL=${server.url}/ip`, '-o', 'json',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const consoleLines = lines(r.stdout).filter((l) => l.type === 'console').map((l) => l.message);
    assert.ok(consoleLines.some((m: string) => /local address 127\.0\.0\.1:\d+, public egress address 203\.0\.113\.7/.test(m)), consoleLines.join('\n'));
    refuse = true;
    try {
      const no = await cli(['run', join(EX, 'validate', 'allowlist-diagnosis.js'), '-e', `TARGET=${server.url}/health`, '-o', 'json']);
      assert.equal(no.code, 1);
      const warn = lines(no.stdout).filter((l) => l.type === 'console' && l.level === 'warn').map((l) => l.message);
      assert.ok(warn.some((m: string) => m.includes('refuses this runner') && m.includes('127.0.0.1')), warn.join('\n'));
    } finally {
      refuse = false;
    }
  });

  test('allowlist-diagnosis.js without TARGET fails with a message saying so', async () => {
    const r = await cli(['run', join(EX, 'validate', 'allowlist-diagnosis.js'), '-o', 'json']);
    assert.equal(r.code, 1);
    assert.match(verdict(r.stdout).status.lastAttempt.message, /set TARGET/);
  });

  test('multi-endpoint.js checks every endpoint of the batch', async () => {
    const r = await cli(['run', join(EX, 'validate', 'multi-endpoint.js'), '-e', `TARGET=${server.url}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = verdict(r.stdout).status;
    assert.equal(st.lastAttempt.requests.length, 3);
    assert.equal(st.lastAttempt.checks.length, 3);
  });
});

describe('examples/manifests', () => {
  test('the ConfigMap runs as a script source (validate.js with its ./checks.js import)', async () => {
    const src = loadScriptSource(join(EX, 'manifests', 'validation-configmap.yaml'));
    assert.equal(src.entry, 'validate.js');
    assert.deepEqual([...src.files.keys()].sort(), ['checks.js', 'preflight.yaml', 'test.js', 'validate.js']);
    assert.equal(src.config?.plan.maxDurationMs, 4 * 60_000, 'preflight.yaml gives the schedule');
    const r = await cli(['run', join(EX, 'manifests', 'validation-configmap.yaml'), '-e', `TARGET=${server.url}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('the TestRuns follow #644 and parse', () => {
    const check = readPreTestValidation(findTestRun(loadManifestFile(join(EX, 'manifests', 'proposal-644', 'testrun-connectivity-check.yaml'))));
    assert.equal(check.enabled, true);
    assert.equal(check.source?.kind, 'connectivityCheck');
    assert.equal(check.plan.intervalMs, 15_000);
    assert.equal(check.plan.backoff, 'exponential');
    assert.equal(check.plan.maxDurationMs, 30 * 60_000);
    const script = readPreTestValidation(findTestRun(loadManifestFile(join(EX, 'manifests', 'proposal-644', 'testrun-validation-script.yaml'))));
    assert.deepEqual(script.source, { kind: 'validationScript', configMap: { name: 'api-load-test', file: 'validate.js' } });
    const init = readPreTestValidation(findTestRun(loadManifestFile(join(EX, 'manifests', 'testrun-gate-runners.yaml'))));
    assert.equal(init.enabled, false); // validation runs in the init container instead
  });

  test('testrun with the ConfigMap file runs the validation script', async () => {
    const r = await cli([
      'testrun', join(EX, 'manifests', 'proposal-644', 'testrun-validation-script.yaml'),
      '--configmap', join(EX, 'manifests', 'validation-configmap.yaml'), '-e', `TARGET=${server.url}`, '-o', 'json',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(verdict(r.stdout).status.phase, 'Succeeded');
  });

  test('testrun runs the connectivity check (URL pointed at loopback)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6p-ex-'));
    try {
      const text = readFileSync(join(EX, 'manifests', 'proposal-644', 'testrun-connectivity-check.yaml'), 'utf8');
      assert.match(text, /url: https:\/\/api\.example\.com\/health/);
      const local = join(dir, 'testrun.yaml');
      writeFileSync(local, text.replace('https://api.example.com/health', `${server.url}/health`));
      const r = await cli(['testrun', local, '-o', 'json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(verdict(r.stdout).status.phase, 'Succeeded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the init container runs as written against a ConfigMap mounted like the kubelet does', async () => {
    const doc = parseYaml(readFileSync(join(EX, 'manifests', 'testrun-gate-runners.yaml'), 'utf8'));
    const spec = doc.spec;
    assert.ok(spec.initializer, 'initializer set explicitly (k6-operator #296)');
    const init = spec.runner.initContainers[0];
    assert.deepEqual(init.command, ['k6-preflight']);
    // A /test volume laid out as the kubelet writes it: keys are links into ..data.
    const mount = mkdtempSync(join(tmpdir(), 'k6p-mount-'));
    try {
      const cm = parseYaml(readFileSync(join(EX, 'manifests', 'validation-configmap.yaml'), 'utf8'));
      assert.equal(cm.metadata.name, spec.script.configMap.name);
      const stamp = '..2026_01_02_15_04_05.000000001';
      mkdirSync(join(mount, stamp));
      for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(mount, stamp, k), v);
      symlinkSync(stamp, join(mount, '..data'));
      for (const k of Object.keys(cm.data)) symlinkSync(join('..data', k), join(mount, k));
      // $(TARGET) is expanded by Kubernetes from the container's env; /test is the mount.
      const env: Record<string, string> = Object.fromEntries(init.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      env.TARGET = server.url;
      const args = (init.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_, n) => env[n] ?? '').replace(/^\/test$/, mount));
      const r = await cli([...args, '--termination-log', join(mount, 'termination-log')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(verdict(r.stdout).status.phase, 'Succeeded');
      const term = JSON.parse(readFileSync(join(mount, 'termination-log'), 'utf8'));
      assert.ok(JSON.stringify(term).includes('Succeeded'));
    } finally {
      rmSync(mount, { recursive: true, force: true });
    }
  });
});

describe('examples/runner-image', () => {
  test('the Dockerfile copies paths that exist and installs what build-sea makes', () => {
    const text = readFileSync(join(EX, 'runner-image', 'Dockerfile'), 'utf8');
    const copies = [...text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1]!.trim().split(/\s+/));
    assert.ok(copies.length > 0);
    for (const parts of copies) for (const p of parts.slice(0, -1)) assert.ok(existsSync(join(ROOT, p)), `COPY ${p}: no such path`);
    assert.match(text, /RUN node --import tsx scripts\/build-sea\.ts/);
    assert.match(text, /COPY --from=build \/src\/dist\/k6-preflight \/usr\/local\/bin\/k6-preflight/);
    assert.match(text, /FROM \$\{K6_IMAGE\}/);
    assert.match(text, /ARG K6_IMAGE=grafana\/k6/);
    // The build stage gets every folder the bundle is built from.
    for (const d of ['src', 'runtime', 'scripts', 'schema', 'examples']) assert.match(text, new RegExp(`^COPY ${d} \\./${d}$`, 'm'));
    // A slim gate image besides k6+gate, on a Node line that is still supported (20 ended in April 2026).
    assert.match(text, /^FROM alpine:\$\{ALPINE\} AS gate$/m);
    assert.match(text, /^ARG NODE_IMAGE=node:(2[4-9]|[3-9]\d)-alpine/m);
    assert.match(text, /^USER 65534:65534$/m);
    assert.ok(readdirSync(join(ROOT, 'examples', 'validate')).includes('health.js'));
  });
});
