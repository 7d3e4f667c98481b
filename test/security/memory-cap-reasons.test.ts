// Every way a script can reach the sandbox's memory cap ends as MemoryLimitExceeded with a
// message a person understands: never "Error: null", a WebAssembly trap or an engine abort.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpServer, type Running } from '../fixtures/http/helpers.js';
import { runScript } from '../helpers/sandbox.js';

const MiB = 1024 * 1024;
let srv: Running;
before(async () => {
  const big = Buffer.alloc(15 * MiB, 'y');
  srv = await httpServer((req, res) => res.end(req.url === '/5' ? big.subarray(0, 5 * MiB) : big));
});
after(() => srv.close());

const inScript: Record<string, string> = {
  'a string doubled until too long': `let s = 'x'; for (;;) s += s;`,
  'a flat string split and joined': `const s = 'x'.repeat(2 ** 24); s.split('').join(',');`,
  'pending promises kept': `const ps = []; for (;;) ps.push(new Promise(() => {}));`,
  'a regular expression over a huge string': `'a'.repeat(2e7).replace(/a/g, 'bb');`,
  'a Map of objects': `const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });`,
  'JSON.parse of a huge input': `JSON.parse('[' + '1,'.repeat(2e7) + '1]');`,
  'ArrayBuffers': `const a = []; for (;;) a.push(new ArrayBuffer(1 << 20));`,
  'an out-of-memory error caught and ignored': `try { const a = []; for (;;) a.push(new Array(1e4).fill(1)); } catch (e) {}`,
};

const fromHost: Record<string, (url: string) => string> = {
  'a text body larger than the heap': (url) => `http.get('${url}/15');`,
  'a binary body larger than the heap': (url) => `http.get('${url}/15', { responseType: 'binary' });`,
  'a batch whose bodies together exceed the heap': (url) => `http.batch(['${url}/5', '${url}/5', '${url}/5']);`,
};

function assertMemoryLimit(r: { reason?: string; message: string }, limit: number) {
  assert.equal(r.reason, 'MemoryLimitExceeded', r.message);
  assert.match(r.message, new RegExp(`more than its ${limit} MiB memory limit`));
  assert.doesNotMatch(r.message, /null|out of bounds|RuntimeError|Aborted|never settle/);
}

describe('memory cap reasons', () => {
  for (const [name, body] of Object.entries(inScript)) {
    it(`${name} → MemoryLimitExceeded`, async () => {
      const r = await runScript(`export default function () { ${body} }`, { memoryLimitBytes: 32 * MiB, timeoutMs: 20_000 });
      assertMemoryLimit(r, 32);
    });
  }

  it('an async function flooding the heap with promises → MemoryLimitExceeded', async () => {
    const r = await runScript(`export default async function () { const ps = []; for (;;) { ps.push(new Promise(() => {})); if (ps.length % 1000 === 0) await null; } }`, {
      memoryLimitBytes: 32 * MiB,
      timeoutMs: 20_000,
    });
    assertMemoryLimit(r, 32);
  });

  for (const [name, call] of Object.entries(fromHost)) {
    it(`${name} → MemoryLimitExceeded, and the engine is freed cleanly`, async () => {
      const r = await runScript(`import http from 'k6/http'; export default function () { ${call(srv.url)} }`, {
        memoryLimitBytes: 16 * MiB,
        timeoutMs: 20_000,
        engine: { maxBodyBytes: 32 * MiB },
      });
      assertMemoryLimit(r, 16);
      assert.equal(r.disposeError, undefined);
    });
  }

  it('an asyncRequest body larger than the heap → MemoryLimitExceeded, and the engine is freed cleanly', async () => {
    const r = await runScript(`import http from 'k6/http'; export default async function () { await http.asyncRequest('GET', '${srv.url}/15'); }`, {
      memoryLimitBytes: 16 * MiB,
      timeoutMs: 20_000,
      engine: { maxBodyBytes: 32 * MiB },
    });
    assertMemoryLimit(r, 16);
    assert.equal(r.disposeError, undefined);
  });
});
