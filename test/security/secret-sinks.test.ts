// Class of attack: a --secret-env value reaches output through a field nobody thought of
// (a check or group name the script builds from it, a console line) or in an encoded form
// (a URL's percent-encoding, URLSearchParams' `+` and `%27`). Every sink is checked: text,
// JSON lines, the status file, the termination message, and the library's events and result.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runOnce } from '../../src/index.js';
import { secretForms } from '../../src/http/redact.js';
import { cli, folder, loopback, type Loopback } from '../helpers/cli.js';

// A space and a quote: the URL serialiser writes them %20/%27, form encoding + and %27.
const SECRET = "s3cret it's-planted";

/** Every way the secret could show: as given and in each encoded form. */
const forms = [
  SECRET, encodeURIComponent(SECRET), new URLSearchParams({ a: SECRET }).toString().slice(2), 's3cret%20it%27s-planted', 's3cret+it%27s-planted',
  Buffer.from(SECRET).toString('base64').replace(/=+$/, ''),
];
const leaks = (text: string) => forms.filter((f) => text.includes(f));

const SCRIPT = `import http from 'k6/http';
import { check, group } from 'k6';
import encoding from 'k6/encoding';
export default function () {
  const t = __ENV.TOKEN;
  group('group ' + t, () => {
    check(1, { ['check ' + t]: () => false });
  });
  http.get(__ENV.BASE + '/p?q=' + t);
  http.get(__ENV.BASE + '/form?' + new URLSearchParams({ q: t }).toString());
  http.get(__ENV.BASE + '/' + t);
  console.log('encoded ' + encodeURIComponent(t));
  console.log('base64 ' + encoding.b64encode(t));
}
`;

let server: Loopback;
before(async () => {
  server = await loopback((_n, _req, res) => res.end('ok'));
});
after(() => server.close());

describe('secrets at the sinks', () => {
  it('text, JSON lines, status file and termination log never show the secret, in any form', async () => {
    const dir = folder({ 'validate.js': SCRIPT });
    const base = ['-e', `BASE=${server.url}`, '-e', `TOKEN=${SECRET}`, '--secret-env', 'TOKEN'];
    for (const output of ['text', 'json']) {
      const r = await cli(['run', join(dir, 'validate.js'), ...base, '-o', output]);
      assert.equal(r.code, 1, r.stderr + r.stdout);
      assert.deepEqual(leaks(r.stdout + r.stderr), [], `${output} output leaks:\n${r.stdout}`);
      // The fields are still there, masked.
      assert.match(r.stdout, /check \*\*\*/);
      assert.match(r.stdout, /group \*\*\*/);
    }
    const statusFile = join(dir, 'status.json');
    const term = join(dir, 'term.log');
    const p = await cli(['poll', join(dir, 'validate.js'), ...base, '--max-duration', '1s', '--interval', '2s', '--status-file', statusFile, '--termination-log', term, '-o', 'json']);
    assert.equal(p.code, 1, p.stderr + p.stdout);
    assert.deepEqual(leaks(p.stdout), []);
    const status = readFileSync(statusFile, 'utf8');
    assert.deepEqual(leaks(status), [], `status file leaks:\n${status}`);
    assert.match(status, /check \*\*\*/);
    assert.deepEqual(leaks(readFileSync(term, 'utf8')), []);
  });

  it('the library\'s events and result never show the secret', async () => {
    const seen: unknown[] = [];
    const run = runOnce({ code: SCRIPT }, { env: { BASE: server.url, TOKEN: SECRET }, secrets: [SECRET], onEvent: (e) => seen.push(e) });
    const result = await run;
    assert.equal(result.passed, false);
    const text = JSON.stringify(seen) + JSON.stringify(result);
    assert.deepEqual(leaks(text), [], text);
    assert.ok(seen.some((e) => (e as { type: string; name?: string }).type === 'check' && (e as { name: string }).name === 'check ***'));
  });

  it('every encoded form a URL or a form gives the secret is known to the redactor', () => {
    for (const f of forms) assert.ok(secretForms(SECRET).includes(f), f);
    const u = new URL('http://h/');
    u.searchParams.set('q', SECRET);
    assert.ok(secretForms(SECRET).some((f) => u.search.includes(f)));
  });
});

describe('usage errors', () => {
  it('a URL or flag quoted back on stderr has its credentials masked', async () => {
    const scheme = await cli(['check', 'ftp://user:pl4nted-pw@example.invalid/']);
    assert.equal(scheme.code, 2);
    assert.match(scheme.stderr, /ftp:\/\/\*\*\*@example\.invalid/);
    const port = await cli(['check', 'grpc://user:pl4nted-pw@example.invalid']);
    assert.equal(port.code, 2);
    const flag = await cli(['check', 'http://127.0.0.1:9/', '--proxy', 'http://u:pl4nted-pw@proxy:bad']);
    assert.equal(flag.code, 2, 'a proxy URL that cannot be dialled is a usage error, not a failing attempt');
    assert.match(flag.stderr, /--proxy "http:\/\/\*\*\*@proxy:bad": not a URL/);
    for (const r of [scheme, port, flag]) assert.doesNotMatch(r.stdout + r.stderr, /pl4nted-pw/);
  });
});
