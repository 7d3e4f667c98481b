// Gate then run: `k6-preflight check URL -- command …` runs the command once validation
// succeeds, exits with its exit code, and passes SIGTERM/SIGINT on to it; on failure the
// command never starts. The same for poll and testrun. Through the built CLI.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, folder, jsonLines, loopback, type Loopback } from './helpers/cli.js';

let up: Loopback;
before(async () => {
  up = await loopback((_n, _req, res) => res.end('ok'));
});
after(() => up.close());

const node = process.execPath;
/** A command that leaves a file behind, so a test can tell whether it ran. */
const touch = (file: string, code = 0) => [node, '-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'ran'); console.log('command ran'); process.exit(${code})`];

/** Waits for a signal, says which one came, and exits 42; gives up by itself after 20 s. */
const waiter = [node, '-e', [
  "for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => { console.log('child got ' + s); process.exit(42); });",
  "console.log('child ready');",
  'setTimeout(() => process.exit(9), 20000);',
].join('\n')];

const killWhenReady = (sig: NodeJS.Signals) => ({
  onSpawn: (kill: (s: NodeJS.Signals) => void, stdout: () => string) => {
    const t = setInterval(() => {
      if (stdout().includes('child ready')) {
        clearInterval(t);
        kill(sig);
      }
    }, 50);
    setTimeout(() => clearInterval(t), 25_000).unref();
  },
});

describe('check URL -- command', () => {
  it('runs the command after a passing check and exits with its exit code', async () => {
    const dir = folder({});
    const marker = join(dir, 'ran');
    const r = await cli(['check', `${up.url}/`, '--', ...touch(marker, 7)]);
    assert.equal(r.code, 7, r.stderr);
    assert.ok(existsSync(marker));
    const verdict = r.stdout.indexOf('Succeeded');
    assert.ok(verdict >= 0 && verdict < r.stdout.indexOf('command ran'), 'the verdict comes first, then the command');
    const zero = await cli(['check', `${up.url}/`, '-q', '--', ...touch(join(dir, 'ran0'), 0)]);
    assert.equal(zero.code, 0);
  });

  it('never starts the command when validation fails', async () => {
    const dir = folder({});
    const marker = join(dir, 'ran');
    const r = await cli(['check', 'http://127.0.0.1:1/', '--max-duration', '20s', '--fail-fast-on', 'ConnectionRefused', '--', ...touch(marker)]);
    assert.equal(r.code, 1);
    assert.ok(!existsSync(marker), 'the gated command did not run');
    assert.match(r.stdout, /Failed ConnectionRefused/);
  });

  it('passes SIGTERM to the command and exits with what the command exits with', async () => {
    const r = await cli(['check', `${up.url}/`, '-q', '--', ...waiter], killWhenReady('SIGTERM'));
    assert.match(r.stdout, /child got SIGTERM/);
    assert.equal(r.code, 42);
  });

  it('passes SIGINT on when it did not come from a terminal', async () => {
    const r = await cli(['check', `${up.url}/`, '-q', '--', ...waiter], killWhenReady('SIGINT'));
    assert.match(r.stdout, /child got SIGINT/);
    assert.equal(r.code, 42);
  });

  it('a command ended by a signal gives 128 + its number', async () => {
    const self = [node, '-e', "process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);"];
    const r = await cli(['check', `${up.url}/`, '-q', '--', ...self]);
    assert.equal(r.code, 143);
  });

  it('a command that does not exist: 127 and a clear message', async () => {
    const r = await cli(['check', `${up.url}/`, '-q', '--', 'k6p-no-such-command-here', 'run']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /cannot run "k6p-no-such-command-here": command not found/);
  });

  it('the arguments after -- are the command\'s, never read as k6-preflight flags', async () => {
    const dir = folder({ 'args.js': 'console.log(JSON.stringify(process.argv.slice(2)));' });
    const r = await cli(['check', `${up.url}/`, '-q', '--', node, join(dir, 'args.js'), '--file', 'x', '-o', 'json', '--', 'y']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\["--file","x","-o","json","--","y"\]/);
  });
});

describe('poll and testrun gate too', () => {
  it('poll: the script passes, then the command runs', async () => {
    const dir = folder({ 'validate.js': "import http from 'k6/http';\nexport default function () { if (http.get(__ENV.BASE).status !== 200) throw new Error('down'); }" });
    const marker = join(dir, 'ran');
    const r = await cli(['poll', join(dir, 'validate.js'), '-e', `BASE=${up.url}`, '-o', 'json', '--', ...touch(marker, 3)]);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(existsSync(marker));
    const result = jsonLines(r.stdout.split('command ran')[0]!).at(-1)!;
    assert.equal(result.type, 'result');
    assert.equal(result.status.phase, 'Succeeded');
  });

  it('testrun: the connectivity check passes, then the command runs; SIGTERM is passed on', async () => {
    const dir = folder({
      'testrun.yaml': `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata: { name: gated }
spec:
  parallelism: 1
  script: { configMap: { name: s, file: test.js } }
  preTestValidation:
    connectivityCheck: { url: "${up.url}/", expectedStatusCodes: [200] }
    polling: { interval: 1s, maxDuration: 10s }
`,
    });
    const r = await cli(['testrun', join(dir, 'testrun.yaml'), '-q', '--', ...waiter], killWhenReady('SIGTERM'));
    assert.match(r.stdout, /^Succeeded: /);
    assert.match(r.stdout, /child got SIGTERM/);
    assert.equal(r.code, 42);
  });

  it('demo takes no command, and "--" with nothing after it is an error', async () => {
    const demo = await cli(['demo', '--', node, '-e', '0']);
    assert.equal(demo.code, 2);
    assert.match(demo.stderr, /give it to run, poll, check or testrun/);
    const empty = await cli(['check', `${up.url}/`, '--']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /nothing after "--"/);
  });
});
