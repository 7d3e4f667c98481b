// The shipped schema pastes into a CRD's openAPIV3Schema as it is (structural rules), and
// a standard JSON Schema validator (ajv, draft 2020-12) agrees with the built-in one on
// known and unknown fields.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { SUPPORTED_KEYWORDS, unsupportedKeywords, validateSchema, type SchemaNode } from '../src/manifest/schema.js';
import { closedSchemaText } from '../src/manifest/schema-closed.js';

const ROOT = join(import.meta.dirname, '..');
const STRUCTURAL = JSON.parse(readFileSync(join(ROOT, 'schema', 'pre-test-validation.schema.json'), 'utf8'));
const CLOSED_TEXT = readFileSync(join(ROOT, 'schema', 'pre-test-validation.closed.schema.json'), 'utf8');
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv').default;

/** Kubernetes' known string formats (apiextensions-apiserver, kube-openapi strfmt). */
const K8S_FORMATS = ['bsonobjectid', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5',
  'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor', 'byte', 'password', 'date', 'duration', 'datetime', 'date-time'];

function* nodes(n: Record<string, unknown>, at = '#'): Generator<[string, Record<string, unknown>]> {
  yield [at, n];
  for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) yield* nodes(v, `${at}/properties/${k}`);
  if (n.items) yield* nodes(n.items as Record<string, unknown>, `${at}/items`);
}

describe('structural form (pastes into a CRD openAPIV3Schema)', () => {
  test('no $schema, $id, $ref, definitions or additionalProperties anywhere', () => {
    const text = JSON.stringify(STRUCTURAL);
    for (const k of ['"$schema"', '"$id"', '"$ref"', '"definitions"', '"$defs"', '"additionalProperties"', '"nullable"', '"default"']) {
      assert.ok(!text.includes(k), `${k} is not allowed (or not wanted) in a structural schema`);
    }
  });

  test('every node has a type, a description, and only keywords the built-in validator understands', () => {
    for (const [at, n] of nodes(STRUCTURAL)) {
      assert.ok(typeof n.type === 'string', `${at}: no type`);
      if (!at.endsWith('/items')) assert.ok(typeof n.description === 'string' && n.description.length > 0, `${at}: no description`);
      if (n.type === 'object') assert.ok(n.properties, `${at}: an object without properties would need x-kubernetes-preserve-unknown-fields`);
      if (n.format !== undefined) assert.ok(K8S_FORMATS.includes(String(n.format)), `${at}: format ${n.format} unknown to Kubernetes`);
      if (n['x-kubernetes-validations']) for (const r of n['x-kubernetes-validations'] as { rule: string; message: string }[]) assert.ok(r.rule && r.message);
    }
    assert.deepEqual(unsupportedKeywords(STRUCTURAL), []);
    assert.ok(!SUPPORTED_KEYWORDS.includes('additionalProperties'));
  });

  test('patterns are RE2 (the API server is Go): no lookaround or backreferences', () => {
    for (const [at, n] of nodes(STRUCTURAL)) {
      if (n.pattern === undefined) continue;
      const p = String(n.pattern);
      assert.doesNotMatch(p, /\(\?[=!<]|\\[1-9]/, `${at}: ${p}`);
      new RegExp(p, 'u');
    }
  });

  test('the closed file is the structural one with additionalProperties: false (regenerate with scripts/schema-closed.ts)', () => {
    assert.equal(CLOSED_TEXT, closedSchemaText(STRUCTURAL));
    const closed = JSON.parse(CLOSED_TEXT);
    assert.equal(closed.additionalProperties, false);
    assert.equal(closed.properties.polling.properties.backoff.additionalProperties, false);
  });
});

// --- agreement -------------------------------------------------------------------------

function ajvFor(schema: object) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addKeyword({ keyword: 'x-kubernetes-validations' }); // CEL, for the API server
  ajv.addFormat('duration', true); // its syntax is the pattern beside it
  return ajv.compile(schema);
}
const closedAjv = ajvFor(JSON.parse(CLOSED_TEXT));
const openAjv = ajvFor(STRUCTURAL);

