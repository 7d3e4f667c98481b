// Inputs are capped before they are read whole: manifests, each file of a script's folder
// or ConfigMap, open(). A folder is read lazily: only what the script imports or opens.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { prepareScriptAttempts } from '../../src/attempt/script-attempt.js';
import { createRedactor } from '../../src/http/redact.js';
import { loadManifestFile } from '../../src/manifest/documents.js';
import { loadScriptSource, type ScriptSource } from '../../src/script/source.js';

const MiB = 1024 * 1024;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(files: Record<string, string | Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), 'k6p-caps-'));
  dirs.push(d);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), content);
  }
  return d;
}

async function run(source: ScriptSource) {
  const attempts = await prepareScriptAttempts({ source, env: {}, memoryLimitBytes: 64 * MiB, timeoutMs: 10_000, engine: {}, redactor: createRedactor({}) });
  try {
    return await attempts.run({ attempt: 1, deadline: Date.now() + 10_000, signal: new AbortController().signal });
  } finally {
    await attempts.close();
  }
}

const configMap = (data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checks\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;

describe('input size caps', () => {
  it('a folder source reads only the entry; large files beside it are never read', () => {
    const d = folder({ 'validate.js': 'export default function () {}', 'unused.js': '//' + 'x'.repeat(2 * MiB), 'data.bin': Buffer.alloc(20 * MiB) });
    const src = loadScriptSource(d);
    assert.deepEqual([...src.files.keys()], ['validate.js']);
  });

  it('a folder script that opens or imports a file over 1 MiB fails naming the file and the limit', async () => {
    const d = folder({
      'validate.js': `const big = open('data/big.json'); export default function () {}`,
      'imports.js': `import { x } from './big.js'; export default function () {}`,
      'big.js': `export const x = '${'x'.repeat(MiB)}';`,
      'data/big.json': JSON.stringify({ x: 'y'.repeat(MiB) }),
      'small.js': `const s = open('data/small.txt'); export default function () { if (s !== 'ok') throw new Error(s); }`,
      'data/small.txt': 'ok',
    });
    const opened = await run(loadScriptSource(d));
    assert.equal(opened.reason, 'ScriptFailed');
    assert.match(opened.message, /open\("data\/big\.json"\): data\/big\.json: \d+ bytes is over the 1 MiB limit/);
    await assert.rejects(prepareScriptAttempts({ source: loadScriptSource(d, 'imports.js'), env: {}, memoryLimitBytes: 64 * MiB, timeoutMs: 1000, engine: {}, redactor: createRedactor({}) }), /big\.js: \d+ bytes is over the 1 MiB limit/);
    assert.equal((await run(loadScriptSource(d, 'small.js'))).outcome, 'passed');
  });

  it('open() beside a single-file script is capped the same way', async () => {
    const d = folder({ 'validate.js': `open('big.txt'); export default function () {}`, 'big.txt': Buffer.alloc(2 * MiB, 'z') });
    const r = await run(loadScriptSource(join(d, 'validate.js')));
    assert.equal(r.reason, 'ScriptFailed');
    assert.match(r.message, /open\("big\.txt"\): big\.txt: 2097152 bytes is over the 1 MiB limit/);
  });

  it('a script file over 1 MiB is refused from its size', () => {
    const d = folder({ 'validate.js': '//' + 'x'.repeat(MiB) });
    assert.throws(() => loadScriptSource(join(d, 'validate.js')), /validate\.js: \d+ bytes is over the 1 MiB limit/);
  });

  it('a manifest over 4 MiB is refused naming the file; a stream is cut at the limit', () => {
    const d = folder({ 'big.yaml': configMap({ 'validate.js': 'x'.repeat(5 * MiB) }) });
    assert.throws(() => loadScriptSource(join(d, 'big.yaml')), (e: Error) => /big\.yaml: \d+ bytes, over the 4 MiB limit for a manifest file/.test(e.message));
    // An endless input (a device) is never read whole.
    symlinkSync('/dev/zero', join(d, 'endless.yaml'));
    assert.throws(() => loadManifestFile(join(d, 'endless.yaml')), /endless\.yaml: more than 4 MiB, the limit for a manifest file/);
  });

  it('a ConfigMap key over 1 MiB in a manifest is refused naming the key', () => {
    const d = folder({ 'cm.yaml': configMap({ 'validate.js': 'export default function () {}', 'big.txt': 'x'.repeat(MiB + 10) }) });
    assert.throws(() => loadScriptSource(join(d, 'cm.yaml')), /big\.txt: \d+ bytes is over the 1 MiB limit/);
  });

  it('deeply nested YAML and JSON are errors naming the file, without the parser\'s message', () => {
    const d = folder({
      'deep.yaml': `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
      'deep.json': `{"a": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
      'nested.yaml': 'a:\n' + Array.from({ length: 80 }, (_, i) => ' '.repeat(i + 1) + 'b:').join('\n') + '\n',
    });
    for (const f of ['deep.yaml', 'deep.json', 'nested.yaml']) {
      assert.throws(
        () => loadManifestFile(join(d, f)),
        (e: Error) => e.message.startsWith(join(d, f)) && /nested too deeply \(more than 64 levels/.test(e.message) && !/call stack/i.test(e.message),
        f,
      );
    }
  });
});
