// Thrown non-Error values report where they were thrown, source-mapped like Errors: in the
// entry, in an imported file, in TypeScript, and in a pre-built bundle with an inline map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './helpers/sandbox.js';
import { markThrowSites, unshiftColumn } from '../src/script/throw-sites.js';

test('throw "line 6" in the entry: file:line:col of the throw', async () => {
  const r = await runScript(['import { sleep } from "k6";', '', 'export default function () {', '  const x = 1;', '', '  throw "line 6";', '}'].join('\n'));
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /^line 6 in default\(\) at validate\.js:6:3$/, 'the bare value, as k6 prints it');
});

test('a thrown object or number in an imported file, several throws on one line', async () => {
  const r = await runScript(`import { boom } from './lib/util.js';\nexport default function () { boom(2); }`, {
    files: { 'lib/util.js': `export function boom(n) {\n  if (n === 1) throw 1; if (n === 2) throw { code: 42 }; throw 'never';\n}` },
  });
  assert.match(r.message, /\{"code":42\} in default\(\) at lib\/util\.js:2:38/);
});

test('a caught and rethrown string reports the rethrow; catching still sees the plain value', async () => {
  const r = await runScript(`export default function () {
  let seen;
  try { throw "first"; } catch (e) { seen = typeof e + ':' + e; }
  if (seen !== 'string:first') throw new Error('caught ' + seen);
  try { throw "again"; } catch (e) {
    throw e;
  }
}`);
  assert.match(r.message, /again in default\(\) at validate\.js:6:5/);
});

test('TypeScript: the location is in the .ts source, after type stripping', async () => {
  const r = await runScript(
    `import { fail } from 'k6';\ninterface Opts {\n  n: number;\n}\nconst o: Opts = { n: 1 };\nexport default function (): void {\n  if (o.n > 0) throw \`bad \${o.n as number}\`;\n}\n`,
    { entry: 'validate.ts' },
  );
  assert.match(r.message, /bad 1 in default\(\) at validate\.ts:7:16/);
});

test('a pre-built bundle with an inline source map reports the original file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-bundle-'));
  writeFileSync(join(dir, 'helpers.ts'), `export function check(n: number): number {\n  if (n > 1) {\n    throw "too big: " + n;\n  }\n  return n;\n}\n`);
  writeFileSync(join(dir, 'main.ts'), `import { check } from './helpers';\nexport default function () {\n  check(5);\n}\n`);
  const out = buildSync({ entryPoints: [join(dir, 'main.ts')], bundle: true, format: 'esm', sourcemap: 'inline', write: false, external: ['k6', 'k6/*'], minify: true, sourceRoot: '' });
  const code = out.outputFiles[0]!.text;
  assert.match(code, /sourceMappingURL=data:application\/json;base64,/);
  const r = await runScript(code, { entry: 'dist/bundle.js' });
  assert.match(r.message, /too big: 5 in default\(\) at .*helpers\.ts:3:5/);
});

test('an Error thrown on a rewritten line keeps its own column', async () => {
  const r = await runScript(`export default function () { if (0) throw "x"; null.f(); }`);
  assert.match(r.message, /validate\.js:1:5\d/);
  const { code, shifts } = markThrowSites(`if (0) throw "x"; null.f();`);
  const col = code.indexOf('null.f') + 1;
  assert.equal(unshiftColumn(shifts, 1, col), `if (0) throw "x"; null.f();`.indexOf('null.f') + 1);
});
