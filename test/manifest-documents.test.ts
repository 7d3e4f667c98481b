import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifestFile, parseManifestText, ManifestError, docError } from '../src/manifest/documents.js';

const dir = mkdtempSync(join(tmpdir(), 'k6p-manifest-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('multi-document YAML keeps document numbers and skips empty documents', () => {
  const p = file('multi.yaml', `---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: ns}
data: {validate.js: "x"}
---
---
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: t
`);
  const docs = loadManifestFile(p);
  assert.equal(docs.length, 2);
  assert.deepEqual(docs.map((d) => [d.kind, d.name, d.document, d.documentCount]), [
    ['ConfigMap', 'a', 1, 3],
    ['TestRun', 't', 3, 3],
  ]);
  assert.equal(docs[0]!.namespace, 'ns');
  assert.equal(docs[1]!.source, p);
  const e = docError(docs[1]!, 'spec.x', 'bad');
  assert.equal(e.message, `${p} (document 3): spec.x: bad`);
});

test('a single document omits the document number in errors', () => {
  const [d] = parseManifestText('kind: TestRun\n', 'testrun.yaml');
  assert.equal(docError(d!, 'spec', 'is required').message, 'testrun.yaml: spec: is required');
});

test('kind: List is flattened, with item numbers', () => {
  const docs = parseManifestText(`apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: two}
`, 'list.yaml');
  assert.deepEqual(docs.map((d) => [d.name, d.item]), [['one', 1], ['two', 2]]);
  assert.match(docError(docs[1]!, 'data', 'x').message, /^list\.yaml \(item 2\): data: x$/);
});

test('typed lists give their items kind and apiVersion', () => {
  const docs = parseManifestText(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', items: [{ metadata: { name: 'a' } }] }), 'l.json');
  assert.equal(docs[0]!.kind, 'ConfigMap');
  assert.equal(docs[0]!.apiVersion, 'v1');
});

test('JSON files parse, with line and column on errors', () => {
  const ok = loadManifestFile(file('cm.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' } }, null, 2)));
  assert.equal(ok[0]!.name, 'j');
  const p = file('bad.json', '{\n  "kind": "ConfigMap",\n  oops\n}');
  assert.throws(() => loadManifestFile(p), (e: unknown) => {
    assert.ok(e instanceof ManifestError);
    assert.match(e.message, /bad\.json: invalid JSON/);
    return true;
  });
});

test('a top-level JSON array is a list of objects', () => {
  const docs = parseManifestText('[{"kind":"ConfigMap","metadata":{"name":"a"}}]', 'arr.json');
  assert.equal(docs[0]!.name, 'a');
});

test('YAML syntax errors name the file, document and line', () => {
  assert.throws(() => parseManifestText('kind: A\n---\nkind: B\n  bad: [\n', 'x.yaml'), (e: unknown) => {
    assert.ok(e instanceof ManifestError);
    assert.match(e.message, /^x\.yaml \(document 2\): invalid YAML at line \d+, column \d+/);
    return true;
  });
});

test('duplicate keys are an error', () => {
  assert.throws(() => parseManifestText('kind: A\nkind: B\n', 'd.yaml'), /d\.yaml: invalid YAML.*/);
});

test('a document that is not a mapping is an error', () => {
  assert.throws(() => parseManifestText('- a\n- b\n', 's.yaml'), /s\.yaml: expected a Kubernetes object/);
  assert.throws(() => parseManifestText('just text\n', 's.yaml'), /expected a Kubernetes object.*the string "just text"/);
});

test('a missing file or a directory is a ManifestError', () => {
  assert.throws(() => loadManifestFile(join(dir, 'nope.yaml')), /nope\.yaml: no such file/);
  assert.throws(() => loadManifestFile(dir), /is a directory/);
});

test('a byte order mark is ignored; YAML 1.2 keeps yes/no as strings', () => {
  const [d] = parseManifestText('\ufeffkind: ConfigMap\ndata: {a: yes}\n', 'bom.yaml');
  assert.equal((d!.value.data as Record<string, unknown>).a, 'yes');
});
