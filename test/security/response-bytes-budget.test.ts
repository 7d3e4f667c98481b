// The response bytes one attempt makes the host hold are bounded across all its requests:
// a request that would go over the budget fails with a clear error instead.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { defaultResponseBudget } from '../../src/attempt/script-attempt.js';
import { httpServer, type Running } from '../fixtures/http/helpers.js';
import { runScript } from '../helpers/sandbox.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const servers: Running[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function bodyServer(size: number) {
  const body = Buffer.alloc(size, 'x');
  const srv = await httpServer((_req, res) => {
    res.setHeader('Content-Length', size);
    // Send in pieces so that concurrent responses interleave.
    let sent = 0;
    const next = () => {
      if (sent >= size) return void res.end();
      const n = Math.min(64 * KiB, size - sent);
      res.write(body.subarray(sent, sent + n), () => setImmediate(next));
      sent += n;
    };
    next();
  });
  servers.push(srv);
  return srv;
}

describe('response bytes budget', () => {
  it('fails the requests that would take a batch over the budget, and says why', async () => {
    const srv = await bodyServer(512 * KiB);
    const r = await runScript(`import http from 'k6/http'; import { check } from 'k6';
      export default function () {
        const res = http.batch(Array.from({ length: 12 }, (_, i) => '${srv.url}/' + i));
        const ok = res.filter((x) => x.status === 200 && x.body.length === ${512 * KiB});
        const over = res.filter((x) => x.status !== 200 || x.error);
        console.log(JSON.stringify({ ok: ok.length, over: over.length, errors: [...new Set(over.map((x) => x.error))], codes: [...new Set(over.map((x) => x.error_code))] }));
        // Once the batch has been handed to the script its bytes are free again.
        const again = http.get('${srv.url}/again');
        console.log(JSON.stringify({ again: again.status, len: again.body.length }));
        check(res, { 'every batch response is 200': (l) => l.every((x) => x.status === 200) });
      }`, { responseBudgetBytes: 2 * MiB });
    const [first, second] = r.console.map((c) => JSON.parse(c.message));
    assert.ok(first.ok >= 1 && first.ok * 512 * KiB <= 2 * MiB, `${first.ok} full responses were held`);
    assert.equal(first.ok + first.over, 12);
    assert.ok(first.over >= 8, `${first.over} requests failed`);
    assert.deepEqual(first.errors, ['response bodies held by this attempt exceed the limit of 2 MiB']);
    assert.deepEqual(first.codes, [1000]);
    assert.deepEqual(second, { again: 200, len: 512 * KiB });
    assert.equal(r.reason, 'ResponseTooLarge');
    assert.match(r.message, /per-attempt response budget/);
  });

  it('bounds concurrent asyncRequest responses the same way', async () => {
    const srv = await bodyServer(768 * KiB);
    const r = await runScript(`import http from 'k6/http';
      export default async function () {
        const res = await Promise.all(Array.from({ length: 10 }, (_, i) => http.asyncRequest('GET', '${srv.url}/' + i)));
        console.log(JSON.stringify({ ok: res.filter((x) => x.status === 200).length, over: res.filter((x) => /exceed the limit of 2 MiB/.test(x.error)).length }));
      }`, { responseBudgetBytes: 2 * MiB });
    const { ok, over } = JSON.parse(r.console[0]!.message);
    assert.equal(ok + over, 10);
    assert.ok(over >= 1, 'no request went over the budget');
  });

  it('defaults to the larger of --max-body and the sandbox memory limit', () => {
    assert.equal(defaultResponseBudget({ engine: {}, memoryLimitBytes: 64 * MiB }), 64 * MiB);
    assert.equal(defaultResponseBudget({ engine: { maxBodyBytes: 100 * MiB }, memoryLimitBytes: 64 * MiB }), 100 * MiB);
  });
});
