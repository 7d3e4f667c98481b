// Class of attack: the paths the gate writes (--status-file, --termination-log) point at
// something other than a plain file: a symlink (a sidecar reads the real file), a FIFO or a
// device node (must never be replaced or blocked on), or a folder littered with temp files
// from an earlier run that was killed mid-write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptResult } from '../../src/attempt/types.js';
import { statusForSingleAttempt } from '../../src/status/machine.js';
import { createStatusFileWriter, writeStatusFile } from '../../src/report/status-file.js';
import { writeTerminationLog } from '../../src/report/termination-log.js';

const doc = statusForSingleAttempt({
  number: 1, outcome: 'passed', message: 'ok', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 3, checks: [], requests: [], console: [],
} as AttemptResult);
const tmp = () => mkdtempSync(join(tmpdir(), 'k6p-sec-status-'));

test('a status file path that is a symlink updates the file it points to and keeps the link', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'real'));
  const real = join(dir, 'real', 'status.json');
  writeFileSync(real, 'old');
  const link = join(dir, 'status.json');
  symlinkSync(real, link);
  writeStatusFile(link, doc);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link was replaced by a regular file');
  assert.equal(readlinkSync(link), real);
  assert.equal(JSON.parse(readFileSync(real, 'utf8')).phase, 'Succeeded');
  // The temp file was made beside the target (same filesystem, so the rename is atomic), and removed.
  assert.deepEqual(readdirSync(join(dir, 'real')), ['status.json']);
  assert.deepEqual(readdirSync(dir).sort(), ['real', 'status.json']);
});

test('a dangling symlink creates its target; a chain of links is followed to the end', () => {
  const dir = tmp();
  const real = join(dir, 'target.json');
  symlinkSync(real, join(dir, 'a'));
  symlinkSync(join(dir, 'a'), join(dir, 'b'));
  writeStatusFile(join(dir, 'b'), doc);
  assert.equal(JSON.parse(readFileSync(real, 'utf8')).phase, 'Succeeded');
  assert.ok(lstatSync(join(dir, 'a')).isSymbolicLink() && lstatSync(join(dir, 'b')).isSymbolicLink());
});

test('a FIFO, a directory or a device node is refused with a notice and left as it was', () => {
  const dir = tmp();
  const fifo = join(dir, 'status.fifo');
  execFileSync('mkfifo', [fifo]);
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  const viaLink = join(dir, 'to-null');
  symlinkSync('/dev/null', viaLink);
  for (const [path, kind] of [[fifo, /FIFO/], [folder, /directory/], [viaLink, /character device.*\/dev\/null/]] as const) {
    const errors: Error[] = [];
    const w = createStatusFileWriter(path, (e) => errors.push(e));
    w.write(doc);
    assert.equal(errors.length, 1, `${path}: no notice`);
    assert.match(errors[0]!.message, /refusing to write/);
    assert.match(errors[0]!.message, kind);
    assert.ok(writeTerminationLog(path, doc) instanceof Error, `${path}: the termination log was written`);
  }
  assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO was replaced');
  assert.ok(lstatSync(folder).isDirectory());
  assert.ok(lstatSync(viaLink).isSymbolicLink(), 'the link to /dev/null was replaced');
  assert.ok(lstatSync('/dev/null').isCharacterDevice());
  assert.deepEqual(readdirSync(dir).sort(), ['folder', 'status.fifo', 'to-null'], 'temp files left behind');
});

test('temp files of an earlier killed run are removed; another live writer\'s fresh one is kept', () => {
  const dir = tmp();
  const p = join(dir, 'status.json');
  // A killed run: our own pid (ids are reused in containers) and a pid that no longer exists.
  const ours = `.status.json.${process.pid}.1.tmp`;
  const dead = '.status.json.2147483646.7.tmp';
  // A live process (pid 1 always exists) that wrote just now, and one that wrote long ago.
  const liveFresh = '.status.json.1.3.tmp';
  const liveOld = '.status.json.1.4.tmp';
  const unrelated = '.other.json.2147483646.1.tmp';
  for (const n of [ours, dead, liveFresh, liveOld, unrelated]) writeFileSync(join(dir, n), '{"half":');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(join(dir, liveOld), old, old);
  const w = createStatusFileWriter(p);
  w.write(doc);
  assert.deepEqual(readdirSync(dir).sort(), [liveFresh, unrelated, 'status.json'].sort());
  // The termination log cleans up after itself the same way.
  const t = join(dir, 'term');
  writeFileSync(join(dir, `.term.${process.pid}.9.tmp`), 'x');
  assert.equal(writeTerminationLog(t, doc), undefined);
  assert.ok(!readdirSync(dir).some((n) => n.startsWith('.term.')));
  assert.equal(JSON.parse(readFileSync(t, 'utf8')).phase, 'Succeeded');
});

test('the termination log through a symlink writes the target and keeps the link', () => {
  const dir = tmp();
  const real = join(dir, 'real-termination-log');
  writeFileSync(real, '');
  const link = join(dir, 'termination-log');
  symlinkSync(real, link);
  assert.equal(writeTerminationLog(link, doc), undefined);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(JSON.parse(readFileSync(real, 'utf8')).phase, 'Succeeded');
});

/** True when this process may make a mount namespace (root in a container, CI runner). */
function canUnshareMounts(): boolean {
  try {
    execFileSync('unshare', ['-m', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a termination log that is a bind mount (as the kubelet makes it) is written in place', { skip: canUnshareMounts() ? false : 'cannot create a mount namespace here' }, () => {
  const dir = tmp();
  const hostSide = join(dir, 'kubelet-termination-log');
  const inPod = join(dir, 'termination-log');
  writeFileSync(hostSide, '');
  writeFileSync(inPod, '');
  const doc64 = Buffer.from(JSON.stringify(doc)).toString('base64');
  const code = `import('${join(process.cwd(), 'src/report/termination-log.ts')}').then((m) => {
    const err = m.writeTerminationLog(${JSON.stringify(inPod)}, JSON.parse(Buffer.from('${doc64}', 'base64').toString()));
    if (err) { console.error(err.message); process.exit(3); }
  })`;
  // A private mount namespace: the bind mount is gone when the child exits, nothing leaks out.
  execFileSync('unshare', ['-m', 'sh', '-c', `mount --bind "$1" "$2" && exec "$3" --import tsx -e "$4"`, 'sh', hostSide, inPod, process.execPath, code], { stdio: ['ignore', 'ignore', 'pipe'] });
  // The rename onto the mount point fails (EBUSY); the file the kubelet reads got the verdict.
  assert.equal(JSON.parse(readFileSync(hostSide, 'utf8')).phase, 'Succeeded');
  assert.deepEqual(readdirSync(dir).sort(), ['kubelet-termination-log', 'termination-log']);
});
