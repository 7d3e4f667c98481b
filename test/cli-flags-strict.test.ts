// CLI conventions through the built CLI: each command takes only its own flags, unknown flags
// get a suggestion, choice errors fit on one line, --quiet, k6's spellings, --http-debug with
// secrets masked, FORCE_COLOR, completion, demo listed, and the --timeout/--max-duration notice.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { haveOpenssl, makePki } from './fixtures/http/certs.js';
import { listen } from './fixtures/http/helpers.js';
import { cli, folder, jsonLines, loopback, type Loopback } from './helpers/cli.js';

let server: Loopback;
before(async () => {
  server = await loopback((_n, req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Set-Cookie', 'session=cookie-secret-value');
    res.end(JSON.stringify({ status: 'ok', path: req.url }));
  });
});
after(() => server.close());

const usageLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('k6-preflight: '));

describe('each command accepts only the flags it uses', () => {
  for (const [flag, value] of [['--file', 'validate.js'], ['-e', 'A=1'], ['--memory-limit', '64MiB'], ['--include-system-env', undefined]] as const) {
    it(`check rejects the script flag ${flag}, naming the commands that take it, and requests nothing`, async () => {
      const before = server.hits();
      const r = await cli(['check', `${server.url}/health`, flag, ...(value ? [value] : []), '--max-duration', '2s']);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const name = flag === '-e' ? '-e' : flag;
      assert.match(r.stderr, new RegExp(`${name} is a flag of run, poll and testrun, not of check`));
      assert.equal(server.hits(), before, 'nothing was attempted');
    });
  }

  it('run rejects schedule flags: it makes one attempt', async () => {
    const dir = folder({ 'validate.js': 'export default function () {}' });
    const r = await cli(['run', join(dir, 'validate.js'), '--interval', '1s']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--interval is a flag of poll, check and testrun, not of run/);
  });

  it('an unknown flag gets "did you mean", like an unknown command', async () => {
    const r = await cli(['check', `${server.url}/`, '--expect-bdy', 'ok']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown flag --expect-bdy for check; did you mean --expect-body\?/);
    const t = await cli(['poll', 'x.js', '--intreval', '1s']);
    assert.match(t.stderr, /did you mean --interval\?/);
    const c = await cli(['chek', `${server.url}/`]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /unknown command "chek"\. Did you mean check\?/);
  });

  it('a bad choice is one line naming the flag, the value and the choices', async () => {
    const r = await cli(['check', `${server.url}/`, '--backoff', 'sideways']);
    assert.equal(r.code, 2);
    assert.deepEqual(usageLines(r.stderr), ['k6-preflight: --backoff "sideways": not one of constant, linear, exponential']);
    const o = await cli(['check', `${server.url}/`, '-o', 'yaml']);
    assert.deepEqual(usageLines(o.stderr), ['k6-preflight: --output "yaml": not one of text, json']);
  });

  it('bad values are usage errors naming the flag, read before anything runs', async () => {
    for (const [args, pattern] of [
      [['--interval', '15'], /--interval "15": not a duration \(write it like 15s\)/],
      [['--factor', 'big'], /--factor "big": not a number/],
      [['--fail-fast-on', 'Nope'], /--fail-fast-on "Nope": not a failure reason \(one of DNSLookupFailed, /],
      [['--max-body', 'lots'], /--max-body "lots": not a size/],
    ] as const) {
      const r = await cli(['check', `${server.url}/`, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /YError|at .*\.cjs/, 'no stack trace');
    }
  });
});

describe('output conventions', () => {
  it('--quiet prints only the verdict; -q -o json only the result line', async () => {
    const r = await cli(['check', `${server.url}/health`, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [r.stdout.trim()], 'one line');
    assert.match(r.stdout, /^Succeeded: /);
    const j = await cli(['check', `${server.url}/health`, '-q', '-o', 'json']);
    const lines = jsonLines(j.stdout);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.type, 'result');
    assert.equal(lines[0]!.status.phase, 'Succeeded');
    const failed = await cli(['check', 'http://127.0.0.1:1/', '-q', '--max-duration', '20s', '--fail-fast-on', 'ConnectionRefused']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout.trim(), /^Failed ConnectionRefused: [^\n]*$/);
  });

  it('FORCE_COLOR colours output that is not a terminal; --no-color still wins', async () => {
    const forced = await cli(['check', `${server.url}/health`, '-q'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    assert.match(forced.stdout, /\x1b\[32mSucceeded/);
    const off = await cli(['check', `${server.url}/health`, '-q', '--no-color'], { env: { FORCE_COLOR: '1' } });
    assert.doesNotMatch(off.stdout, /\x1b\[/);
    const zero = await cli(['check', `${server.url}/health`, '-q'], { env: { FORCE_COLOR: '0', NO_COLOR: '' } });
    assert.doesNotMatch(zero.stdout, /\x1b\[/);
  });

  it('--include-system-env-vars is k6\'s spelling of --include-system-env', async () => {
    const dir = folder({ 'validate.js': "export default function () { if (__ENV.K6P_FROM_SYSTEM !== 'yes') throw new Error('not seen'); }" });
    const without = await cli(['run', join(dir, 'validate.js')], { env: { K6P_FROM_SYSTEM: 'yes' } });
    assert.equal(without.code, 1, 'the system environment stays hidden by default');
    const k6 = await cli(['run', join(dir, 'validate.js'), '--include-system-env-vars'], { env: { K6P_FROM_SYSTEM: 'yes' } });
    assert.equal(k6.code, 0, k6.stdout + k6.stderr);
  });

  it('--insecure-skip-tls-verify is k6\'s spelling of --insecure', { skip: !haveOpenssl() && 'needs openssl' }, async () => {
    const pki = makePki();
    const tls = await listen(https.createServer({ cert: pki.selfCert, key: pki.selfKey }, (_req, res) => res.end('ok')), '127.0.0.1');
    try {
      const url = `https://127.0.0.1:${tls.port}/`;
      const strict = await cli(['check', url, '-q', '--max-duration', '20s', '--fail-fast-on', 'TLSHandshakeFailed']);
      assert.match(strict.stdout, /TLSHandshakeFailed/);
      const k6 = await cli(['check', url, '-q', '--insecure-skip-tls-verify']);
      assert.equal(k6.code, 0, k6.stdout + k6.stderr);
    } finally {
      await tls.close();
      pki.cleanup();
    }
  });

  it('--http-debug prints requests and responses to stderr with secrets masked; =full adds bodies', async () => {
    const secret = 'planted-token-4711';
    const r = await cli(['check', `${server.url}/health?token=${secret}`, '-H', `Authorization: Bearer ${secret}`, '-H', 'X-Probe: 1', '--http-debug', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Request:\nGET http:\/\/127\.0\.0\.1:\d+\/health\?token=\*\*\*/);
    assert.match(r.stderr, /Authorization: \*\*\*/);
    assert.match(r.stderr, /X-Probe: 1/);
    assert.match(r.stderr, /Response:\nHTTP\/1\.1 200 OK\nContent-Type: application\/json/);
    assert.match(r.stderr, /Set-Cookie: \*\*\*/);
    assert.doesNotMatch(r.stderr, /"status":"ok"/, 'no bodies without =full');
    for (const out of [r.stdout, r.stderr]) {
      assert.ok(!out.includes(secret), 'the token never appears');
      assert.ok(!out.includes('cookie-secret-value'), 'nor the cookie');
    }
    jsonLines(r.stdout); // stdout stays valid JSON lines
    const full = await cli(['check', `${server.url}/health`, '--http-debug=full', '-q']);
    assert.match(full.stderr, /\{"status":"ok","path":"\/health"\}/);
  });

  it('--http-debug works for scripts, masking --secret-env values', async () => {
    const secret = 'script-secret-9000';
    const dir = folder({ 'validate.js': "import http from 'k6/http';\nexport default function () { http.get(__ENV.BASE + '/x', { headers: { 'X-Api-Key': __ENV.KEY, 'X-Echo': 'v=' + __ENV.KEY } }); }" });
    const r = await cli(['run', join(dir, 'validate.js'), '-e', `BASE=${server.url}`, '-e', `KEY=${secret}`, '--secret-env', 'KEY', '--http-debug=full']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/x/);
    assert.match(r.stderr, /X-Echo: v=\*\*\*/);
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  });
});

describe('discoverability', () => {
  it('completion prints a bash or a zsh script', async () => {
    const bash = await cli(['completion', 'bash']);
    assert.equal(bash.code, 0);
    assert.match(bash.stdout, /complete -o bashdefault -o default -F _k6-preflight_yargs_completions k6-preflight/);
    const zsh = await cli(['completion', 'zsh']);
    assert.match(zsh.stdout, /#compdef k6-preflight/);
    const words = await cli(['--get-yargs-completions', 'k6-preflight', 'check', '--expect-']);
    assert.match(words.stdout, /--expect-body/);
  });

  it('demo is listed wherever commands are listed', async () => {
    const help = await cli(['--help']);
    assert.match(help.stdout, /k6-preflight demo/);
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Choose a command: .*run, poll, check, testrun, demo/);
  });

  it('--help says --timeout is per attempt; a longer --timeout than --max-duration gets a notice', async () => {
    const help = await cli(['check', '--help']);
    assert.match(help.stdout.replace(/\s+/g, ' '), /--timeout Deadline of EACH attempt, not of the whole run \(with a schedule, that is --max-duration\)/);
    const r = await cli(['check', `${server.url}/health`, '--timeout', '5m', '--max-duration', '1m']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /note: timeout 5m is per attempt and longer than max duration 1m: the 1m deadline ends the run/);
  });
});
