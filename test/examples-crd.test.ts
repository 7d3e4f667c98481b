// Every TestRun in examples/manifests that claims to work today is accepted by the real
// TestRun CRD as it stands (a trimmed copy of k6-operator's schema, test/fixtures/k8s),
// validated the way an API server with strict field validation does: unknown fields are
// errors. Proposal manifests (#644) live apart, say so in their first lines, and are
// refused by that same schema.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { readTestRunValidation } from '../src/manifest/carriers.js';
import { parseManifestText } from '../src/manifest/documents.js';
import { findTestRun } from '../src/manifest/testrun.js';

const ROOT = join(import.meta.dirname, '..');
const MANIFESTS = join(ROOT, 'examples', 'manifests');
const PROPOSALS = join(MANIFESTS, 'proposal-644');
const require = createRequire(import.meta.url);
const Ajv = require('ajv').default as typeof import('ajv').default;

type Node = Record<string, unknown>;

/** The fixture with the shared Pod schema put back under initializer, runner and starter. */
function crdSchema(): Node {
  const { schema, pod } = parse(readFileSync(join(ROOT, 'test', 'fixtures', 'k8s', 'testrun-crd-schema.yaml'), 'utf8')) as { schema: Node; pod: Node };
  const spec = (schema.properties as Record<string, Node>).spec!.properties as Record<string, Node>;
  for (const k of ['initializer', 'runner', 'starter']) {
    assert.deepEqual(spec[k], { $pod: true });
    spec[k] = structuredClone(pod);
  }
  return schema;
}

/** A structural schema as the API server applies it with strict field validation: objects
 *  that list properties (and do not preserve unknown fields) refuse any other field. */
function strict(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(strict);
  if (!n || typeof n !== 'object') return n;
  const out: Node = {};
  for (const [k, v] of Object.entries(n as Node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Node).map(([p, s]) => [p, strict(s)])) : strict(v);
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validateTestRun = ajv.compile(strict(crdSchema()) as object);

/** What the API server says about a TestRun object: [] when it is accepted. */
function crdProblems(obj: Node): string[] {
  const out: string[] = [];
  if (obj.apiVersion !== 'k6.io/v1alpha1' || obj.kind !== 'TestRun') out.push(`apiVersion/kind: ${obj.apiVersion}/${obj.kind}`);
  const md = (obj.metadata ?? {}) as Node;
  if (typeof md.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(md.name)) out.push('metadata.name');
  for (const [k, v] of Object.entries((md.annotations ?? {}) as Node)) if (typeof v !== 'string') out.push(`metadata.annotations.${k}: not a string`);
  if (!validateTestRun(obj)) {
    for (const e of validateTestRun.errors!) {
      out.push(e.keyword === 'additionalProperties' ? `${e.instancePath}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"` : `${e.instancePath}: ${e.message}`);
    }
  }
  return out;
}

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
const docsOf = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Node).filter(Boolean);
const testRunsIn = (file: string) => docsOf(file).filter((d) => d.kind === 'TestRun');

describe('the CRD check itself', () => {
  const minimal = { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 't' }, spec: { parallelism: 1, script: { configMap: { name: 's' } } } };
  test('accepts a minimal TestRun', () => assert.deepEqual(crdProblems(minimal), []));
  test('refuses what today\'s operator types do not have', () => {
    const bad = structuredClone(minimal) as Node & { spec: Node };
    bad.spec.runner = { initContainers: [{ name: 'g', image: 'x', securityContext: { runAsNonRoot: true } }] }; // InitContainer has no securityContext
    assert.deepEqual(crdProblems(bad), ['/spec/runner/initContainers/0: unknown field "securityContext"']);
    const noScript = structuredClone(minimal) as Node & { spec: Node };
    delete noScript.spec.script;
    assert.ok(crdProblems(noScript).some((p) => /required property 'script'/.test(p)));
    const wrongType = structuredClone(minimal) as Node & { spec: Node };
    wrongType.spec.parallelism = '2';
    assert.ok(crdProblems(wrongType).some((p) => p.startsWith('/spec/parallelism')));
  });
});

describe('examples/manifests (what works today)', () => {
  const files = yamlFiles(MANIFESTS);
  test('there are TestRuns for both placements and the annotation', () => {
    const names = files.map((f) => f.split('/').pop());
    for (const n of ['testrun-gate-runners.yaml', 'testrun-gate-initializer.yaml', 'testrun-annotation.yaml']) assert.ok(names.includes(n), n);
  });

  for (const file of files) {
    for (const tr of testRunsIn(file)) {
      test(`${file.split('/').pop()}: accepted by the TestRun CRD`, () => assert.deepEqual(crdProblems(tr), []));
    }
  }

  test('every gate runs with resources, as non-root, on a read-only root file system', () => {
    let gates = 0;
    for (const file of files) {
      for (const tr of testRunsIn(file)) {
        const spec = tr.spec as Record<string, Node>;
        for (const placement of ['initializer', 'runner'] as const) {
          const pod = spec[placement];
          for (const c of (pod?.initContainers ?? []) as Node[]) {
            gates++;
            const where = `${file.split('/').pop()} ${placement}.initContainers.${c.name}`;
            const res = c.resources as { requests?: Node; limits?: Node } | undefined;
            assert.ok(res?.requests?.memory && res?.limits?.memory && res?.requests?.cpu, `${where}: resources`);
            // The operator gives init containers the pod's containerSecurityContext.
            const csc = pod!.containerSecurityContext as Node | undefined;
            assert.equal(csc?.readOnlyRootFilesystem, true, `${where}: read-only root`);
            assert.equal(csc?.allowPrivilegeEscalation, false, where);
            assert.equal((pod!.securityContext as Node | undefined)?.runAsNonRoot, true, `${where}: non-root`);
            assert.ok(((c.volumeMounts ?? []) as Node[]).some((m) => m.mountPath === '/tmp'), `${where}: a writable /tmp`);
            if (placement === 'runner') assert.ok(spec.initializer, `${where}: spec.initializer set explicitly (k6-operator #296)`);
          }
        }
      }
    }
    assert.ok(gates >= 2);
  });

  test('the annotation carrier is read by testrun', () => {
    const v = readTestRunValidation(findTestRun(parseManifestText(readFileSync(join(MANIFESTS, 'testrun-annotation.yaml'), 'utf8'), 'testrun-annotation.yaml')));
    assert.equal(v.carrier, 'annotation');
    assert.equal(v.source?.kind, 'connectivityCheck');
  });
});

describe('examples/manifests/proposal-644 (the #644 proposal)', () => {
  const files = yamlFiles(PROPOSALS);
  test('exists', () => assert.ok(files.length >= 2));
  for (const file of files) {
    test(`${file.split('/').pop()}: says so in its first lines, and today's CRD refuses it`, () => {
      const text = readFileSync(file, 'utf8');
      assert.match(text.split('\n').slice(0, 3).join('\n'), /PROPOSAL.*#644|#644.*PROPOSAL|PROPOSAL[\s\S]*#644/);
      for (const tr of testRunsIn(file)) assert.ok(crdProblems(tr).includes('/spec: unknown field "preTestValidation"'), file);
    });
  }
});
