// k6/html: parseHTML() and res.html() with the common Selection methods, run in the sandbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines } from './fixtures/runtime/harness.js';

const PAGE = `<!doctype html><html><head><title>Shop &amp; more</title></head><body>
<ul id="items"><li class="item a" data-id="1">One</li><li class="item b" data-id="2">Two <b>bold</b></li><li class="item" data-id="3">Three</li></ul>
<form><input name="q" value="x"><input type="checkbox" name="c"><select name="s"><option value="1">a</option><option selected>b</option></select></form>
<a href="/next">next</a></body></html>`;

let server: Server;
let base = '';
before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('parseHTML: find, text, attr, each, first, eq, size, html, and more traversal', async () => {
  const r = await expectPass(
    `
import { parseHTML } from 'k6/html';
const page = open('./page.html');
export default function () {
  const doc = parseHTML(page);
  const items = doc.find('li.item');
  console.log(items.size(), items.first().text(), items.eq(1).text(), items.eq(-1).attr('data-id'));
  console.log(doc.find('title').text(), '|', items.eq(1).html());
  console.log(items.attr('data-missing'), items.attr('data-missing', 'dflt'), doc.find('nope').size(), doc.find('nope').html());
  items.each(function (i, el) { console.log(i + ':' + el.nodeName() + ':' + el.getAttribute('data-id') + ':' + el.textContent()); });
  console.log(items.map((i, el) => el.classList().join('+')).join(','));
  console.log(doc.find('#items').children('.b').text(), doc.find('b').parent().attr('data-id'), doc.find('b').closest('ul').attr('id'));
  console.log(items.filter('.a').size(), items.not('.a').size(), items.is('.b'), items.first().next().attr('data-id'), items.last().prev().attr('data-id'));
  console.log(doc.find('input[name=q]').val(), doc.find('input[type=checkbox]').val(), doc.find('select').val());
  console.log(doc.find('ul').find('li').slice(1).size(), items.get(0).id() === '', items.toArray().length);
}`,
    { files: { 'page.html': PAGE } },
  );
  assert.deepEqual(lines(r), [
    'info 3 One Two bold 3',
    'info Shop & more | Two <b>bold</b>',
    'info undefined dflt 0 undefined',
    'info 0:li:1:One',
    'info 1:li:2:Two bold',
    'info 2:li:3:Three',
    'info item+a,item+b,item',
    'info Two bold 2 items',
    'info 1 2 true 2 2',
    'info x on b',
    'info 2 true 3',
  ]);
});

test("res.html() with and without a selector, without importing k6/html; k6's each() errors", async () => {
  const r = await runScript(
    `
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const res = http.get(__ENV.B + '/');
  check(res, {
    'title': (r) => r.html().find('title').text() === 'Shop & more',
    'selector': (r) => r.html('li').size() === 3,
    'link': (r) => r.html('a').attr('href') === '/next',
  });
  res.html('li').each(5);
}`,
    { env: { B: base } },
  );
  assert.deepEqual(r.checks.map((c) => [c.name, c.passes]), [['title', 1], ['selector', 1], ['link', 1]]);
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /the argument to each\(\) must be a function/);
});

test('a hostile page is parsed under the sandbox memory cap', async () => {
  const r = await runScript(
    `
import { parseHTML } from 'k6/html';
export default function () { parseHTML('<p a="1">x</p>'.repeat(300000)).find('p').size(); }`,
    { memoryLimitBytes: 16 * 1024 * 1024, timeoutMs: 30_000 },
  );
  assert.equal(r.outcome, 'failed');
  // QuickJS sometimes cannot allocate even the out-of-memory message (an Error without one).
  assert.match(r.reason ?? '', /MemoryLimitExceeded|ScriptFailed/);
  const next = await runScript(`import { parseHTML } from 'k6/html'; export default function () { if (parseHTML('<p>ok</p>').find('p').text() !== 'ok') throw 'bad'; }`, {
    memoryLimitBytes: 16 * 1024 * 1024,
  });
  assert.equal(next.outcome, 'passed', next.message);
});

test('data() and the form serializers, as k6 has them', async () => {
  const r = await expectPass(`
import { parseHTML } from 'k6/html';
export default function () {
  const doc = parseHTML('<div data-user-id="42" data-cfg=\\'{"a":1}\\' data-on="true" data-name="x" data-empty=""></div>' +
    '<form><input name="q" value="a b"><input type="checkbox" name="c" checked="checked"><input type="checkbox" name="u">' +
    '<input name="d" value="x" disabled="disabled"><input type="submit" name="s" value="go"><textarea name="t">text</textarea>' +
    '<select name="m" multiple><option value="1" selected>a</option><option selected>b</option></select></form>');
  const d = doc.find('div');
  console.log(JSON.stringify(d.data()), d.data('userId'), d.data('cfg').a);
  const f = doc.find('form');
  console.log(JSON.stringify(f.serializeArray()));
  console.log(JSON.stringify(f.serializeObject()));
  console.log(f.serialize());
}`);
  assert.deepEqual(lines(r), [
    'info {"userId":42,"cfg":{"a":1},"on":true,"name":"x"} 42 1',
    'info [{"name":"q","value":"a b"},{"name":"c","value":"on"},{"name":"t","value":"text"},{"name":"m","value":["1","b"]}]',
    'info {"q":"a b","c":"on","t":"text","m":["1","b"]}',
    'info c=on&m=1&m=b&q=a+b&t=text',
  ]);
});
