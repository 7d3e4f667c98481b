// The host surface is declared once: the registry is what the worker routes by, what the
// phase rules come from, and what docs/architecture.md's op table shows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPhase, OPS, opSpec, opTableMarkdown } from '../src/sandbox/ops/registry.js';
import { GuestError, type AnyOpSpec } from '../src/sandbox/ops/types.js';
import { runScript } from './helpers/sandbox.js';

const root = new URL('..', import.meta.url).pathname;

function runtimeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? runtimeFiles(full) : e.endsWith('.js') ? [full] : [];
  });
}

describe('op registry', () => {
  it('docs/architecture.md shows the op table generated from the registry', () => {
    const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    const m = /<!-- op-table:start -->\n([\s\S]*?)\n<!-- op-table:end -->/.exec(doc);
    assert.ok(m, 'the op table markers are missing from docs/architecture.md');
    assert.equal(m[1], opTableMarkdown(), 'the doc table is stale: run node --import tsx scripts/op-table.ts');
  });

  it('every op the guest runtime calls is declared in the registry', () => {
    const called = new Set<string>();
    for (const f of runtimeFiles(join(root, 'runtime'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:call|startOp)\('([\w.]+)'/g)) called.add(m[1]!);
    }
    assert.ok(called.size > 10, `found only ${called.size} calls`);
    for (const op of called) assert.ok(op in OPS, `runtime calls ${op}, which the registry does not declare`);
  });

  it('every entry says where it runs, when it may be called and how its payload is decoded', () => {
    for (const [name, spec] of Object.entries(OPS) as [string, AnyOpSpec][]) {
      assert.ok(spec.thread === 'worker' || spec.thread === 'main', name);
      assert.ok(spec.phases.length > 0, name);
      assert.equal(typeof spec.decode, 'function', name);
      assert.ok(spec.doc.length > 0, name);
    }
  });

  it('refuses unknown ops and calls outside an op\'s phases', () => {
    assert.throws(() => opSpec('fs.read'), (e: unknown) => e instanceof GuestError && /unknown host operation fs\.read/.test(e.message));
    assert.throws(() => checkPhase('http.batch', OPS['http.batch'], 'init'), /Using batch in the init context is not supported/);
    assert.throws(() => checkPhase('open', OPS.open, 'default'), /only available in the init stage/);
    assert.doesNotThrow(() => checkPhase('check', OPS.check, 'teardown'));
  });

  it('decoders turn wrongly typed guest payloads into TypeErrors before any handler runs', () => {
    const typeError = (e: unknown) => e instanceof GuestError && e.name === 'TypeError';
    assert.throws(() => OPS.check.decode({ name: 5, passed: true }, []), typeError);
    assert.throws(() => OPS.sleep.decode({ seconds: '1' }, []), typeError);
    assert.throws(() => OPS.open.decode({ path: {} }, []), typeError);
    assert.throws(() => OPS['http.batch'].decode({ reqs: 'x' }, []), typeError);
    assert.throws(() => OPS['http.request'].decode({ req: { url: 1, method: 'GET' } }, []), typeError);
    assert.throws(() => OPS['jar.set'].decode('nope', []), typeError);
    // Fields of the wrong type are dropped, never passed on as they came.
    const { req } = OPS['http.request'].decode({ req: { url: 'http://a/', method: 'GET', headers: { A: 'x', B: { toString: 1 } }, timeoutMs: 'soon' } }, []);
    assert.deepEqual({ ...req.headers }, { A: 'x' });
    assert.equal(req.timeoutMs, 60_000);
  });

  it('the phase rules come from the registry in a real attempt', async () => {
    const r = await runScript(`import { check } from 'k6'; check(1, { one: () => true }); export default function () {}`);
    assert.equal(r.reason, 'ScriptFailed');
    assert.match(r.message, /Using check\(\) in the init context is not supported/);
  });
});
