// The sandbox's limits and walls: what a hostile or buggy script can do, and that the
// host survives it with a verdict that names the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from './helpers/sandbox.js';

describe('sandbox limits', () => {
  it('stops a busy loop close to the deadline with ScriptTimeout', async () => {
    const r = await runScript('export default function () { for (;;) {} }', { timeoutMs: 400 });
    assert.equal(r.reason, 'ScriptTimeout');
    assert.match(r.message, /400ms timeout in default\(\) at validate\.js:1:/);
    // Stopped by the interrupt handler, not by the watchdog that terminates the worker later.
    assert.ok(r.durationMs >= 400 && r.durationMs < 400 + 500, `stopped after ${r.durationMs} ms`);
  });

  it('stops a loop that catches every exception, and one in finally', async () => {
    const src = `export default function () {
      for (;;) { try { for (;;) {} } catch (e) {} finally { for (;;) {} } }
    }`;
    const r = await runScript(src, { timeoutMs: 300 });
    assert.equal(r.reason, 'ScriptTimeout');
  });

  it('stops a catastrophic regular expression', async () => {
    const r = await runScript(`export default function () { /(a+)+$/.test('a'.repeat(40) + '!'); }`, { timeoutMs: 300 });
    assert.equal(r.reason, 'ScriptTimeout');
  });

  it('contains a memory bomb, and the next attempt starts clean', async () => {
    const bomb = `export default function () { const a = []; for (;;) a.push(new Array(10000).fill(1.5)); }`;
    const r = await runScript(bomb, { memoryLimitBytes: 32 * 1024 * 1024 });
    assert.equal(r.reason, 'MemoryLimitExceeded');
    assert.match(r.message, /32 MiB memory limit/);
    const again = await runScript(`import { check } from 'k6'; export default function () { check(1, { 'one': (v) => v === 1 }); }`);
    assert.equal(again.outcome, 'passed');
  });

  it('reports MemoryLimitExceeded even when the script catches the out-of-memory error and carries on', async () => {
    const src = `export default function () {
      let kept = [];
      for (let round = 0; round < 50; round++) {
        try { for (;;) kept.push(new Array(10000).fill(round)); } catch (e) { kept = kept.slice(0, kept.length - 10); }
      }
      throw new Error('should not be reached cleanly');
    }`;
    const r = await runScript(src, { memoryLimitBytes: 24 * 1024 * 1024, timeoutMs: 5000 });
    assert.equal(r.outcome, 'failed');
    assert.ok(['MemoryLimitExceeded', 'ScriptFailed', 'ScriptTimeout'].includes(r.reason!), r.reason);
  });

  it('turns deep recursion into StackOverflow without harming the host', async () => {
    const r = await runScript('function f(n) { return f(n + 1) + 1; } export default function () { f(0); }');
    assert.equal(r.reason, 'StackOverflow');
    assert.match(r.message, /at validate\.js:1:/);
    const nested = await runScript(`export default function () { let o = {}; for (let i = 0; i < 200000; i++) o = { o }; JSON.stringify(o); }`);
    assert.equal(nested.reason, 'StackOverflow');
  });

  it('cuts a sleep() that runs past the deadline and fails the attempt', async () => {
    const r = await runScript(`import { sleep } from 'k6'; export default function () { sleep(30); }`, { timeoutMs: 300 });
    assert.equal(r.reason, 'ScriptTimeout');
    assert.ok(r.durationMs < 300 + 500, `stopped after ${r.durationMs} ms`);
  });

  it('is cancelled through the signal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await runScript(`import { sleep } from 'k6'; export default function () { sleep(20); }`, { timeoutMs: 10_000, signal: ac.signal });
    assert.equal(r.reason, 'Cancelled');
  });

  it('leaks no QuickJS handles across a range of scripts (debug build)', async () => {
    process.env.K6P_QUICKJS_DEBUG_BUILD = '1';
    try {
      const scripts = [
        `import { check, group } from 'k6'; export function setup() { return { a: [1, 2] }; } export default function (d) { group('g', () => check(d, { 'has a': (x) => x.a.length === 2 })); } export function teardown(d) {}`,
        `export default async function () { await new Promise((r) => setTimeout(r, 5)); }`,
        `export default function () { throw new TypeError('boom'); }`,
        `import encoding from 'k6/encoding'; import crypto from 'k6/crypto'; export default function () { encoding.b64encode('x'); crypto.sha256('x', 'hex'); new URL('http://a/b?c=1').searchParams.get('c'); }`,
      ];
      for (const src of scripts) {
        const r = await runScript(src);
        assert.equal((r as { disposeError?: string }).disposeError, undefined, src);
      }
    } finally {
      delete process.env.K6P_QUICKJS_DEBUG_BUILD;
    }
  });
});

