// Through the built CLI: the default User-Agent is k6's and --user-agent changes it;
// --secret-source feeds k6/secrets with every value masked in text and JSON output;
// a manifest with several ConfigMaps and one script runs that script.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { cli, folder, loopback, type Loopback } from './helpers/cli.js';

const agents: string[] = [];
let server: Loopback;
before(async () => {
  server = await loopback((_n, req, res) => {
    agents.push(String(req.headers['user-agent']));
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ url: req.url }));
  });
});
after(() => server.close());

const UA_SCRIPT = `import http from 'k6/http';\nexport default function () { http.get(__ENV.BASE + '/ua'); }\n`;

it("sends k6's User-Agent by default, the --user-agent value when given", async () => {
  agents.length = 0;
  const dir = folder({ 'validate.js': UA_SCRIPT });
  const a = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`]);
  assert.equal(a.code, 0, a.stderr + a.stdout);
  const b = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`, '--user-agent', 'MyGate/1.0']);
  assert.equal(b.code, 0, b.stderr + b.stdout);
  assert.deepEqual(agents, ['Grafana k6/2.2.0', 'MyGate/1.0']);
});

it('--secret-source file=PATH and env: values reach the script and never the output', async () => {
  const dir = folder({
    'validate.js': `import secrets from 'k6/secrets';
import http from 'k6/http';
export default async function () {
  const token = await secrets.get('token');
  const other = await secrets.source('env').get('K6P_TEST_SECRET');
  console.log('token=' + token + ' other=' + other);
  http.get(__ENV.BASE + '/x?t=' + token);
  throw new Error('boom ' + other);
}
`,
    'file.secret': 'token=tok-ABC-123\n',
  });
  for (const output of ['text', 'json']) {
    const r = await cli(
      ['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`, '--secret-source', `file=${join(dir, 'file.secret')},default`, '--secret-source', 'env', '-o', output],
      { env: { K6P_TEST_SECRET: 'env-secret-xyz' } },
    );
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const all = r.stdout + r.stderr;
    assert.match(all, /token=\*\*\* other=\*\*\*/);
    assert.match(all, /boom \*\*\*/);
    assert.ok(!all.includes('tok-ABC-123') && !all.includes('env-secret-xyz'), all);
  }
});

it('a manifest with several ConfigMaps and only one script runs that script', async () => {
  const yaml = [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  users.csv: "a,b"\n',
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checks\ndata:\n  health.js: |\n${UA_SCRIPT.split('\n').map((l) => '    ' + l).join('\n')}\n`,
  ].join('---\n');
  const dir = folder({ 'all.yaml': yaml });
  const r = await cli(['run', join(dir, 'all.yaml'), '-e', `BASE=${server.url}`]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
});
