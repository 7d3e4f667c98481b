import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseManifestText, ManifestError } from '../src/manifest/documents.js';
import { readPreTestValidation, findTestRun, PLAN_FIELD_PATHS } from '../src/manifest/testrun.js';
import { validateSchema, unsupportedKeywords, type SchemaNode } from '../src/manifest/schema.js';
import { PRE_TEST_VALIDATION_SCHEMA } from '../src/manifest/schema-json.js';
import { BACKOFFS, planFromInput } from '../src/plan/plan.js';

const schema = PRE_TEST_VALIDATION_SCHEMA as SchemaNode;

const ISSUE_EXAMPLE = `apiVersion: v1
kind: ConfigMap
metadata: {name: scripts}
data: {test.js: "export default function () {}"}
---
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: k6-sample
  generation: 3
spec:
  parallelism: 4
  script:
    configMap: {name: scripts, file: test.js}
  preTestValidation:
    enabled: true
    connectivityCheck:
      url: "https://api.example.com/health"
      method: GET
      expectedStatusCodes: [200, 204]
      timeout: "30s"
    polling:
      interval: "15s"
      backoff:
        type: exponential
        factor: 1.5
        maxInterval: "2m"
      maxDuration: "30m"
      successThreshold: 1
`;

test("reads #644's example", () => {
  const docs = parseManifestText(ISSUE_EXAMPLE, 'testrun.yaml');
  const v = readPreTestValidation(findTestRun(docs));
  assert.equal(v.enabled, true);
  assert.deepEqual(v.source, {
    kind: 'connectivityCheck', url: 'https://api.example.com/health', method: 'GET',
    expectedStatusCodes: [[200, 200], [204, 204]], timeoutMs: 30000,
  });
  assert.equal(v.plan.intervalMs, 15000);
  assert.equal(v.plan.backoff, 'exponential');
  assert.equal(v.plan.factor, 1.5);
  assert.equal(v.plan.maxIntervalMs, 120000);
  assert.equal(v.plan.maxDurationMs, 1800000);
  assert.equal(v.plan.timeoutMs, 30000);
  assert.equal(v.testRun.name, 'k6-sample');
  assert.equal(v.testRun.generation, 3);
  // flags override manifest values
  const merged = planFromInput({ ...v.planInput, interval: '5s' }, undefined, v.planFieldNames);
  assert.equal(merged.intervalMs, 5000);
  assert.equal(merged.maxIntervalMs, 120000);
});

test('validationScript, defaults, and absent or disabled validation', () => {
  const v = readPreTestValidation(parseManifestText(`apiVersion: k6.io/v1alpha1
kind: TestRun
metadata: {name: t}
spec:
  preTestValidation:
    validationScript: {configMap: {name: checks, file: validate.js}}
`, 't.yaml')[0]!);
  assert.equal(v.enabled, true);
  assert.deepEqual(v.source, { kind: 'validationScript', configMap: { name: 'checks', file: 'validate.js' } });
  assert.equal(v.plan.intervalMs, 15000);
  for (const spec of ['spec: {parallelism: 1}', 'spec:\n  preTestValidation: {enabled: false}', '']) {
    const d = parseManifestText(`apiVersion: k6.io/v1alpha1\nkind: TestRun\nmetadata: {name: t}\n${spec}\n`, 't.yaml')[0]!;
    assert.equal(readPreTestValidation(d).enabled, false, spec);
  }
});

