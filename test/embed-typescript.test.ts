// TypeScript validation scripts work in every form the project ships: the single-file
// bundle from an empty folder (no node_modules), the single executable with an empty
// environment, and the library from the package. The transform (sucrase) is inside the
// bundle, compressed, and loaded only when a script is TypeScript.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { httpServer } from './fixtures/http/helpers.js';
import { BUNDLE, ROOT, ensureBuilt, runProcess } from './helpers/embed.js';

let dir: string;
let server: Awaited<ReturnType<typeof httpServer>>;
let hits = 0;

const SCRIPT = [
  "import http from 'k6/http';",
  "import { check } from 'k6';",
  "import type { Expect } from './types.ts';",
  "import { statusIs } from './lib/expect.ts';",
  'enum Want { Ok = 200 }',
  'class Target { constructor(private readonly base: string) {} url(p: string): string { return `${this.base}${p}`; } }',
  'const want: Expect = { status: Want.Ok };',
  'export default function (): void {',
  '  const t = new Target(__ENV.TARGET as string);',
  "  check(http.get(t.url('/health')), { 'status ok': statusIs(want.status) satisfies (r: unknown) => boolean });",
  '}',
].join('\n');

before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'k6p-ts-'));
  copyFileSync(BUNDLE, join(dir, 'k6-preflight.cjs'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'validate.ts'), SCRIPT);
  writeFileSync(join(dir, 'types.ts'), 'export interface Expect { status: number }\n');
  writeFileSync(join(dir, 'lib', 'expect.ts'), 'export const statusIs = (s: number) => (r: { status: number }): boolean => r.status === s;\n');
  writeFileSync(join(dir, 'broken.ts'), 'export default function (): void {\n  const x: number = ;\n}\n');
  writeFileSync(join(dir, 'throws.ts'), 'type N = number;\nconst n: N = 1;\n\nexport default function (): void {\n  const label: string = `n=${n}`;   throw new Error(label);\n}\n');
  server = await httpServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200).end('ok');
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the single-file bundle, alone in a folder', () => {
  const cli = (args: string[]) => runProcess(process.execPath, [join(dir, 'k6-preflight.cjs'), ...args], { cwd: dir, timeoutMs: 30_000 });

  test('runs a TypeScript script with type-only imports, an enum, parameter properties and satisfies', async () => {
    const before = hits;
    const r = await cli(['run', 'validate.ts', '-e', `TARGET=${server.url}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(hits, before + 1);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(result.status.lastAttempt.checks.map((c: { name: string; passes: number }) => [c.name, c.passes]), [['status ok', 1]]);
  });

  test('a syntax error names the file, line and column, exit 2, nothing attempted', async () => {
    const r = await cli(['run', 'broken.ts']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /broken\.ts:2:21: Unexpected token/);
  });

  test('a runtime error points at the original TypeScript line', async () => {
    const r = await cli(['run', 'throws.ts']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /ScriptFailed: Error: n=1 .*at throws\.ts:5:\d+/);
  });

  test('the bundle carries the transform compressed, not sucrase\'s sources', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    assert.ok(!text.includes('jsxFragmentPragma'), 'sucrase is not inlined as plain code');
    assert.ok(!/require\(["']sucrase["']\)/.test(text), 'nothing is looked up in node_modules');
  });
});

describe('the library (dist/index.mjs)', () => {
  test('runs TypeScript given as code', async () => {
    const lib = await import(pathToFileURL(join(ROOT, 'dist', 'index.mjs')).href);
    const before = hits;
    const r = await lib.runOnce({ code: "import http from 'k6/http';\nexport default function (): void { http.get(__ENV.T as string); }\n", name: 'v.ts' }, { env: { T: server.url } });
    assert.equal(r.passed, true, JSON.stringify(r.status.message));
    assert.equal(hits, before + 1);
  });
});

describe('the single executable', () => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const canBuild = process.platform === 'linux' && (major > 20 || (major === 20 && minor >= 12));

  test('runs a TypeScript script with an empty environment', { timeout: 180_000, skip: canBuild ? false : 'needs Node ≥ 20.12 on Linux to build one' }, async (t) => {
    if (process.env.K6P_SKIP_SEA === '1') return t.skip('K6P_SKIP_SEA=1');
    const exe = join(dir, 'k6-preflight');
    const b = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-sea.ts'), '--skip-bundle', '--out', exe], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(b.status, 0, b.stdout + b.stderr);
    try {
      const before = hits;
      const r = await runProcess(exe, ['run', 'validate.ts', '-e', `TARGET=${server.url}`], { cwd: dir, env: {}, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(hits, before + 1);
      const bad = await runProcess(exe, ['run', 'broken.ts'], { cwd: dir, env: {}, timeoutMs: 60_000 });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /broken\.ts:2:21: Unexpected token/);
    } finally {
      rmSync(exe, { force: true });
    }
  });
});
