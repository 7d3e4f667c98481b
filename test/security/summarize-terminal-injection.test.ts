// Attack class: a pod's author controls its termination message and status text, and
// `summarize` prints them on an operator's terminal. Escape sequences, bidirectional
// overrides and oversized text must not reach the screen as they are; an oversized input
// is refused before it is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, folder } from '../helpers/cli.js';
import { readPods } from '../../src/summarize/runners.js';
import { summarize, summaryText } from '../../src/summarize/summary.js';
import { MAX_INPUT_BYTES } from '../../src/summarize/input.js';

const hostilePod = (message: string, name = 'api-1-aaaaa') => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'load', labels: { runner: 'true', k6_cr: 'api' } },
  spec: { nodeName: 'node-\u001b[31mred', initContainers: [{ name: 'preflight', image: 'k6-preflight' }] },
  status: { phase: 'Failed', podIP: '10.0.0.1', initContainerStatuses: [{ name: 'preflight', state: { terminated: { exitCode: 1, message } } }] },
});

test('escape sequences and bidi overrides in a verdict are neutralised in the text output', () => {
  const msg = JSON.stringify({ phase: 'DeadlineExceeded', reason: 'ConnectTimeout', message: 'ok\u001b]0;pwned\u0007\u001b[2J\u202egnp.exe\nline2', attempts: 1, egressIp: '1.2.3.4\u001b[0m' });
  const { runners } = readPods([hostilePod(msg)], {});
  const text = summaryText(summarize(runners));
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no control characters but the line breaks the summary makes');
  assert.match(text, /ok\ufffd\]0;pwned\ufffd\ufffd\[2J\ufffdgnp\.exe line2/);
  assert.match(text, /node node-\ufffd\[31mred/);
});

test('a termination message that is not JSON is quoted cleaned, and a huge one is not parsed', () => {
  const { runners } = readPods([hostilePod('\u001b[2Jboom'), hostilePod('x'.repeat(100_000), 'api-2-bbbbb')], {});
  assert.equal(runners[0]!.state, 'unreadable');
  assert.doesNotMatch(runners[0]!.message, /\u001b/);
  assert.equal(runners[1]!.state, 'unreadable');
  assert.match(runners[1]!.message, /100000 characters, more than a verdict holds/);
  assert.ok(Buffer.byteLength(summaryText(summarize(runners))) < 4096);
});

test('an input over the size limit is refused before it is read (exit 2)', () => {
  const dir = folder({});
  try {
    const big = join(dir, 'pods.json');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_INPUT_BYTES + 1); // sparse: no disk used
    closeSync(fd);
    const r = spawnSync(process.execPath, [BIN, 'summarize', big], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /more than the 64 MiB summarize reads/);
    writeFileSync(big, '[' .repeat(200_000));
    const deep = spawnSync(process.execPath, [BIN, 'summarize', big], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(deep.status, 2, deep.stderr);
    assert.match(deep.stderr, /not JSON or YAML/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a named pipe (<(kubectl …)) is capped as it streams, not read without end (exit 2)', () => {
  const dir = folder({});
  try {
    const fifo = join(dir, 'pods.fifo');
    spawnSync('mkfifo', [fifo]);
    // A writer that would send far more than the cap: the reader must stop at it.
    const r = spawnSync('sh', ['-c', `head -c ${MAX_INPUT_BYTES + 4096} /dev/zero > "$1" & "$2" "$3" summarize "$1"; s=$?; kill $! 2>/dev/null; exit $s`, 'sh', fifo, process.execPath, BIN], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /pods\.fifo: more than the 64 MiB summarize reads/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
