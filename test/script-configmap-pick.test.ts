// Picking the script from a manifest holding several ConfigMaps: --file, validate.js,
// else the only script of them all; an ambiguous choice names every candidate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScriptSource } from '../src/script/source.js';

const cm = (name: string, data: Record<string, string>) =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;

function manifest(...docs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-cm-'));
  const f = join(dir, 'all.yaml');
  writeFileSync(f, docs.join(''));
  return f;
}

test('several ConfigMaps, one script among them: that script is picked', () => {
  const f = manifest(cm('settings', { 'config.json': '{}', 'users.csv': 'a,b' }), cm('checks', { 'health.js': 'export default function () {}' }));
  const src = loadScriptSource(f);
  assert.equal(src.entry, 'health.js');
  assert.match(src.origin, /configmap\/checks/);
});

test('several ConfigMaps: validate.js wins over other scripts; --file picks its holder', () => {
  const f = manifest(cm('load', { 'test.js': '' }), cm('gate', { 'validate.js': '', 'lib.js': '' }));
  assert.equal(loadScriptSource(f).entry, 'validate.js');
  const t = loadScriptSource(f, 'test.js');
  assert.equal(t.entry, 'test.js');
  assert.match(t.origin, /configmap\/load/);
});

test('several scripts in several ConfigMaps: an error naming each, and how to choose', () => {
  const f = manifest(cm('a', { 'one.js': '' }), cm('b', { 'two.ts': '' }));
  assert.throws(() => loadScriptSource(f), /several scripts \(configmap\/a:one\.js, configmap\/b:two\.ts\); choose one with --file/);
  const none = manifest(cm('a', { 'x.txt': '' }), cm('b', { 'y.csv': '' }));
  assert.throws(() => loadScriptSource(none), /2 ConfigMaps \(a, b\) and no script in any of them/);
  assert.throws(() => loadScriptSource(f, 'nope.js'), /none has a key "nope\.js"/);
});
