// Builds dist/k6-preflight: a single executable (Node's SEA) that runs without Node or
// node_modules on the machine. Steps: the CLI bundle (npm run build; it embeds the sandbox
// worker's code, see src/sandbox/worker-source.ts) → a SEA blob with the bundle as main
// script → a copy of this node binary with the blob injected.
//
//   node --import tsx scripts/build-sea.ts [--code-cache] [--skip-bundle] [--out PATH]
//
// V8's code cache (--code-cache) was measured not to help: `--version` 219 vs 227 ms and a
// one-request `run` 859 vs 853 ms (medians of 7, 2 cores): the main script is parsed lazily
// and the sandbox worker evaluates the embedded source, which the cache does not cover.
//
// Node ≥ 20.12 on Linux (macOS also needs `codesign`; not handled here).
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
const bundle = join(dist, 'k6-preflight.cjs');
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]!) : join(dist, 'k6-preflight');
const work = mkdtempSync(join(tmpdir(), 'k6p-sea-'));
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const codeCache = process.argv.includes('--code-cache');

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
  if (r.status !== 0) {
    console.error(`build-sea: ${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
}

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
if (major < 20 || (major === 20 && minor < 12)) {
  console.error(`build-sea: Node ${process.versions.node} cannot build a single executable with assets (needs ≥ 20.12)`);
  process.exit(1);
}

const started = Date.now();
if (!process.argv.includes('--skip-bundle') || !existsSync(bundle)) run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build.ts')]);

mkdirSync(dirname(out), { recursive: true });
const blob = join(work, 'sea-prep.blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify(
    {
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: codeCache,
      useSnapshot: false,
    },
    null,
    2,
  ),
);
run(process.execPath, ['--experimental-sea-config', config]);

rmSync(out, { force: true });
copyFileSync(process.execPath, out);
chmodSync(out, 0o755);
run(process.execPath, [require.resolve('postject/dist/cli.js'), out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE]);
rmSync(work, { recursive: true, force: true });

const mib = (statSync(out).size / 1024 / 1024).toFixed(1);
console.log(`built ${out} (${mib} MiB, code cache ${codeCache ? 'on' : 'off'}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