/** Every manifest error of issue #3 §4, with the path and what is expected. */
test('manifest errors name the file, document and path', () => {
  const wrap = (ptv: string) => `kind: ConfigMap
apiVersion: v1
metadata: {name: x}
---
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata: {name: t}
spec:
  preTestValidation:
${ptv.split('\n').map((l) => '    ' + l).join('\n')}
`;
  const cases: [string, string][] = [
    ['connectivityCheck: {url: "http://a"}\npolling: {interval: "15"}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.interval: "15" is not a duration (write it like 15s)'],
    ['connectivityCheck: {url: "http://a"}\npolling: {interval: 15}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.interval: 15 is not a duration (write it like 15s)'],
    ['connectivityCheck: {url: "http://a"}\npolling: {intervall: 15s}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.intervall: unknown field; spec.preTestValidation.polling takes interval, backoff, maxDuration, successThreshold'],
    ['connectivityCheck: {url: "http://a", Method: GET}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.Method: unknown field (did you mean method?); spec.preTestValidation.connectivityCheck takes url, method, expectedStatusCodes, timeout, minCertValidity'],
    ['connectivityCheck: {url: "http://a"}\nvalidationScript: {configMap: {name: x}}',
      'testrun.yaml (document 2): spec.preTestValidation: set only one of connectivityCheck and validationScript, not both'],
    ['enabled: true',
      'testrun.yaml (document 2): spec.preTestValidation: set one of connectivityCheck (a URL to request) or validationScript (a script in a ConfigMap)'],
    ['connectivityCheck: {url: "http://a"}\npolling: {backoff: {factor: 0.5}}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.backoff.factor: must be at least 1, got 0.5'],
    ['connectivityCheck: {url: "http://a"}\npolling: {successThreshold: 0}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.successThreshold: must be at least 1, got 0'],
    ['connectivityCheck: {url: "http://a"}\npolling: {successThreshold: 1.5}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.successThreshold: expected an integer, got a number 1.5'],
    ['connectivityCheck: {url: "http://a"}\npolling: {maxDuration: 0s}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.maxDuration: "0s" must be greater than zero'],
    ['connectivityCheck: {url: "http://a"}\npolling: {interval: "-5s"}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.interval: "-5s" must be greater than zero'],
    ['connectivityCheck: {url: "http://a", timeout: 0s}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.timeout: "0s" must be greater than zero'],
    ['connectivityCheck: {url: "http://a"}\npolling: {backoff: {maxInterval: 1d}}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.backoff.maxInterval: "1d" has an unknown unit "d" (days are not a unit; write it like 24h)'],
    ['connectivityCheck: {url: "http://a"}\npolling: {backoff: {type: Exponential}}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.backoff.type: "Exponential" is not one of constant, linear, exponential (did you mean exponential?)'],
    ['connectivityCheck: {url: "http://a", method: get}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.method: "get" is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (did you mean GET?)'],
    ['connectivityCheck: {url: "ftp://a"}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.url: "ftp://a" is not valid (URL to check: http(s):// (a request), tcp://host:port (the connect), tls://host:port (the TLS handshake), grpc(s)://host:port[/service] (health SERVING) or ws(s):// (the upgrade succeeds))'],
    ['connectivityCheck: {url: "tcp://db"}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.url: tcp://db: a port is required (write it like tcp://db:5432)'],
    ['connectivityCheck: {url: "tcp://db:5432", expectedStatusCodes: [200]}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.expectedStatusCodes: applies to http:// and https:// checks only, not tcp://'],
    ['connectivityCheck: {url: "https://a", minCertValidity: 7d}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.minCertValidity: applies to tls:// checks only, not https://'],
    ['connectivityCheck: {url: "tls://a:443", minCertValidity: 7days}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.minCertValidity: "7days" is not valid (tls:// only: fail when the server certificate expires sooner than this, e.g. 7d, 36h, 1d12h)'],
    ['connectivityCheck: {method: GET}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.url: is required'],
    ['connectivityCheck: {url: "http://a", expectedStatusCodes: [200, 700]}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.expectedStatusCodes[1]: must be at most 599, got 700'],
    ['connectivityCheck: {url: "http://a", expectedStatusCodes: []}',
      'testrun.yaml (document 2): spec.preTestValidation.connectivityCheck.expectedStatusCodes: must have at least 1 item'],
    ['validationScript: {configMap: {file: a.js}}',
      'testrun.yaml (document 2): spec.preTestValidation.validationScript.configMap.name: is required'],
    ['validationScript: {configMap: {name: x, file: lib/a.js}}',
      'testrun.yaml (document 2): spec.preTestValidation.validationScript.configMap.file: "lib/a.js" is not valid (Key of the script in the ConfigMap. Default validate.js, else the only script key)'],
    ['enabled: "yes"',
      'testrun.yaml (document 2): spec.preTestValidation.enabled: expected a boolean (true or false), got a string "yes"'],
    ['connectivityCheck: {url: "http://a"}\npolling: {interval: 1x, maxDuration: 1y}',
      'testrun.yaml (document 2): spec.preTestValidation.polling.interval: "1x" has an unknown unit "x" (write it like 15s, 2m, 1h30m or 250ms) (and 1 more problem)'],
  ];
  for (const [ptv, msg] of cases) {
    const docs = parseManifestText(wrap(ptv), 'testrun.yaml');
    assert.throws(() => readPreTestValidation(findTestRun(docs)), (e: unknown) => {
      assert.ok(e instanceof ManifestError, String(e));
      assert.equal(e.message, msg);
      return true;
    }, ptv);
  }
});

