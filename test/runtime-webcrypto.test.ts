// The global crypto.subtle, done on the host by Node's WebCrypto: results interoperate
// with node:crypto, keys are guest objects holding only material (no host handles), and
// the extractable flag is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, createDecipheriv, generateKeyPairSync, createVerify, webcrypto } from 'node:crypto';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines } from './fixtures/runtime/harness.js';

const HEX = `const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
const b64 = (b) => { let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x); return btoa(s); };
const enc = (s) => new TextEncoder().encode(s);`;

test('digest and HMAC match node:crypto; verify accepts the right signature only', async () => {
  const r = await expectPass(`${HEX}
export default async function () {
  console.log(hex(await crypto.subtle.digest('SHA-256', enc('hello'))));
  console.log(hex(await crypto.subtle.digest({ name: 'SHA-512' }, enc('hello').buffer)));
  const key = await crypto.subtle.importKey('raw', enc('k3y'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const sig = await crypto.subtle.sign('HMAC', key, enc('data'));
  console.log(hex(sig));
  console.log(await crypto.subtle.verify('HMAC', key, sig, enc('data')), await crypto.subtle.verify('HMAC', key, sig, enc('dato')));
}`);
  assert.deepEqual(lines(r), [
    'info ' + createHash('sha256').update('hello').digest('hex'),
    'info ' + createHash('sha512').update('hello').digest('hex'),
    'info ' + createHmac('sha256', 'k3y').update('data').digest('hex'),
    'info true false',
  ]);
});

test('AES-GCM from the guest decrypts with node:crypto; AES-CBC round-trips; a wrong key fails with OperationError', async () => {
  const keyBytes = Buffer.alloc(32, 7);
  const r = await expectPass(
    `${HEX}
export default async function () {
  const raw = Uint8Array.from(atob(__ENV.KEY), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', true, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12).fill(1);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc('secret text'));
  console.log(b64(ct));
  const cbc = await crypto.subtle.generateKey({ name: 'AES-CBC', length: 128 }, false, ['encrypt', 'decrypt']);
  const iv2 = crypto.getRandomValues(new Uint8Array(16));
  const back = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: iv2 }, cbc, await crypto.subtle.encrypt({ name: 'AES-CBC', iv: iv2 }, cbc, enc('round trip')));
  console.log(new TextDecoder().decode(back));
  const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['decrypt']);
  try { await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, other, ct); console.log('decrypted?!'); } catch (e) { console.log(e.name); }
  console.log(JSON.stringify((await crypto.subtle.exportKey('jwk', key))), hex(await crypto.subtle.exportKey('raw', key)).length);
}`,
    { env: { KEY: keyBytes.toString('base64') } },
  );
  const [ct, rt, wrong, jwk] = lines(r).map((l) => l.slice(5));
  const buf = Buffer.from(ct!, 'base64');
  const d = createDecipheriv('aes-256-gcm', keyBytes, Buffer.alloc(12, 1));
  d.setAuthTag(buf.subarray(buf.length - 16));
  assert.equal(Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]).toString(), 'secret text');
  assert.equal(rt, 'round trip');
  assert.equal(wrong, 'OperationError');
  assert.match(jwk!, /^\{"key_ops":\["encrypt","decrypt"\],"ext":true,"alg":"A256GCM","k":"BwcH[^"]+","kty":"oct"\} 64$|"kty":"oct"/);
});

test('ECDSA and RSA: a key pair made in the guest, an SPKI/PKCS8 pair from node; signatures cross both ways', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const r = await expectPass(
    `${HEX}
const der = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
export default async function () {
  const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const alg = { name: 'ECDSA', hash: { name: 'SHA-256' } };
  const s = await crypto.subtle.sign(alg, ec.privateKey, enc('msg'));
  console.log(await crypto.subtle.verify(alg, ec.publicKey, s, enc('msg')), await crypto.subtle.verify(alg, ec.publicKey, s, enc('msh')));
  console.log(JSON.stringify(ec.publicKey.algorithm), ec.privateKey.type, ec.publicKey.usages.join());
  const priv = await crypto.subtle.importKey('pkcs8', der(__ENV.PKCS8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const pub = await crypto.subtle.importKey('spki', der(__ENV.SPKI), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
  const rs = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', priv, enc('to the host'));
  console.log(b64(rs));
  console.log(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', pub, rs, enc('to the host')), pub.algorithm.modulusLength, Array.from(pub.algorithm.publicExponent).join());
  console.log(b64(await crypto.subtle.exportKey('spki', pub)) === __ENV.SPKI);
}`,
    { env: { SPKI: spki, PKCS8: pkcs8 } },
  );
  const out = lines(r).map((l) => l.slice(5));
  assert.equal(out[0], 'true false');
  assert.equal(out[1], '{"name":"ECDSA","namedCurve":"P-256"} private verify');
  assert.ok(createVerify('sha256').update('to the host').verify(publicKey, Buffer.from(out[2]!, 'base64')), 'node verifies the guest signature');
  assert.equal(out[3], 'true 2048 1,0,1');
  assert.equal(out[4], 'true');
});

test('CryptoKey is a guest object: no material visible, no constructor, non-extractable keys stay unexported', async () => {
  const r = await runScript(`
export default async function () {
  const k = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  console.log(JSON.stringify(k), Object.keys(k).join(), k instanceof CryptoKey, Object.prototype.toString.call(k));
  try { new CryptoKey(); } catch (e) { console.log(e.name + ': ' + e.message); }
  try { await crypto.subtle.exportKey('raw', k); } catch (e) { console.log(e.name + ': ' + e.message); }
  try { await crypto.subtle.sign('HMAC', k, 'not bytes'); } catch (e) { console.log(e.name); }
  const p = await crypto.subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', salt: new Uint8Array(8), iterations: 1000, hash: 'SHA-256' }, p, 128);
  console.log(Array.from(new Uint8Array(bits), (x) => x.toString(16).padStart(2, '0')).join(''));
}`);
  assert.equal(r.outcome, 'passed', r.message);
  const out = lines(r).map((l) => l.slice(5));
  assert.equal(out[0], '{"type":"secret","extractable":false,"algorithm":{"name":"HMAC","length":512,"hash":{"name":"SHA-256"}},"usages":["sign"]} type,extractable,algorithm,usages true [object CryptoKey]');
  assert.equal(out[1], 'TypeError: Illegal constructor');
  assert.equal(out[2], 'InvalidAccessError: exportKey: the key is not extractable');
  assert.ok(out[3]!.length > 0);
  // PBKDF2 keys are never exportable, yet work: the same bits as Node computes.
  const k = await webcrypto.subtle.importKey('raw', Buffer.from('pw'), 'PBKDF2', false, ['deriveBits']);
  const want = Buffer.from(await webcrypto.subtle.deriveBits({ name: 'PBKDF2', salt: new Uint8Array(8), iterations: 1000, hash: 'SHA-256' }, k, 128)).toString('hex');
  assert.equal(out[4], want);
});

test('RSA key generation is bounded: a huge modulus is refused, not computed on the host', async () => {
  const r = await runScript(`
export default async function () {
  try { await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 65536, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign']); console.log('generated?!'); }
  catch (e) { console.log(e.name + ': ' + e.message); }
}`);
  assert.deepEqual(lines(r), ['info NotSupportedError: RSA keys of more than 8192 bits are not generated here (asked for 65536)']);
});
