// A script cannot make the host open connections without bound, nor stretch the attempt
// past its deadline, by queueing requests: http.batch and concurrent http.asyncRequest
// run at most k6's `batch` (20) at once and `batchPerHost` (6) per host.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { httpServer, type Running } from '../fixtures/http/helpers.js';
import { runScript } from '../helpers/sandbox.js';

/** A loopback server that counts the connections open at once and the requests it saw. */
async function countingServer(respond: 'after-delay' | 'never', stats = { open: 0, maxOpen: 0, connections: 0, requests: 0 }) {
  const held = new Set<Socket>();
  const srv = await httpServer((req, res) => {
    stats.requests++;
    if (respond === 'never') return; // hold the request until the test closes the server
    setTimeout(() => res.end('ok'), 30);
  });
  srv.server.on('connection', (s: Socket) => {
    stats.open++;
    stats.connections++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    held.add(s);
    s.on('close', () => {
      stats.open--;
      held.delete(s);
    });
  });
  return { srv, stats };
}

const servers: Running[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

describe('batch flood', () => {
  it('runs a large batch at most 6 at once against one host (batchPerHost default)', async () => {
    const { srv, stats } = await countingServer('after-delay');
    servers.push(srv);
    const r = await runScript(`import http from 'k6/http'; import { check } from 'k6';
      export default function () {
        const reqs = []; for (let i = 0; i < 120; i++) reqs.push('${srv.url}/' + i);
        const res = http.batch(reqs);
        check(res, { 'all 200': (l) => l.length === 120 && l.every((x) => x.status === 200) });
      }`);
    assert.equal(r.outcome, 'passed', r.message);
    assert.equal(stats.requests, 120);
    assert.ok(stats.maxOpen <= 6, `${stats.maxOpen} connections were open at once`);
  });

  it('honours the script\'s batch option across hosts, and batchPerHost 0 means no per-host limit', async () => {
    const a = await countingServer('after-delay');
    const b = await countingServer('after-delay', a.stats); // one count across both hosts
    servers.push(a.srv, b.srv);
    const r = await runScript(`import http from 'k6/http'; import { check } from 'k6';
      export const options = { batch: 8, batchPerHost: 0 };
      export default function () {
        const reqs = []; for (let i = 0; i < 60; i++) reqs.push((i % 2 ? '${a.srv.url}' : '${b.srv.url}') + '/' + i);
        check(http.batch(reqs), { 'all 200': (l) => l.every((x) => x.status === 200) });
      }`);
    assert.equal(r.outcome, 'passed', r.message);
    assert.equal(a.stats.requests, 60);
    assert.ok(a.stats.maxOpen <= 8, `${a.stats.maxOpen} connections were open at once`);
    // More than batchPerHost's default 6 ran at once: 0 lifted the per-host limit.
    assert.ok(a.stats.maxOpen > 6, `only ${a.stats.maxOpen} connections were open at once`);
  });

  it('caps a script that raises batch to thousands, with a notice', async () => {
    const { srv, stats } = await countingServer('after-delay');
    servers.push(srv);
    const r = await runScript(`import http from 'k6/http';
      export const options = { batch: 100000, batchPerHost: 100000 };
      export default function () { const reqs = []; for (let i = 0; i < 300; i++) reqs.push('${srv.url}/' + i); http.batch(reqs); }`);
    assert.equal(r.outcome, 'passed', r.message);
    assert.ok(stats.maxOpen <= 100, `${stats.maxOpen} connections were open at once`);
    assert.ok(r.notices.some((n) => /options\.batch 100000 is cut to 100/.test(n)), r.notices.join('\n'));
  });

  it('queues concurrent http.asyncRequest calls the same way', async () => {
    const { srv, stats } = await countingServer('after-delay');
    servers.push(srv);
    const r = await runScript(`import http from 'k6/http'; import { check } from 'k6';
      export default async function () {
        const all = []; for (let i = 0; i < 60; i++) all.push(http.asyncRequest('GET', '${srv.url}/' + i));
        const res = await Promise.all(all);
        check(res, { 'all 200': (l) => l.every((x) => x.status === 200) });
      }`);
    assert.equal(r.outcome, 'passed', r.message);
    assert.equal(stats.requests, 60);
    assert.ok(stats.maxOpen <= 6, `${stats.maxOpen} connections were open at once`);
  });

  it('a 10,000-request batch against a server that never answers ends as ScriptTimeout, sending only what the slots allow', async () => {
    const { srv, stats } = await countingServer('never');
    servers.push(srv);
    const r = await runScript(`import http from 'k6/http';
      export default function () { const reqs = []; for (let i = 0; i < 10000; i++) reqs.push(['GET', '${srv.url}/' + i]); http.batch(reqs); }`,
      { timeoutMs: 2500 });
    assert.equal(r.reason, 'ScriptTimeout', r.message);
    // The attempt ended by itself at its deadline: the watchdog did not have to kill the worker.
    assert.doesNotMatch(r.message, /did not stop in time|did not answer/);
    assert.ok(stats.connections <= 6, `${stats.connections} connections were opened`);
    assert.ok(stats.requests <= 6, `${stats.requests} requests reached the server`);
  });
});
