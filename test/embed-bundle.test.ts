// The single-file bundle runs with plain `node` from an empty folder (no node_modules),
// for every command, with relative imports; and the single executable runs with an empty
// environment. Servers are loopback only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { httpServer } from './fixtures/http/helpers.js';
import { startGrpcServer } from './fixtures/grpc/server.js';
import { startWsServer } from './fixtures/ws/server.js';
import { BUNDLE, ROOT, bundleSize, ensureBuilt, runProcess } from './helpers/embed.js';

let dir: string;
let server: Awaited<ReturnType<typeof httpServer>>;
let hits = 0;
let grpc: Awaited<ReturnType<typeof startGrpcServer>>;
let ws: Awaited<ReturnType<typeof startWsServer>>;

const cli = (args: string[], timeoutMs = 30_000) => runProcess(process.execPath, [join(dir, 'k6-preflight.cjs'), ...args], { cwd: dir, timeoutMs });

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'k6p-embed-'));
  copyFileSync(BUNDLE, join(dir, 'k6-preflight.cjs'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(
    join(dir, 'validate.js'),
    [
      "import http from 'k6/http';",
      "import { check } from 'k6';",
      "import { expectStatus } from './lib/expect.js';",
      'export default function () {',
      '  const r = http.get(`${__ENV.TARGET}/health`);',
      "  check(r, { 'status is 200': expectStatus(200) });",
      '}',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'protocols.js'),
    [
      "import grpc from 'k6/net/grpc';",
      "import wsk6 from 'k6/ws';",
      "import { check } from 'k6';",
      'const client = new grpc.Client();',
      'export default function () {',
      '  client.connect(__ENV.ADDR, { plaintext: true, reflect: true });',
      "  const res = client.invoke('main.FeatureExplorer/GetFeature', { latitude: 410248224, longitude: -747127767 });",
      "  check(res, { 'grpc feature name': (r) => r.status === grpc.StatusOK && r.message.name === 'Patriots Path, Mendham, NJ 07945, USA' });",
      '  client.close();',
      '  let echoed = null;',
      "  const w = wsk6.connect(__ENV.WS, {}, (s) => { s.on('open', () => s.send('hello')); s.on('message', (m) => { echoed = m; s.close(); }); });",
      "  check(w, { 'ws echo': (r) => r.status === 101 && echoed === 'hello' });",
      '}',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'throws.js'), 'export default function () {\n  const x = 1;\n  if (x) throw "line 3";\n}\n');
  grpc = await startGrpcServer();
  ws = await startWsServer();
  writeFileSync(join(dir, 'lib', 'expect.js'), 'export const expectStatus = (s) => (r) => r.status === s;\n');
  writeFileSync(join(dir, 'validate.ts'), "import http from 'k6/http';\nexport default function (): void { http.get(__ENV.TARGET as string); }\n");
  server = await httpServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  writeFileSync(
    join(dir, 'testrun.yaml'),
    [
      'apiVersion: k6.io/v1alpha1',
      'kind: TestRun',
      'metadata: { name: embed }',
      'spec:',
      '  parallelism: 1',
      '  script: { configMap: { name: s, file: test.js } }',
      '  preTestValidation:',
      '    connectivityCheck:',
      `      url: ${server.url}/health`,
      '      expectedStatusCodes: [200]',
      '    polling: { interval: 1s, maxDuration: 10s }',
    ].join('\n'),
  );
});

