// The request queue on its own: slots per attempt and per host, order, the deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WAITING, queueLimitsFrom, RequestQueue } from '../src/attempt/request-queue.js';

const tick = () => new Promise((r) => setImmediate(r));

test('runs at most batch at once and batchPerHost per host, oldest first', async () => {
  const q = new RequestQueue({ batch: 3, batchPerHost: 2 });
  const started: string[] = [];
  const finish: (() => void)[] = [];
  const job = (name: string) => () => new Promise<string>((res) => { started.push(name); finish.push(() => res(name)); });
  const all = [q.run('a', job('a1')), q.run('a', job('a2')), q.run('a', job('a3')), q.run('b', job('b1')), q.run('b', job('b2'))];
  await tick();
  assert.deepEqual(started, ['a1', 'a2', 'b1']);
  finish.shift()!(); // a1 done: a3 is older than b2 and host a has room again
  await tick();
  assert.deepEqual(started, ['a1', 'a2', 'b1', 'a3']);
  while (finish.length) {
    finish.shift()!();
    await tick();
  }
  assert.deepEqual(await Promise.all(all), ['a1', 'a2', 'a3', 'b1', 'b2']);
  assert.equal(q.peak, 3);
});

test('close fails waiting requests without starting them, and later ones at once', async () => {
  const q = new RequestQueue({ batch: 1, batchPerHost: 1 });
  let starts = 0;
  const never = () => new Promise<void>(() => { starts++; });
  void q.run('a', never);
  const waiting = q.run('a', never);
  q.close(new Error('deadline'));
  await assert.rejects(waiting, /deadline/);
  await assert.rejects(q.run('a', never), /deadline/);
  assert.equal(starts, 1);
});

test(`at most ${MAX_WAITING} requests wait`, async () => {
  const q = new RequestQueue({ batch: 1, batchPerHost: 1 });
  const never = () => new Promise<void>(() => undefined);
  for (let i = 0; i <= MAX_WAITING; i++) void q.run('a', never).catch(() => undefined);
  await assert.rejects(q.run('a', never), /requests are waiting for a connection slot/);
  q.close(new Error('end'));
});

test('limits from script options: defaults, batchPerHost 0, the cap', () => {
  const notices: string[] = [];
  assert.deepEqual(queueLimitsFrom({}, notices), { batch: 20, batchPerHost: 6 });
  assert.deepEqual(queueLimitsFrom({ batch: 8, batchPerHost: 0 }, notices), { batch: 8, batchPerHost: 8 });
  assert.deepEqual(queueLimitsFrom({ batch: 'x', batchPerHost: -1 }, notices), { batch: 20, batchPerHost: 6 });
  assert.deepEqual(queueLimitsFrom({ batch: 5000, batchPerHost: 10 }, notices), { batch: 100, batchPerHost: 10 });
  assert.match(notices.join('\n'), /options\.batch 5000 is cut to 100/);
});