describe('sandbox walls', () => {
  it('exposes no host objects to the guest', async () => {
    const src = `import { check } from 'k6';
    export default function () {
      const g = Function('return this')();
      check(g, {
        'own global': (x) => x === globalThis,
        'no process': () => typeof process === 'undefined',
        'no require': () => typeof require === 'undefined',
        'no fetch': () => typeof fetch === 'undefined',
        'no WebAssembly': () => typeof WebAssembly === 'undefined',
        'no host door': () => typeof __k6p_host === 'undefined' && !('__k6p_host' in g),
        'no loop hooks': () => g.__k6p_loop_hooks === undefined,
        'constructor chain stays inside': () => ({}).constructor.constructor('return typeof process')() === 'undefined',
      });
    }`;
    const r = await runScript(src);
    const failed = r.checks.filter((c) => c.fails).map((c) => c.name);
    assert.deepEqual(failed, []);
    assert.equal(r.outcome, 'passed');
  });

  it('refuses Node built-ins and runtime internals, statically and dynamically', async () => {
    await assert.rejects(runScript(`import fs from 'fs'; export default function () {}`), /validate\.js:1:16: cannot import "fs"/);
    await assert.rejects(runScript(`import 'k6p:internal/host'; export default function () {}`), /cannot import "k6p:internal\/host"/);
    const dyn = await runScript(`export default async function () { await import('node:child_process'); }`);
    assert.equal(dyn.reason, 'ScriptFailed');
    assert.match(dyn.message, /module not found: node:child_process|child_process/);
    const internal = await runScript(`export default async function () { await import('k6p:internal/host'); }`);
    assert.equal(internal.reason, 'ScriptFailed');
  });

  it('keeps imports and open() inside the script folder', async () => {
    await assert.rejects(runScript(`import x from '../outside.js'; export default function () {}`), /leaves the script's folder/);
    const r = await runScript(`const s = open('../../etc/passwd'); export default function () {}`);
    assert.equal(r.reason, 'ScriptFailed');
    assert.match(r.message, /only files inside the script's folder/);
  });

  it('gives a host error thrown into the guest no host stack', async () => {
    const r = await runScript(`import { sleep } from 'k6'; export default function () { try { open('x.txt'); } catch (e) { console.log(String(e.stack)); throw e; } }`);
    assert.equal(r.reason, 'ScriptFailed');
    const log = r.console.map((c) => c.message).join('\n');
    assert.doesNotMatch(log, /node:|\/src\/|\.ts:/);
  });

  it('__ENV holds only the variables given', async () => {
    process.env.K6P_SHOULD_NOT_LEAK = 'secret-value';
    try {
      const r = await runScript(`import { check } from 'k6'; export default function () { check(__ENV, { 'given': (e) => e.TARGET === 'x', 'no system env': (e) => !('K6P_SHOULD_NOT_LEAK' in e) && !('PATH' in e) }); }`, { env: { TARGET: 'x' } });
      assert.equal(r.outcome, 'passed', r.message);
    } finally {
      delete process.env.K6P_SHOULD_NOT_LEAK;
    }
  });
});

describe('what a script can make the host keep is bounded', () => {
  it('folds checks beyond 500 distinct names into one tally and clips long names', async () => {
    const r = await runScript(`import { check } from 'k6';
      export default function () {
        for (let i = 0; i < 2000; i++) check(i, { ['check ' + i]: () => true });
        check(0, { ['x'.repeat(10000)]: () => true });
      }`);
    assert.equal(r.outcome, 'passed');
    assert.equal(r.checks.length, 501);
    const other = r.checks.find((c) => c.name.startsWith('(other checks'));
    assert.equal(other?.passes, 1501);
    assert.ok(r.checks.every((c) => c.name.length <= 257));
  });

  it('keeps only the latest fail() messages and console lines', async () => {
    const r = await runScript(`import { fail } from 'k6';
      export default function () {
        for (let i = 0; i < 1000; i++) { try { fail('no ' + i); } catch (e) {} console.log('line ' + i); }
      }`);
    assert.equal(r.reason, 'ScriptFailed');
    assert.match(r.message, /fail\("no 0"\)/);
    assert.equal(r.console.length, 200);
  });
});

describe('attempts on one sandbox', () => {
  it('an attempt cancelled cleanly does not get the next attempt killed', async () => {
    const { prepareScriptAttempts } = await import('../src/attempt/script-attempt.js');
    const { createRedactor } = await import('../src/http/redact.js');
    const src = `import { sleep } from 'k6';\nimport exec from 'k6/execution';\nexport default function () { sleep(exec.attempt === 1 ? 5 : 0.8); }\n`;
    const attempts = await prepareScriptAttempts({
      source: { origin: 'test', files: new Map([['validate.js', Buffer.from(src)]]), entry: 'validate.js' },
      env: {},
      memoryLimitBytes: 64 * 1024 * 1024,
      timeoutMs: 10_000,
      engine: {},
      redactor: createRedactor(),
    });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const first = await attempts.run({ attempt: 1, deadline: Date.now() + 10_000, signal: ac.signal });
      assert.equal(first.reason, 'Cancelled');
      // The second attempt outlives the first one's kill grace (500 ms) and must pass.
      const second = await attempts.run({ attempt: 2, deadline: Date.now() + 10_000, signal: new AbortController().signal });
      assert.equal(second.outcome, 'passed', second.message);
    } finally {
      await attempts.close();
    }
  });
});