after(async () => {
  await server?.close();
  await grpc?.close();
  await ws?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dist/k6-preflight.cjs from an empty folder', () => {
  test('is one file within the size budget', () => {
    const size = bundleSize();
    // The goal is 1.5 MB (npm run bench reports it); this only guards against a regression
    // such as undici's full index or a second WASM copy coming back.
    assert.ok(size < 2 * 1024 * 1024, `bundle is ${size} bytes`);
  });

  test('--version and --help', async () => {
    const v = await cli(['--version']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+/);
    const h = await cli(['--help']);
    assert.equal(h.code, 0, h.stderr);
    for (const c of ['run', 'poll', 'check', 'testrun', 'demo']) assert.match(h.stdout, new RegExp(`k6-preflight ${c}\\b`));
  });

  test('run: a script with a relative import', async () => {
    const r = await cli(['run', 'validate.js', '-e', `TARGET=${server.url}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(last.type, 'result');
    assert.equal(last.status.phase, 'Succeeded');
    assert.equal(last.status.lastAttempt.checks[0].name, 'status is 200');
  });

  test('poll, check and testrun', async () => {
    const p = await cli(['poll', 'validate.js', '-e', `TARGET=${server.url}`, '--max-duration', '10s', '--interval', '1s']);
    assert.equal(p.code, 0, p.stdout + p.stderr);
    assert.match(p.stdout, /Succeeded/);
    const c = await cli(['check', `${server.url}/health`, '--max-duration', '10s', '--expect', '200']);
    assert.equal(c.code, 0, c.stdout + c.stderr);
    const t = await cli(['testrun', 'testrun.yaml']);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /Succeeded/);
  });

  test('demo ends by itself with exit 0', async () => {
    const d = await cli(['demo', '--refuse-for', '1s'], 20_000);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    assert.match(d.stdout, /403/);
    assert.match(d.stdout, /Succeeded/);
  });

  // protobufjs and ws ride in the bundle as compressed chunks loaded on first use (src/lazy-chunk.ts).
  test('gRPC and WebSockets run from the bundle alone (their libraries are inside it)', async () => {
    const r = await cli(['run', 'protocols.js', '-e', `ADDR=${grpc.address}`, '-e', `WS=${ws.url('/echo')}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const checks = JSON.parse(r.stdout.trim().split('\n').pop()!).status.lastAttempt.checks as { name: string; passes: number; fails: number }[];
    assert.deepEqual(checks.map((c) => [c.name, c.passes, c.fails]), [['grpc feature name', 1, 0], ['ws echo', 1, 0]]);
    const g = await cli(['check', `grpc://${grpc.address}`, '--max-duration', '10s']);
    assert.equal(g.code, 0, g.stdout + g.stderr);
    const w = await cli(['check', ws.url('/echo'), '--max-duration', '10s']);
    assert.equal(w.code, 0, w.stdout + w.stderr);
  });

  // acorn, which marks throw sites, is a compressed chunk too: a thrown string still has its place.
  test('a thrown string reports file:line:col from the bundle alone', async () => {
    const r = await cli(['run', 'throws.js', '-o', 'json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.match(last.status.message, /line 3 in default\(\) at throws\.js:3:10/);
  });

  // yaml is a compressed chunk too; its error class must still be recognised through it.
  test('a folder\'s preflight.yaml is read, and bad YAML is told with its place', async () => {
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'folder', 'v.js'), 'export default function () {}\n');
    writeFileSync(join(dir, 'folder', 'preflight.yaml'), 'polling:\n  interval: [1s\n');
    const r = await cli(['run', 'folder']);
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /preflight\.yaml in folder: invalid YAML at line 3, column 1: Flow sequence/);
  });

  test('a TypeScript script runs from the bundle alone (the transform is inside it)', async () => {
    const before = hits;
    const r = await cli(['run', 'validate.ts', '-e', `TARGET=${server.url}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(hits, before + 1);
  });
});

describe('single executable (dist/k6-preflight)', () => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const canBuild = process.platform === 'linux' && (major > 20 || (major === 20 && minor >= 12));

  test('runs a script with an empty environment', { timeout: 180_000, skip: canBuild ? false : 'needs Node ≥ 20.12 on Linux' }, async (t) => {
    if (process.env.K6P_SKIP_SEA === '1') return t.skip('K6P_SKIP_SEA=1');
    const exe = join(dir, 'k6-preflight');
    // Building takes ~10 s (a ~100 MB copy of node plus injection); give up after 90 s.
    const b = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-sea.ts'), '--skip-bundle', '--out', exe], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
    });
    if (b.error && (b.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return t.skip('building the single executable took over 90 s');
    assert.equal(b.status, 0, b.stdout + b.stderr);
    try {
      const r = await runProcess(exe, ['run', 'validate.js', '-e', `TARGET=${server.url}`, '-o', 'json'], { cwd: dir, env: {} });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).status.phase, 'Succeeded');
      const c = await runProcess(exe, ['check', `${server.url}/health`, '--max-duration', '5s'], { cwd: dir, env: {} });
      assert.equal(c.code, 0, c.stdout + c.stderr);
      // The compressed chunks (protobufjs, ws, acorn) load inside the executable too.
      const p = await runProcess(exe, ['run', 'protocols.js', '-e', `ADDR=${grpc.address}`, '-e', `WS=${ws.url('/echo')}`, '-o', 'json'], { cwd: dir, env: {} });
      assert.equal(p.code, 0, p.stdout + p.stderr);
      const checks = JSON.parse(p.stdout.trim().split('\n').pop()!).status.lastAttempt.checks as { name: string; passes: number }[];
      assert.deepEqual(checks.map((x) => [x.name, x.passes]), [['grpc feature name', 1], ['ws echo', 1]]);
      const th = await runProcess(exe, ['run', 'throws.js'], { cwd: dir, env: {} });
      assert.match(th.stdout + th.stderr, /line 3 in default\(\) at throws\.js:3:10/);
    } finally {
      rmSync(exe, { force: true });
    }
  });
});
