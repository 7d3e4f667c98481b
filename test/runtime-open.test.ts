// open() resolves relative to the module that calls it, as in k6, and stays inside the
// script's folder or ConfigMap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from './helpers/sandbox.js';
import { expectPass, lines } from './fixtures/runtime/harness.js';

test('open() in an imported module reads beside that module; the entry reads beside itself', async () => {
  const r = await expectPass(
    `
import { users } from './lib/data.js';
const top = open('./users.json');
export default function () { console.log(users + ' | ' + top.trim()); }`,
    {
      files: {
        'lib/data.js': `export const users = open('./users.json').trim() + ' ' + open('../users.json').trim();`,
        'lib/users.json': '"lib copy"',
        'users.json': '"top copy"',
      },
    },
  );
  assert.deepEqual(lines(r), ['info "lib copy" "top copy" | "top copy"']);
});

test('open() from a nested module cannot climb out of the script folder', async () => {
  const r = await runScript(`import './lib/x.js'; export default function () {}`, {
    files: { 'lib/x.js': `open('../../secret.txt');` },
  });
  assert.equal(r.reason, 'ScriptFailed');
  assert.match(r.message, /only files inside the script's folder or ConfigMap can be opened/);
  assert.match(r.message, /lib\/x\.js:1:/);
});

test('a missing file names the path looked for, relative to the calling module', async () => {
  const r = await runScript(`import './lib/y.js'; export default function () {}`, { files: { 'lib/y.js': `open('./nope.csv');` } });
  assert.match(r.message, /no such file \(looked for lib\/nope\.csv beside the script\)/);
});