test('wrong kind or apiVersion, several TestRuns', () => {
  const d = parseManifestText('apiVersion: k6.io/v1alpha2\nkind: TestRun\n', 'x.yaml')[0]!;
  assert.throws(() => readPreTestValidation(d), { message: 'x.yaml: apiVersion: expected k6.io/v1alpha1, got "k6.io/v1alpha2"' });
  const two = parseManifestText('kind: TestRun\nmetadata: {name: a}\n---\nkind: TestRun\nmetadata: {name: b}\n', 'two.yaml');
  assert.throws(() => findTestRun(two), /two\.yaml \(document 2\): more than one TestRun \("a", "b"\)/);
  assert.equal(findTestRun(two, 'b').name, 'b');
  assert.throws(() => findTestRun(two, 'c'), /no TestRun named "c" \(found "a", "b"\)/);
  assert.throws(() => findTestRun(parseManifestText('kind: ConfigMap\n', 'c.yaml')), /c\.yaml: no TestRun/);
});

test('the schema only uses keywords the validator implements', () => {
  assert.deepEqual(unsupportedKeywords(schema), []);
  const raw = JSON.parse(readFileSync(new URL('../schema/pre-test-validation.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(raw, schema);
});

test('schema and parser agree on fields, enums and limits', () => {
  const props = schema.properties!;
  assert.deepEqual(Object.keys(props).sort(), ['connectivityCheck', 'enabled', 'polling', 'validationScript']);
  assert.deepEqual(Object.keys(props.connectivityCheck!.properties!).sort(), ['expectedStatusCodes', 'method', 'minCertValidity', 'timeout', 'url']);
  assert.deepEqual(Object.keys(props.polling!.properties!).sort(), ['backoff', 'interval', 'maxDuration', 'successThreshold']);
  assert.deepEqual(Object.keys(props.polling!.properties!.backoff!.properties!).sort(), ['factor', 'maxInterval', 'type']);
  assert.deepEqual(props.polling!.properties!.backoff!.properties!.type!.enum, [...BACKOFFS]);
  // every plan field the manifest can set has a schema path, and vice versa
  for (const path of Object.values(PLAN_FIELD_PATHS)) {
    let node: SchemaNode | undefined = schema;
    for (const seg of path!.split('.').slice(2)) node = node?.properties?.[seg];
    assert.ok(node, `schema has ${path}`);
  }
  // every enum value the schema allows is accepted by the parser
  const base = { connectivityCheck: { url: 'http://a' } };
  for (const m of props.connectivityCheck!.properties!.method!.enum!) {
    assert.deepEqual(validateSchema({ connectivityCheck: { url: 'http://a', method: m } }, schema, 'p'), []);
  }
  for (const t of BACKOFFS) assert.deepEqual(validateSchema({ ...base, polling: { backoff: { type: t } } }, schema, 'p'), []);
  // minimums match the plan's rules
  assert.equal(props.polling!.properties!.successThreshold!.minimum, 1);
  assert.equal(props.polling!.properties!.backoff!.properties!.factor!.minimum, 1);
  assert.throws(() => planFromInput({ factor: 0.99 }));
  assert.throws(() => planFromInput({ successThreshold: 0 }));
  // duration fields are all format: duration
  for (const n of [props.connectivityCheck!.properties!.timeout!, props.polling!.properties!.interval!, props.polling!.properties!.maxDuration!, props.polling!.properties!.backoff!.properties!.maxInterval!]) {
    assert.equal(n.format, 'duration');
  }
});
