// Redaction: no credential survives in URLs, headers, free text or engine messages.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor, redactHeaders, redactText, redactUrl, MASK } from '../src/http/redact.js';
import { createHttpEngine } from '../src/http/engine.js';
import { lookupEgressIp } from '../src/http/egress-ip.js';
import { closedPort, httpServer, req } from './fixtures/http/helpers.js';

const SECRET = 'pl4nted-S3cret-value';

describe('redactUrl', () => {
  test('userinfo and secret-looking query parameters are masked, the rest kept', () => {
    const out = redactUrl(`https://bob:${SECRET}@api.example.com/v1/items?id=7&token=${SECRET}&Api_Key=${SECRET}&X-Amz-Signature=${SECRET}&page=2#frag`);
    assert.equal(out, `https://***@api.example.com/v1/items?id=7&token=***&Api_Key=***&X-Amz-Signature=***&page=2#frag`);
    assert.ok(!out.includes(SECRET));
  });

  test('case-insensitive names, substrings like githubToken, configurable extra names', () => {
    const u = `http://h/?ACCESS_TOKEN=${SECRET}&githubToken=${SECRET}&db_password=${SECRET}&sig=${SECRET}&tenant=${SECRET}`;
    const out = redactUrl(u, { secretParams: ['tenant'] });
    assert.ok(!out.includes(SECRET), out);
    assert.match(out, /ACCESS_TOKEN=\*\*\*/);
    assert.match(redactUrl(`http://h/?tenant=${SECRET}`), new RegExp(SECRET), 'tenant is not secret by default');
  });

  test('fragments with tokens and unparsable URLs are handled', () => {
    assert.ok(!redactUrl(`https://h/cb#access_token=${SECRET}&state=1`).includes(SECRET));
    const weird = redactUrl(`not a url but has http://u:${SECRET}@h/x?password=${SECRET}`);
    assert.ok(!weird.includes(SECRET), weird);
  });

  test('literal secret values are masked, also URL-encoded', () => {
    const v = 'p@ss word!';
    const out = redactUrl(`http://h/path/${encodeURIComponent(v)}?q=${encodeURIComponent(v)}`, { secretValues: [v] });
    assert.ok(!out.includes(encodeURIComponent(v)), out);
  });
});

describe('redactHeaders', () => {
  test('credential headers are masked by name, others kept; arrays supported', () => {
    const h = redactHeaders({
      Authorization: `Bearer ${SECRET}`,
      'proxy-authorization': `Basic ${SECRET}`,
      Cookie: `sid=${SECRET}`,
      'Set-Cookie': `sid=${SECRET}`,
      'X-Api-Key': SECRET,
      'X-Vault-Token': SECRET,
      'X-Client-Secret': SECRET,
      'Content-Type': 'application/json',
    });
    assert.ok(!JSON.stringify(h).includes(SECRET));
    assert.equal(h['Content-Type'], 'application/json');
    assert.equal(h['Authorization'], MASK);
    assert.deepEqual(redactHeaders({ 'Set-Cookie': ['a=1', 'b=2'], Accept: ['x'] }), { 'Set-Cookie': [MASK, MASK], Accept: ['x'] });
  });
});

describe('redactText', () => {
  test('secret values, URL credentials, auth schemes and header lines in free text', () => {
    const text = [
      `env says ${SECRET}`,
      `GET https://u:${SECRET}@h/x?token=${SECRET} failed`,
      `Authorization: Bearer ${SECRET}`,
      `sent Basic ${Buffer.from('u:' + SECRET).toString('base64')}`,
      `cookie=${SECRET}`,
    ].join('\n');
    const out = redactText(text, [SECRET]);
    assert.ok(!out.includes(SECRET), out);
    assert.ok(!out.includes(Buffer.from('u:' + SECRET).toString('base64')), out);
    assert.match(out, /https:\/\/\*\*\*@h\/x\?token=\*\*\*/);
    assert.ok(out.includes('env says ***'));
  });

  test('Redactor combines the rules and learns secrets later', () => {
    const r = createRedactor({ secretParams: ['tenant'], secretValues: ['alpha-secret'] });
    assert.equal(r.text('x alpha-secret y'), 'x *** y');
    assert.equal(r.url('http://h/?tenant=abc'), 'http://h/?tenant=***');
    r.addSecret('later-secret');
    assert.equal(r.text('later-secret'), '***');
    assert.deepEqual(r.headers({ Accept: 'later-secret' }), { Accept: '***' });
  });
});

describe('engine output never carries a planted secret', () => {
  test('failure messages (refused, DNS, timeout, proxy) and egress lookup errors', async () => {
    const port = await closedPort();
    const slow = await httpServer(() => {});
    const e = createHttpEngine({ secretValues: [SECRET], proxy: undefined });
    const viaProxy = createHttpEngine({ proxy: `http://px:${SECRET}@127.0.0.1:${port}` });
    try {
      const outs = [
        await e.request(req(`http://user:${SECRET}@127.0.0.1:${port}/?token=${SECRET}`)),
        await e.request(req(`http://user:${SECRET}@no-such-host.invalid/?api_key=${SECRET}`)),
        await e.request(req(`${slow.url}/?password=${SECRET}`, { timeoutMs: 200 })),
        await viaProxy.request(req('http://target.test/')),
        await e.request(req(`ftp://u:${SECRET}@h/`)),
      ];
      for (const r of outs) {
        assert.ok(r.failure, 'each of these fails');
        assert.ok(!r.failure!.message.includes(SECRET), r.failure!.message);
        assert.ok(!r.error.includes(SECRET), r.error);
      }
      const eg = await lookupEgressIp(`http://u:${SECRET}@127.0.0.1:${port}/ip?token=${SECRET}`);
      assert.ok('error' in eg && !eg.error.includes(SECRET), JSON.stringify(eg));
    } finally {
      await e.close();
      await viaProxy.close();
      await slow.close();
    }
  });
});
