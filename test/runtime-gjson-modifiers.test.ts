// GJSON modifiers in res.json(selector), as k6's gjson (v1.19) has them; values from the
// README example of gjson's own syntax document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { select } from '../runtime/lib/gjson.js';
import { expectPass, startServer } from './fixtures/runtime/harness.js';

const doc = {
  name: { first: 'Tom', last: 'Anderson' },
  age: 37,
  children: ['Sara', 'Alex', 'Jack'],
  'fav.movie': 'Deer Hunter',
  friends: [
    { first: 'Dale', last: 'Murphy', age: 44, nets: ['ig', 'fb', 'tw'] },
    { first: 'Roger', last: 'Craig', age: 68, nets: ['fb', 'tw'] },
    { first: 'Jane', last: 'Murphy', age: 47, nets: ['ig', 'tw'] },
  ],
};

test('@reverse, @this, @keys, @values, @valid, @pretty, @ugly, after "|" or "." and chained', () => {
  assert.deepEqual(select(doc, 'children|@reverse'), ['Jack', 'Alex', 'Sara']);
  assert.deepEqual(select(doc, 'children.@reverse'), ['Jack', 'Alex', 'Sara']);
  assert.equal(select(doc, 'children|@reverse|0'), 'Jack');
  assert.deepEqual(Object.keys(select(doc, '@reverse') as object), ['friends', 'fav.movie', 'children', 'age', 'name']);
  assert.deepEqual(select(doc, '@this'), doc);
  assert.deepEqual(select(doc, 'name.@keys'), ['first', 'last']);
  assert.deepEqual(select(doc, 'name|@values'), ['Tom', 'Anderson']);
  assert.deepEqual(select(doc, 'children|@values'), ['Sara', 'Alex', 'Jack']);
  assert.deepEqual(select(doc, 'age.@keys'), [null]);
  assert.deepEqual(select(doc, '@valid.name'), doc.name);
  assert.equal(select(doc, '@pretty:{"sortKeys":true}|name.first'), 'Tom');
  assert.equal(select(doc, 'name|@ugly|last'), 'Anderson');
  assert.deepEqual(select(doc, 'name|@keys|@reverse'), ['last', 'first']);
});

test('@flatten (and deep), @join, @tostr/@fromstr, @group, @dig; an unknown @name is a key', () => {
  assert.deepEqual(select(doc, 'friends.#.nets|@flatten'), ['ig', 'fb', 'tw', 'fb', 'tw', 'ig', 'tw']);
  const nested = [1, [2], [3, 4], [5, [6, 7]], []];
  assert.deepEqual(select(nested, '@flatten'), [1, 2, 3, 4, 5, [6, 7]]);
  assert.deepEqual(select(nested, '@flatten:{"deep":true}'), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(select([{ first: 'Tom', age: 37 }, { age: 41 }, 5], '@join'), { first: 'Tom', age: 41 });
  assert.equal(select(doc, 'children|@tostr'), '["Sara","Alex","Jack"]');
  assert.equal(select({ s: '{"x":1}' }, 's|@fromstr|x'), 1);
  assert.equal(select({ s: 'not json' }, 's|@fromstr'), undefined);
  assert.deepEqual(select({ id: [1, 2], name: ['a', 'b'] }, '@group'), [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  assert.deepEqual(select(doc, '@dig:first'), ['Tom', 'Dale', 'Roger', 'Jane']);
  assert.equal(select({ '@foo': 1 }, '@foo'), 1);
  assert.equal(select(doc, 'friends.#.first|1'), 'Roger', 'a "|" after "#" applies to the collected array');
});

test('res.json() with modifiers inside the sandbox', async () => {
  const srv = await startServer();
  try {
    await expectPass(
      `
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const res = http.get(__ENV.B + '/json');
  check(res, {
    '@reverse': (r) => JSON.stringify(r.json('items|@reverse|#.id')) === '[2,1]',
    '@keys': (r) => JSON.stringify(r.json('a|@keys')) === '["b","d.e"]',
    '@this': (r) => r.json('@this').t === true,
  });
}`,
      { env: { B: srv.base } },
    );
  } finally {
    await srv.close();
  }
});