/** The API server drops nulls of non-nullable fields before it validates; so does the built-in. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, dropNulls(x)]));
  return v;
}

/** Error locations as JSON pointers: the built-in's dotted paths, ajv's instancePath (+ the unknown key). */
function builtinPaths(v: unknown): string[] {
  return [...new Set(validateSchema(v, STRUCTURAL as SchemaNode, '').map((p) => '/' + p.path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/')))].sort();
}
function ajvPaths(v: unknown): string[] {
  if (closedAjv(dropNulls(v))) return [];
  const at = (e: { keyword: string; instancePath: string; params: Record<string, unknown> }) =>
    e.keyword === 'additionalProperties' ? `${e.instancePath}/${e.params.additionalProperty}`
      : e.keyword === 'required' ? `${e.instancePath}/${e.params.missingProperty}`
        : e.instancePath || '/';
  return [...new Set(closedAjv.errors!.map(at))].sort();
}

const VALID = {
  enabled: true,
  connectivityCheck: { url: 'https://api.example.com/health', method: 'GET', expectedStatusCodes: [200, 204], timeout: '30s' },
  polling: { interval: '15s', backoff: { type: 'exponential', factor: 1.5, maxInterval: '2m' }, maxDuration: '30m', successThreshold: 1 },
};

const CASES: [string, unknown][] = [
  ['the #644 example', VALID],
  ['a script', { validationScript: { configMap: { name: 'api-load-test', file: 'validate.js' } } }],
  ['unknown top-level field', { ...VALID, retries: 3 }],
  ['unknown nested field (typo)', { ...VALID, polling: { ...VALID.polling, maxDurration: '5m' } }],
  ['unknown field under backoff', { ...VALID, polling: { backoff: { type: 'linear', jitter: 0.2 } } }],
  ['unknown field under configMap', { validationScript: { configMap: { name: 'x', key: 'a.js' } } }],
  ['enabled as a string', { ...VALID, enabled: 'yes' }],
  ['url missing', { connectivityCheck: { method: 'GET' } }],
  ['url without scheme', { connectivityCheck: { url: 'api.example.com' } }],
  ['url empty', { connectivityCheck: { url: '' } }],
  ['method lower case', { connectivityCheck: { url: 'http://a', method: 'get' } }],
  ['status code out of range', { connectivityCheck: { url: 'http://a', expectedStatusCodes: [200, 600] } }],
  ['status code not an integer', { connectivityCheck: { url: 'http://a', expectedStatusCodes: [200.5] } }],
  ['no status codes', { connectivityCheck: { url: 'http://a', expectedStatusCodes: [] } }],
  ['bare number duration', { polling: { interval: '10' } }],
  ['number as duration', { polling: { interval: 10 } }],
  ['days', { polling: { maxDuration: '1d' } }],
  ['zero duration', { polling: { interval: '0s' } }],
  ['zero', { polling: { interval: '0' } }],
  ['negative duration', { polling: { interval: '-5s' } }],
  ['compound duration', { polling: { maxDuration: '1h2m3.5s', interval: '.5s', backoff: { maxInterval: '1.s' } } }],
  ['micro signs', { connectivityCheck: { url: 'http://a', timeout: '500µs' }, polling: { interval: '1500μs' } }],
  ['zero piece then non-zero', { polling: { interval: '0h1m' } }],
  ['fraction under one', { polling: { interval: '0.25s' } }],
  ['duration with space', { polling: { interval: '1 s' } }],
  ['backoff type wrong case', { polling: { backoff: { type: 'Exponential' } } }],
  ['factor below 1', { polling: { backoff: { factor: 0.5 } } }],
  ['threshold 0', { polling: { successThreshold: 0 } }],
  ['threshold fractional', { polling: { successThreshold: 1.5 } }],
  ['configMap name with capitals', { validationScript: { configMap: { name: 'API' } } }],
  ['configMap key with a slash', { validationScript: { configMap: { name: 'x', file: 'a/b.js' } } }],
  ['configMap missing', { validationScript: {} }],
  ['polling a list', { polling: [] }],
  ['the block a string', 'enabled: true'],
  ['nulls are absent', { enabled: null, connectivityCheck: { url: 'http://a', method: null }, polling: null }],
  ['required null', { connectivityCheck: { url: null } }],
];

describe('a standard validator (ajv, closed schema) agrees with the built-in one', () => {
  for (const [name, value] of CASES) {
    test(name, () => {
      const mine = builtinPaths(value);
      const theirs = ajvPaths(value);
      assert.equal(mine.length === 0, theirs.length === 0, `built-in ${JSON.stringify(mine)} vs ajv ${JSON.stringify(theirs)}`);
      assert.deepEqual(mine, theirs);
    });
  }

  test('on 2000 seeded mutations of valid blocks (validity and error locations)', () => {
    let seed = 0x6b36;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const junk: unknown[] = ['', 'x', '15s', '0s', '-1s', '1d', '10', 'GET', 'https://a.b', 'UPPER', 0, 1, -1, 1.5, 200, 600, true, false, [], [200], {}, { x: 1 }];
    let disagreements = 0;
    let invalid = 0;
    for (let i = 0; i < 2000; i++) {
      const doc = structuredClone(rnd() < 0.5 ? VALID : CASES[1]![1]) as Record<string, unknown>;
      for (let m = 0; m < 1 + Math.floor(rnd() * 3); m++) {
        // walk to a random object inside and set, replace or add a key
        let obj = doc;
        for (let d = 0; d < 3; d++) {
          const inner = Object.values(obj).filter((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown>[];
          if (!inner.length || rnd() < 0.3) break;
          obj = pick(inner);
        }
        const keys = Object.keys(obj);
        const key = rnd() < 0.8 && keys.length ? pick(keys) : pick(['extra', 'Enabled', 'url', 'name', 'type']);
        obj[key] = structuredClone(pick(junk));
      }
      const mine = builtinPaths(doc);
      const theirs = ajvPaths(doc);
      if (mine.length) invalid++;
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        disagreements++;
        if (disagreements <= 3) console.error('disagree', JSON.stringify(doc), mine, theirs);
      }
    }
    assert.equal(disagreements, 0);
    assert.ok(invalid > 500, `the mutations should make many invalid blocks, made ${invalid}`);
  });

  test('the structural file alone lets unknown fields through a plain validator (why the closed file exists)', () => {
    assert.equal(openAjv({ ...VALID, retries: 3 }), true);
    assert.equal(closedAjv({ ...VALID, retries: 3 }), false);
    assert.ok(builtinPaths({ ...VALID, retries: 3 }).length > 0);
  });
});
