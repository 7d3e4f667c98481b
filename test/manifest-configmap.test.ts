import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifestText, ManifestError } from '../src/manifest/documents.js';
import {
  configMapFiles, findConfigMap, requireConfigMap, readMountedConfigMapDir, configMapKeyProblem,
} from '../src/manifest/configmap.js';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

test('data is UTF-8, binaryData base64', () => {
  const [d] = parseManifestText(`apiVersion: v1
kind: ConfigMap
metadata: {name: s}
data:
  validate.js: |
    export default function () {}
  note.txt: "héllo"
binaryData:
  blob.bin: AAEC/w==
`, 'cm.yaml');
  const files = configMapFiles(d!);
  assert.deepEqual([...files.keys()], ['validate.js', 'note.txt', 'blob.bin']);
  assert.equal(text(files.get('validate.js')), 'export default function () {}\n');
  assert.equal(text(files.get('note.txt')), 'héllo');
  assert.deepEqual([...files.get('blob.bin')!], [0, 1, 2, 255]);
});

test('invalid keys, values and base64 are errors with the path', () => {
  const bad = (body: string) => () => configMapFiles(parseManifestText(`kind: ConfigMap\n${body}`, 'cm.yaml')[0]!);
  assert.throws(bad('data: {"lib/x.js": "a"}\n'), /cm\.yaml: data\["lib\/x\.js"\]: a ConfigMap key may only hold/);
  assert.throws(bad('data: {"..data": "a"}\n'), /must not start with "\.\."/);
  assert.throws(bad('data: {a: 1}\n'), /cm\.yaml: data\.a: expected a string, got an integer/);
  assert.throws(bad('data: [a]\n'), /cm\.yaml: data: expected a mapping/);
  assert.throws(bad('binaryData: {b: "not base64!"}\n'), /binaryData\.b: is not valid base64/);
  assert.throws(bad('data: {a: x}\nbinaryData: {a: AA==}\n'), /both data and binaryData/);
  assert.throws(() => configMapFiles(parseManifestText('kind: Secret\n', 's.yaml')[0]!), /kind: expected ConfigMap, got "Secret"/);
});

test('key rules', () => {
  assert.equal(configMapKeyProblem('validate.js'), undefined);
  assert.equal(configMapKeyProblem('a-b_c.d'), undefined);
  assert.ok(configMapKeyProblem(''));
  assert.ok(configMapKeyProblem('.'));
  assert.ok(configMapKeyProblem('a b'));
  assert.ok(configMapKeyProblem('x'.repeat(254)));
});

test('findConfigMap / requireConfigMap', () => {
  const docs = parseManifestText(`kind: ConfigMap
apiVersion: v1
metadata: {name: a}
---
kind: TestRun
metadata: {name: b}
---
kind: ConfigMap
apiVersion: v1
metadata: {name: b}
`, 'all.yaml');
  assert.equal(findConfigMap(docs, 'b')?.document, 3);
  assert.equal(findConfigMap(docs, 'zzz'), undefined);
  assert.throws(() => requireConfigMap(docs, 'zzz', 'spec.preTestValidation.validationScript.configMap.name'), (e: unknown) => {
    assert.ok(e instanceof ManifestError);
    assert.equal(e.message, 'spec.preTestValidation.validationScript.configMap.name: ConfigMap "zzz" not found (found "a", "b")');
    return true;
  });
});

/** Builds the kubelet AtomicWriter layout: files in ..<ts>/, ..data -> ..<ts>, key -> ..data/key. */
function atomicWriterDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'k6p-cm-'));
  const ts = '..2026_01_02_15_04_05.123456789';
  const tops = new Set<string>();
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, ts, p);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
    tops.add(p.split('/')[0]!);
  }
  symlinkSync(ts, join(root, '..data_tmp'));
  renameSync(join(root, '..data_tmp'), join(root, '..data'));
  for (const t of tops) symlinkSync(join('..data', t), join(root, t));
  return root;
}

test('reads an AtomicWriter-mounted ConfigMap, with subfolders from items[].path', () => {
  const root = atomicWriterDir({ 'validate.js': 'main', 'lib/helpers.js': 'help', 'lib/deep/x.js': 'x' });
  const files = readMountedConfigMapDir(root);
  assert.deepEqual([...files.keys()].sort(), ['lib/deep/x.js', 'lib/helpers.js', 'validate.js']);
  assert.equal(text(files.get('lib/helpers.js')), 'help');
  assert.equal(text(files.get('validate.js')), 'main');
});

test('links leading outside the directory are skipped and reported', () => {
  const outside = mkdtempSync(join(tmpdir(), 'k6p-out-'));
  writeFileSync(join(outside, 'secret'), 's3cret');
  const root = atomicWriterDir({ 'validate.js': 'main' });
  symlinkSync(join(outside, 'secret'), join(root, 'leak'));
  symlinkSync('..', join(root, 'up'));
  symlinkSync(join(root, 'missing'), join(root, 'broken'));
  const skipped: string[] = [];
  const files = readMountedConfigMapDir(root, { onSkip: (p, why) => skipped.push(`${p}: ${why}`) });
  assert.deepEqual([...files.keys()], ['validate.js']);
  assert.deepEqual(skipped.sort(), [
    'broken: broken symlink',
    'leak: symlink leads outside the directory',
    'up: symlink leads outside the directory',
  ]);
});

test('a plain folder works, a link cycle terminates, a missing dir is an error', () => {
  const root = mkdtempSync(join(tmpdir(), 'k6p-plain-'));
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'a.js'), 'a');
  writeFileSync(join(root, 'sub', 'b.js'), 'b');
  symlinkSync('..', join(root, 'sub', 'loop'));
  const files = readMountedConfigMapDir(root);
  assert.deepEqual([...files.keys()], ['a.js', 'sub/b.js']);
  assert.throws(() => readMountedConfigMapDir(join(root, 'nope')), /nope: no such directory/);
  assert.throws(() => readMountedConfigMapDir(join(root, 'a.js')), /is not a directory/);
});
