// Scripts written against @types/k6 (test/fixtures/k6-types) type-check, and each one runs
// in the sandbox and passes: the event loop, digest auth, k6/secrets, k6/data, WebCrypto,
// k6/html and GJSON modifiers, as a k6 user would write them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDigestChallenge } from '../src/http/digest.js';
import { secretStoreFrom } from '../src/script/secret-sources.js';
import { runScript } from './helpers/sandbox.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const dir = join(root, 'test', 'fixtures', 'k6-types');

test('the fixture scripts type-check with @types/k6 (strict)', () => {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    assert.fail(`tsc -p test/fixtures/k6-types failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
});

let server: Server;
let host = '';
const H = (s: string) => createHash('md5').update(s).digest('hex');
before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/page') {
      res.setHeader('Content-Type', 'text/html');
      return void res.end('<ul><li>one</li><li>two</li></ul>');
    }
    if (url === '/data') {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(JSON.stringify({ items: [{ id: 1 }, { id: 2 }, { id: 3 }], meta: { page: 1, total: 3 } }));
    }
    const a = parseDigestChallenge(req.headers.authorization ?? '');
    if (a && a.response === H(`${H('user:r:passwd')}:n:${a.nc}:${a.cnonce}:auth:${H(`GET:${url}`)}`)) {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(JSON.stringify({ authenticated: true }));
    }
    res.writeHead(401, { 'WWW-Authenticate': 'Digest realm="r", nonce="n", qop="auth"' });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const secretFile = join(mkdtempSync(join(tmpdir(), 'k6p-types-')), 'file.secret');
writeFileSync(secretFile, 'token=t0k3n-value\n');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
  test(`${file} runs and passes`, async () => {
    const r = await runScript(readFileSync(join(dir, file), 'utf8'), {
      entry: file,
      files: { 'users.json': readFileSync(join(dir, 'users.json')) },
      env: { HOST: host, BASE: `http://${host}` },
      secretStore: secretStoreFrom([`file=${secretFile}`])!,
    });
    const failed = r.checks.filter((c) => c.fails > 0).map((c) => c.name);
    assert.equal(r.outcome, 'passed', `${r.reason}: ${r.message}; failed checks: ${failed.join(', ')}`);
    assert.ok(r.checks.length > 0, 'the script made checks');
    assert.ok(!JSON.stringify(r).includes('t0k3n-value'), 'secrets stay masked');
  });
}
