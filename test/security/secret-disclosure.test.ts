// A hostile script that holds secrets (from --secret-source via k6/secrets, and a
// --secret-env value) tries every output channel it has: console, check and group names,
// fail(), thrown values, test.abort(), request URLs, headers and bodies. None may carry
// the values; the test looks at everything the attempt reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { secretStoreFrom } from '../../src/script/secret-sources.js';
import { runScript } from '../helpers/sandbox.js';
import { startServer, type TestServer } from '../fixtures/runtime/harness.js';

let srv: TestServer;
before(async () => (srv = await startServer()));
after(() => srv.close());

const FROM_SOURCE = 'vault-token-0f9e8d';
const FROM_ENV = 'env-password-7c6b5a';

const channels = {
  console: `console.log('a ' + s + ' b ' + e); console.error(JSON.stringify({ s, e }));`,
  checks: `group('g ' + s, () => check(1, { ['c ' + e]: () => false, ['d ' + s]: () => true }));`,
  fail: `fail('f ' + s + ' ' + e);`,
  throwString: `throw 't ' + s + ' ' + e;`,
  throwError: `throw new Error('t ' + s + ' ' + e);`,
  abort: `exec.test.abort('a ' + s + ' ' + e);`,
  requests: `http.get(__ENV.B + '/echo/' + s + '?x=' + e, { headers: { 'X-S': s } }); http.post(__ENV.B + '/status/500', s);`,
  network: `http.get('http://' + s + '.invalid/' + e);`,
};

for (const [name, code] of Object.entries(channels)) {
  test(`secrets do not leak through ${name}`, async () => {
    const r = await runScript(
      `
import secrets from 'k6/secrets';
import http from 'k6/http';
import exec from 'k6/execution';
import { check, group, fail } from 'k6';
export default async function () {
  const s = await secrets.get('token');
  const e = __ENV.PASSWORD;
  ${code}
}`,
      {
        env: { B: srv.base, PASSWORD: FROM_ENV },
        secrets: [FROM_ENV],
        secretStore: secretStoreFrom(['mock=token=' + FROM_SOURCE])!,
      },
    );
    const all = JSON.stringify(r);
    assert.ok(!all.includes(FROM_SOURCE), `the k6/secrets value leaked through ${name}: ${all}`);
    assert.ok(!all.includes(FROM_ENV), `the --secret-env value leaked through ${name}: ${all}`);
    assert.ok(all.includes('***'), 'the masked places are marked');
  });
}
