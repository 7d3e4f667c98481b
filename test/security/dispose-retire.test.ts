// An engine that cannot be freed cleanly is reported in the attempt result and retires
// its worker, so the next attempt starts on a fresh one; engine diagnostics never reach
// the user's terminal. Uses QuickJS's debug build, which checks for leaked handles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import type { WorkerOutcome } from '../../src/sandbox/protocol.js';
import { runScript } from '../helpers/sandbox.js';

const noHttp = {
  env: {
    configure: () => undefined,
    send: () => Promise.reject(new Error('no HTTP in this test')),
    engine: () => {
      throw new Error('no HTTP in this test');
    },
    delivered: () => undefined,
    nextAsyncId: () => 0,
    protocol: () => {
      throw new Error('no gRPC or WebSockets in this test');
    },
  },
};

function attempt(sandbox: Sandbox, code: string): Promise<WorkerOutcome> {
  return sandbox.runAttempt(
    {
      modules: { 'validate.js': { code } },
      files: [],
      entry: 'validate.js',
      info: { env: {}, vu: 1, iter: 0, attempt: 1 },
      deadline: Date.now() + 15_000,
      memoryLimitBytes: 64 * 1024 * 1024,
      stackLimitBytes: 256 * 1024,
    },
    noHttp,
  );
}

describe('engine dispose failures', () => {
  it('a failed dispose reaches the outcome and the next attempt gets a fresh worker', async () => {
    process.env.K6P_QUICKJS_DEBUG_BUILD = '1';
    process.env.K6P_TEST_LEAK_HANDLE = '1';
    const sandbox = new Sandbox();
    try {
      sandbox.warmUp(); // the worker takes its environment now, with the leak switch on
      const first = sandbox.workerThreadId;
      const leaky = await attempt(sandbox, 'export default function () {}');
      assert.match(leaky.disposeError ?? '', /list_empty|Assertion failed/);
      assert.equal(sandbox.workerThreadId, undefined, 'the worker was not retired');
      delete process.env.K6P_TEST_LEAK_HANDLE;
      const clean = await attempt(sandbox, 'export default function () {}');
      assert.equal(clean.disposeError, undefined);
      const second = sandbox.workerThreadId;
      assert.ok(second !== undefined && second !== first, 'the next attempt did not run on a fresh worker');
      // A clean attempt keeps its worker.
      await attempt(sandbox, 'export default function () {}');
      assert.equal(sandbox.workerThreadId, second);
    } finally {
      delete process.env.K6P_TEST_LEAK_HANDLE;
      delete process.env.K6P_QUICKJS_DEBUG_BUILD;
      await sandbox.close();
    }
  });

  it('a timer callback that throws fails the phase and leaks no handle', async () => {
    process.env.K6P_QUICKJS_DEBUG_BUILD = '1';
    try {
      const r = await runScript(`export default async function () { setTimeout(() => { throw new Error('boom in timer'); }, 1); await new Promise((r) => setTimeout(r, 50)); }`);
      assert.equal(r.reason, 'ScriptFailed');
      assert.match(r.message, /boom in timer/);
      assert.equal(r.disposeError, undefined);
    } finally {
      delete process.env.K6P_QUICKJS_DEBUG_BUILD;
    }
  });

  it('engine leak reports and abort text never reach stderr', () => {
    const code = `
      import { runScript } from ${JSON.stringify(new URL('../helpers/sandbox.ts', import.meta.url).pathname)};
      process.env.K6P_QUICKJS_DEBUG_BUILD = '1';
      process.env.K6P_TEST_LEAK_HANDLE = '1';
      const r = await runScript('export default function () {}');
      process.stdout.write(JSON.stringify({ disposeError: r.disposeError ?? null }));`;
    const p = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    assert.match(p.stdout, /"disposeError":"[^"]*(list_empty|Assertion failed)/, p.stdout + p.stderr);
    assert.doesNotMatch(p.stderr, /Aborted|Assertion failed|Object leaks|list_empty/, p.stderr);
  });
});
