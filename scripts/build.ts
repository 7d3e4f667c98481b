// Builds dist/k6-preflight.cjs: one CommonJS file with the QuickJS WASM, the guest
// runtime and every dependency inside, runnable with plain `node` from an empty folder.
// esbuild stays external: it is only needed to strip TypeScript from user scripts.
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGuestSources } from '../src/sandbox/guest-sources.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist', 'k6-preflight.cjs');

// The guest runtime is read with the same code the source runs use.
const guest = readGuestSources(join(root, 'runtime'));
const wasm = readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
const variantDir = dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync'));

const started = Date.now();
await build({
  entryPoints: [join(root, 'src', 'cli', 'entry.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  keepNames: false,
  legalComments: 'none',
  external: ['esbuild'],
  // The variant's ESM build calls createRequire(import.meta.url), which a CJS bundle lacks.
  alias: { '@jitl/quickjs-wasmfile-release-sync/emscripten-module': join(variantDir, 'emscripten-module.cjs') },
  define: {
    __K6P_BUNDLED__: 'true',
    __K6P_VERSION__: JSON.stringify(pkg.version),
    __K6P_GUEST_SOURCES__: JSON.stringify(guest),
    __K6P_QUICKJS_WASM_B64__: JSON.stringify(wasm.toString('base64')),
  },
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
});
const kib = (statSync(out).size / 1024).toFixed(0);
console.log(`built ${out.slice(root.length + 1)} (${kib} KiB) in ${Date.now() - started} ms`);
