// Worker-side ops of the guest runtime: crypto.* and url.parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { algorithmSupported } from '../src/sandbox/ops/crypto.js';
import { newJournal } from '../src/sandbox/ops/core.js';
import { OPS, runWorkerOp, type OpName } from '../src/sandbox/ops/registry.js';
import type { OpContext, OpResult, WorkerEnv } from '../src/sandbox/ops/types.js';

const ctx = { phase: 'default', deadline: Date.now() + 60_000, files: new Map(), currentFile: '' } as OpContext;
const env: WorkerEnv = { ctx, journal: newJournal(), info: () => ({}), sleep: () => undefined };
const op = (name: OpName) => (payload: unknown, buffers: Uint8Array[], _ctx?: unknown): OpResult | void => {
  const spec = OPS[name];
  assert.equal(spec.thread, 'worker');
  return runWorkerOp(spec as Parameters<typeof runWorkerOp>[0], payload, buffers, env);
};
const cryptoOps = { 'crypto.digest': op('crypto.digest'), 'crypto.hmac': op('crypto.hmac'), 'crypto.randomBytes': op('crypto.randomBytes') };
const urlOps = { 'url.parse': op('url.parse') };
const enc = (s: string) => new Uint8Array(Buffer.from(s));

test('crypto.digest: algorithms and output encodings', () => {
  const d = (alg: string, e: string | undefined, ...chunks: string[]) => cryptoOps['crypto.digest']!({ alg, enc: e }, chunks.map(enc), ctx);
  assert.deepEqual(d('sha256', 'hex', 'ab', 'c'), { value: createHash('sha256').update('abc').digest('hex') });
  assert.deepEqual(d('md5', 'base64', 'abc'), { value: createHash('md5').update('abc').digest('base64') });
  assert.deepEqual(d('sha1', 'base64url', 'abc'), { value: 'qZk-NkcGgWq6PiVxeFDCbJzQ2J0=' }); // padded URL-safe
  assert.deepEqual(d('sha1', 'base64rawurl', 'abc'), { value: 'qZk-NkcGgWq6PiVxeFDCbJzQ2J0' });
  assert.deepEqual(d('sha512_256', 'hex', 'abc'), { value: createHash('sha512-256').update('abc').digest('hex') });
  assert.deepEqual(d('sha512_224', 'hex', ''), { value: createHash('sha512-224').digest('hex') });
  assert.deepEqual(d('ripemd160', 'hex', 'abc'), { value: '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc' });
  const bin = d('sha384', 'binary', 'abc');
  assert.deepEqual(bin?.value, { buf: 0 });
  assert.deepEqual(Buffer.from(bin!.buffers![0]!), createHash('sha384').update('abc').digest());
  assert.throws(() => d('sha3', 'hex', 'x'), /invalid algorithm: sha3/);
  assert.throws(() => d('md5', 'latin1', 'x'), /invalid output encoding: latin1/);
  if (!algorithmSupported('md4')) assert.throws(() => d('md4', 'hex', 'x'), /md4 is not available/);
  else assert.deepEqual(d('md4', 'hex', ''), { value: '31d6cfe0d16ae931b73c59d7e0c089c0' });
});

test('crypto.hmac: key first, then the data chunks', () => {
  const r = cryptoOps['crypto.hmac']!({ alg: 'sha256', enc: 'hex' }, [enc('key'), enc('da'), enc('ta')], ctx);
  assert.deepEqual(r, { value: createHmac('sha256', 'key').update('data').digest('hex') });
  const empty = cryptoOps['crypto.hmac']!({ alg: 'md5', enc: 'hex' }, [], ctx);
  assert.deepEqual(empty, { value: createHmac('md5', '').digest('hex') });
});

test('crypto.randomBytes: n bytes; n < 1 refused', () => {
  const r = cryptoOps['crypto.randomBytes']!({ n: 16 }, [], ctx);
  assert.equal(r!.buffers![0]!.length, 16);
  assert.throws(() => cryptoOps['crypto.randomBytes']!({ n: 0 }, [], ctx), /invalid size/);
  assert.throws(() => cryptoOps['crypto.randomBytes']!({ n: 1.5 }, [], ctx), /invalid size/);
});

test('url.parse: WHATWG parts, base, setters, TypeError on invalid', () => {
  const p = (payload: unknown) => urlOps['url.parse']!(payload, [], ctx)!.value as Record<string, string>;
  const r = p({ url: 'HTTP://u:p@Ex.com:80/a/./b?q#f' });
  assert.deepEqual(r, {
    href: 'http://u:p@ex.com/a/b?q#f',
    origin: 'http://ex.com',
    protocol: 'http:',
    username: 'u',
    password: 'p',
    host: 'ex.com',
    hostname: 'ex.com',
    port: '',
    pathname: '/a/b',
    search: '?q',
    hash: '#f',
  });
  assert.equal(p({ url: '../x', base: 'http://h/a/b' }).href, 'http://h/x');
  assert.equal(p({ url: 'http://h/', set: ['search', 'a=1'] }).href, 'http://h/?a=1');
  assert.equal(p({ url: 'http://h/', set: ['port', 'nope'] }).href, 'http://h/');
  assert.throws(() => p({ url: 'nope' }), { name: 'TypeError', message: 'Invalid URL: nope' });
  assert.throws(() => p({ url: 'x', base: 'also bad' }), { name: 'TypeError' });
  assert.throws(() => p({ url: 'http://h/', set: ['origin', 'x'] }), { name: 'TypeError' });
  assert.throws(() => p({ url: 1 }), { name: 'TypeError' });
});
