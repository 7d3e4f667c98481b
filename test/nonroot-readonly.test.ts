// The gate works under the settings the examples give it: a non-root user (nobody), no
// HOME, a read-only root file system, and only /tmp (a fresh tmpfs) and the termination
// log writable — as in a pod with runAsNonRoot, readOnlyRootFilesystem, a /tmp emptyDir and
// the kubelet's bind-mounted termination log. The test builds that with a private mount
// namespace (`unshare -m`: every mount re-mounted read-only, a tmpfs on /tmp, the
// termination log bind-mounted writable) and `setpriv` to drop to nobody. It needs root,
// as CI has; elsewhere it is skipped with the reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopback, type Loopback } from './helpers/cli.js';
import { BUNDLE, ensureBuilt } from './helpers/embed.js';

const NOBODY = 65534;

function whyNot(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux mount namespaces';
  if (process.getuid?.() !== 0) return 'needs root to build the read-only mount namespace (CI runs as root)';
  for (const tool of ['unshare', 'setpriv', 'mount']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool} (util-linux)`;
  }
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --make-rprivate / && mount -t tmpfs tmpfs /tmp'], { encoding: 'utf8' });
  if (probe.status !== 0) return `cannot create a mount namespace here: ${probe.stderr.trim()}`;
  return undefined;
}
const skip = whyNot();

// Everything the gate reads lives outside /tmp (the namespace replaces /tmp with an empty tmpfs).
let work: string;
let scripts: string;
let term: string;
let bundle: string;
let target: Loopback;

/** Runs `args` of the CLI as nobody inside the read-only namespace; prints /tmp's status file after. */
function gate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; probe: string; statusFile: string }> {
  const script = `
set -e
mount --make-rprivate /
for m in $(awk '{print $5}' /proc/self/mountinfo | sort -u); do
  case "$m" in /proc|/proc/*|/sys|/sys/*) continue;; esac
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
mount -t tmpfs -o mode=1777,size=64m tmpfs /tmp
mount --bind "$TERM_LOG" "$TERM_LOG"
mount -o remount,bind,rw "$TERM_LOG"
set +e
run() { setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups env -i PATH=/usr/local/bin:/usr/bin:/bin KUBERNETES_SERVICE_HOST=10.96.0.1 "$@"; }
# What this process may write: only /tmp and the termination log.
run sh -c 'for p in / "$0" "$1" /var/tmp /dev/shm; do if (: > "$p/.k6p-probe") 2>/dev/null; then echo "writable $p"; rm -f "$p/.k6p-probe"; fi; done; (: > /tmp/.p) && echo "writable /tmp"; (: >> "$2") && echo "writable termlog"; echo "uid $(id -u) home [$HOME]"' "$WORK" "$BUNDLE_DIR" "$TERM_LOG" >&2
run "$NODE" "$BUNDLE" "$@"
code=$?
echo "--status-file--"
cat /tmp/status.json 2>/dev/null
exit $code
`;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE: process.execPath, BUNDLE: bundle, BUNDLE_DIR: work, WORK: work, TERM_LOG: term },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const [stdout, statusFile = ''] = out.split('--status-file--\n');
      const probe = err.split('\n').filter((l) => /^(writable|uid) /.test(l)).join('\n');
      resolve({ code, stdout: stdout!, stderr: err, probe, statusFile });
    });
  });
}

describe('the gate as nobody on a read-only root, /tmp and the termination log writable', { skip }, () => {
  before(async () => {
    ensureBuilt();
    mkdirSync('/var/tmp', { recursive: true });
    work = mkdtempSync('/var/tmp/k6p-ro-');
    chmodSync(work, 0o755);
    // The bundle alone, as a runner image holds it: the checkout may itself live under /tmp,
    // which the namespace hides behind a fresh tmpfs.
    bundle = join(work, 'k6-preflight.cjs');
    copyFileSync(BUNDLE, bundle);
    chmodSync(bundle, 0o644);
    // The script ConfigMap as the kubelet mounts it (..data links), read-only to the gate.
    scripts = join(work, 'test');
    const stamp = '..2026_01_02_15_04_05.000000001';
    mkdirSync(join(scripts, stamp), { recursive: true, mode: 0o755 });
    const files: Record<string, string> = {
      'validate.ts': "import http from 'k6/http';\nimport { check } from 'k6';\nimport { ok } from './checks.js';\nexport default function (): void { check(http.get(`${__ENV.TARGET}/health`), ok); }\n",
      'checks.js': "export const ok = { 'status is 200': (r) => r.status === 200 };\n",
      'preflight.yaml': 'validationScript:\n  configMap: {name: api, file: validate.ts}\npolling:\n  interval: 200ms\n  maxDuration: 2s\n',
    };
    for (const [k, v] of Object.entries(files)) writeFileSync(join(scripts, stamp, k), v, { mode: 0o644 });
    symlinkSync(stamp, join(scripts, '..data'));
    for (const k of Object.keys(files)) symlinkSync(join('..data', k), join(scripts, k));
    chmodSync(scripts, 0o755);
    // The kubelet creates the termination log for the container's user.
    term = join(work, 'termination-log');
    writeFileSync(term, '');
    chownSync(term, NOBODY, NOBODY);
    target = await loopback((n, _req, res) => {
      res.statusCode = n <= 1 ? 503 : 200;
      res.end('ok');
    });
  });
  after(async () => {
    await target?.close();
    if (work && existsSync(work)) rmSync(work, { recursive: true, force: true });
  });

  test('polls a TypeScript script to a pass; writes only /tmp and the termination log', async () => {
    const r = await gate(['poll', scripts, '-e', `TARGET=${target.url}`, '--jitter', '0', '--termination-log', term, '--status-file', '/tmp/status.json', '-o', 'json']);
    // the environment is what the test claims
    assert.match(r.probe, /^uid 65534 home \[\]$/m);
    assert.deepEqual(r.probe.split('\n').filter((l) => l.startsWith('writable')).sort(), ['writable /tmp', 'writable termlog']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /EROFS|EACCES|read-only file system|permission denied/i);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(last.status.phase, 'Succeeded');
    assert.equal(last.status.attempts, 2);
    const verdict = JSON.parse(readFileSync(term, 'utf8'));
    assert.equal(verdict.phase, 'Succeeded');
    assert.equal(JSON.parse(r.statusFile).phase, 'Succeeded', 'the status file in /tmp');
    assert.equal(readFileSync(join(scripts, 'validate.ts'), 'utf8').includes('check('), true);
  });

  test('at the deadline: exit 1 with the verdict in the termination log', async () => {
    writeFileSync(term, '');
    const gone = await loopback(() => {});
    const url = gone.url;
    await gone.close();
    const r = await gate(['poll', scripts, '-e', `TARGET=${url}`, '--max-duration', '1s', '--termination-log', term]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /EROFS|EACCES/);
    const verdict = JSON.parse(readFileSync(term, 'utf8'));
    assert.equal(verdict.phase, 'DeadlineExceeded');
    assert.equal(verdict.reason, 'ConnectionRefused');
  });
});
