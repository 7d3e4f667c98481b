// k6/secrets: values from --secret-source (file, env, mock; named and default sources, in
// k6's syntax), masked in every output: console, check names, failure messages, requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretStoreFrom } from '../src/script/secret-sources.js';
import { runScript } from './helpers/sandbox.js';
import { startServer, type TestServer } from './fixtures/runtime/harness.js';

let srv: TestServer;
before(async () => (srv = await startServer()));
after(() => srv.close());

const dir = mkdtempSync(join(tmpdir(), 'k6p-secrets-'));
const file = join(dir, 'file.secret');
writeFileSync(file, 'cool=s3cr3t-from-file\nelse=equals=inside\n');

test('file source: await secrets.get, masked in console, in a request URL and in the failure message', async () => {
  const store = secretStoreFrom([`file=${file}`])!;
  const r = await runScript(
    `
import secrets from 'k6/secrets';
import http from 'k6/http';
export default async function () {
  const v = await secrets.get('cool');
  console.log('got ' + v + ' (' + v.length + ' chars)');
  console.log('else=' + (await secrets.get('else')));
  http.get(__ENV.B + '/echo?q=' + v);
  throw new Error('failing with ' + v);
}`,
    { env: { B: srv.base }, secretStore: store },
  );
  const all = JSON.stringify(r);
  assert.ok(!all.includes('s3cr3t-from-file'), 'the value never appears');
  assert.ok(!all.includes('equals=inside'));
  assert.deepEqual(r.console.map((c) => c.message), ['got *** (16 chars)', 'else=***']);
  assert.match(r.message, /failing with \*\*\*/);
  assert.match(r.requests[0]!.url, /q=\*\*\*/);
});

test('env source and named sources: secrets.source(name).get, k6 errors for unknown names and keys', async () => {
  const store = secretStoreFrom(['env=name=vault', 'mock=name=other,default,cool="mock value"'], { K6P_TOKEN: 'tok-from-env-123' })!;
  const r = await runScript(
    `
import secrets from 'k6/secrets';
export default async function () {
  console.log('default: ' + (await secrets.get('cool')));
  console.log('vault: ' + (await secrets.source('vault').get('K6P_TOKEN')));
  for (const [label, p] of [['missing key', secrets.get('nope')], ['unknown source', secrets.source('x').get('a')]]) {
    try { await p; console.log(label + ': resolved'); } catch (e) { console.log(label + ': ' + e.message); }
  }
}`,
    { secretStore: store },
  );
  assert.equal(r.outcome, 'passed', r.message);
  assert.deepEqual(
    r.console.map((c) => c.message),
    ['default: ***', 'vault: ***', 'missing key: no value for secret "nope" in the mock source', 'unknown source: no secret source with name "x" is configured'],
  );
  assert.ok(!JSON.stringify(r).includes('tok-from-env-123'));
});

test('no --secret-source: a clear rejection', async () => {
  const r = await runScript(`import secrets from 'k6/secrets'; export default async function () { await secrets.get('a'); }`);
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /no secret sources are configured \(give --secret-source file=PATH or --secret-source env\)/);
});

test('--secret-source parsing: k6 syntax and errors naming the flag', () => {
  assert.throws(() => secretStoreFrom(['vault=x']), /--secret-source vault=x: no secret source of type "vault" \(file, env, mock\)/);
  assert.throws(() => secretStoreFrom([`file=${join(dir, 'none')}`]), /cannot read .*none: ENOENT/);
  const bad = join(dir, 'bad.secret');
  writeFileSync(bad, 'ok=1\nnot a pair\n');
  assert.throws(() => secretStoreFrom([`file=${bad}`]), /bad\.secret:2: expected KEY=VALUE/);
  assert.throws(() => secretStoreFrom(['env', 'env']), /a secret source named "env" is already configured/);
  assert.throws(() => secretStoreFrom(['mock=default,a=1', 'mock=name=b,default,a=2']), /only one secret source can be the default one/);
  assert.deepEqual(secretStoreFrom([`file=filename=${file}`])!.knownValues(), ['s3cr3t-from-file', 'equals=inside']);
});

test('the library: runOnce({ secretSources }) feeds k6/secrets and masks the value', async () => {
  const { runOnce } = await import('../src/index.js');
  const r = await runOnce(
    { code: `import secrets from 'k6/secrets'; export default async function () { console.log('v=' + (await secrets.get('cool'))); }` },
    { secretSources: [`file=${file}`] },
  );
  assert.equal(r.attempt.outcome, 'passed', r.attempt.message);
  assert.deepEqual(r.attempt.console.map((c) => c.message), ['v=***']);
});
