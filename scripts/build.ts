// Builds what the package ships:
// - the sandbox worker (src/sandbox/worker-entry.ts): QuickJS with its WASM (compressed), the
//   guest runtime (minified) and the bridge — no CLI, no undici. It is not a file: it is
//   embedded compressed in each of the following, and the worker evaluates it.
// - dist/k6-preflight.cjs: the CLI, one CommonJS file with every dependency inside,
//   runnable with plain `node` from an empty folder.
// - dist/index.cjs + dist/index.mjs: the library API (src/index.ts); dependencies stay
//   external (they are the package's dependencies).
// - dist/types/: declarations of the library API (`--types`; `prepare` and `npm run
//   build:types` ask for them; plain `npm run build` skips them to stay fast).
// TypeScript in user scripts is stripped at run time by sucrase (plain JavaScript, embedded
// compressed in the CLI and evaluated on first use; the library loads it from node_modules);
// esbuild is a build tool only.
import { build, transformSync, type BuildOptions, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { readGuestSources } from '../src/sandbox/guest-sources.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const withTypes = process.argv.includes('--types');

// The guest runtime is read with the same code the source runs use.
const guest = readGuestSources(join(root, 'runtime'));
const wasm = readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'));
const variantDir = dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync'));
const undiciDir = dirname(require.resolve('undici/package.json'));

/**
 * src/http uses undici's `Client` only. undici's index also loads fetch, WebSocket,
 * EventSource, caches, mocks and interceptors (~40% of the bundle); this entry loads the
 * client and the dispatcher API methods and nothing else.
 */
const undiciClientOnly: Plugin = {
  name: 'undici-client-only',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'k6p-undici' }));
    b.onLoad({ filter: /.*/, namespace: 'k6p-undici' }, () => ({
      resolveDir: undiciDir,
      loader: 'js',
      contents: [
        "const Dispatcher = require('./lib/dispatcher/dispatcher');",
        "Object.assign(Dispatcher.prototype, require('./lib/api'));",
        "module.exports.Dispatcher = Dispatcher;",
        "module.exports.Client = require('./lib/dispatcher/client');",
        "module.exports.errors = require('./lib/core/errors');",
      ].join('\n'),
    }));
  },
};

/**
 * undici carries llhttp twice: with WebAssembly SIMD and without (70 KiB each). Every
 * platform a runner image uses (x64, arm64) has SIMD; the fallback is left out and fails
 * with a clear message (ppc64 on Node < 24, or UNDICI_NO_WASM_SIMD=1).
 */
const llhttpSimdOnly: Plugin = {
  name: 'llhttp-simd-only',
  setup(b) {
    b.onResolve({ filter: /llhttp[\\/]llhttp-wasm\.js$/ }, () => ({ path: 'llhttp-wasm', namespace: 'k6p-llhttp' }));
    b.onLoad({ filter: /.*/, namespace: 'k6p-llhttp' }, () => ({
      loader: 'js',
      contents:
        "throw new Error('k6-preflight: this bundle includes llhttp for WebAssembly SIMD only and this platform has none; install the npm package instead (npm install k6-preflight)');",
    }));
  },
};

/** The embedded examples (the demo's script), read at build time. Only `demo`'s own script
 *  (src/cli/commands/demo.ts DEMO_SCRIPT) is read from here; the others would be dead bytes. */
function examples(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['health.js']) {
    const p = join(root, 'examples', 'validate', name);
    if (existsSync(p)) out[name] = readFileSync(p, 'utf8');
  }
  return out;
}

/**
 * Everything embedded compressed is brotli (quality 11), base64: node:zlib decompresses it
 * as fast as gzip, and it is ~15% smaller than gzip -9 on these files (the worker's code:
 * 476 KiB against 590 KiB before base64).
 */
function packed(data: string | Uint8Array): string {
  const bytes = Buffer.from(data);
  const params = { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length };
  return brotliCompressSync(bytes, { params }).toString('base64');
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
} as const;

/** A minified CommonJS bundle, not written: packed for embedding. */
async function packedBundle(options: BuildOptions): Promise<string> {
  const out = await build({ ...common, ...options, write: false, format: 'cjs', minify: true });
  return packed(out.outputFiles[0]!.text);
}

const started = Date.now();

// The guest runtime is parsed afresh by QuickJS in every attempt: minified, it parses faster.
const guestMin = {
  ...guest,
  modules: Object.fromEntries(
    Object.entries(guest.modules).map(([name, code]) => [name, transformSync(code, { minify: true, format: 'esm', target: 'es2022' }).code]),
  ),
};
// Embedded as a JSON string, parsed on first use: esbuild hoists an object-valued define into
// a lazily initialised variable that a module outside its lazy wrappers never initialises
// (the worker then looked for runtime/ on disk and failed from an empty folder).
const guestDefine = JSON.stringify(JSON.stringify(guestMin));
// The main thread only needs the module names (the worker bundle carries the sources).
const guestNamesDefine = JSON.stringify(JSON.stringify({ ...guestMin, modules: {} }));
// Embedded compressed: the worker decompresses it itself (src/sandbox/worker-source.ts), off
// the main thread, so the bundle carries under half the bytes (the WASM inside is compressed
// already) for a few ms of worker boot.
const workerCodeBrB64 = await packedBundle({
  entryPoints: [join(root, 'src', 'sandbox', 'worker-entry.ts')],
  // The variant's ESM build calls createRequire(import.meta.url), which a CJS bundle lacks.
  alias: { '@jitl/quickjs-wasmfile-release-sync/emscripten-module': join(variantDir, 'emscripten-module.cjs') },
  supported: { 'dynamic-import': false },
  define: {
    // The worker reads the version too (user agent, exec info): from here, not package.json.
    __K6P_VERSION__: JSON.stringify(pkg.version),
    __K6P_GUEST_SOURCES__: guestDefine,
    __K6P_QUICKJS_WASM_BR_B64__: JSON.stringify(packed(wasm)),
  },
});

// Rarely used host libraries, likewise minified and compressed into the CLI and loaded on first
// use (src/lazy-chunk.ts): protobufjs for gRPC, ws for WebSockets, acorn, yaml. Each chunk exports its
// modules by the import name the sources use.
const lazyChunks: Record<string, string[]> = {
  grpc: ['protobufjs', 'protobufjs/ext/descriptor.js', 'protobufjs/ext/protojson.js'],
  ws: ['ws'],
  // acorn marks throw sites in every compile: decompressing it costs ~1 ms a run, for ~80 KiB.
  acorn: ['acorn'],
  // yaml reads TestRun manifests and preflight.yaml; a plain `run` of a script never needs it.
  yaml: ['yaml'],
  // sucrase strips TypeScript: only a .ts script loads it (src/script/compile.ts).
  sucrase: ['sucrase'],
};
// The WebSocket client only: ws's index also loads its server and stream helpers.
const wsClientOnly = { ws: join(dirname(require.resolve('ws/package.json')), 'lib', 'websocket.js') };
const chunksBrB64: Record<string, string> = {};
for (const [chunk, names] of Object.entries(lazyChunks)) {
  chunksBrB64[chunk] = await packedBundle({
    stdin: { contents: `module.exports = {${names.map((n) => `${JSON.stringify(n)}: require(${JSON.stringify(n)})`).join(', ')}};`, resolveDir: root, loader: 'js' },
    alias: wsClientOnly,
  });
}
/** Functions the sources import by name (`import { parse } from 'acorn'`). */
const namedImports: Record<string, string[]> = { acorn: ['parse'], yaml: ['LineCounter', 'parseAllDocuments', 'parse', 'YAMLParseError'] };
// A name imported but missing above would read as undefined: the build stops instead.
// (Read from the folder, not git: images build from a copy without git.)
for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join('src', f))) {
  for (const m of readFileSync(join(root, file), 'utf8').matchAll(/^import (?!type )([^'"]*?)\{([^}]*)\} from '([^']+)'/gm)) {
    const listed = namedImports[m[3]!];
    if (!lazyChunks[m[3]!] && !listed) continue;
    for (const name of m[2]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!).filter((n) => n && !n.startsWith('type '))) {
      if (!listed?.includes(name)) throw new Error(`scripts/build.ts: ${file} imports { ${name} } from '${m[3]}': add it to namedImports`);
    }
  }
}
/** In the CLI, the chunked libraries' imports get src/lazy-chunk.ts's stand-ins. */
const lazyChunkImports: Plugin = {
  name: 'lazy-chunk-imports',
  setup(b) {
    const chunkOf = new Map(Object.entries(lazyChunks).flatMap(([chunk, names]) => names.map((n) => [n, chunk] as const)));
    b.onResolve({ filter: /^(protobufjs|ws|acorn|yaml)(\/|$)/ }, (a) => {
      if (!chunkOf.has(a.path)) return undefined;
      return { path: a.path, namespace: 'k6p-lazy' };
    });
    b.onLoad({ filter: /.*/, namespace: 'k6p-lazy' }, (a) => ({
      resolveDir: root,
      loader: 'js',
      contents: [
        `const lazy = require(${JSON.stringify(join(root, 'src', 'lazy-chunk.ts'))}).lazyModule(${JSON.stringify(chunkOf.get(a.path))}, ${JSON.stringify(a.path)});`,
        // Named imports read the interop copy's own keys, which a stand-in cannot list
        // before loading: those modules get an object of getters that load on first read.
        namedImports[a.path]
          ? namedImports[a.path]!.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => lazy[${JSON.stringify(n)}] });`).join('\n')
          : 'module.exports = lazy;',
      ].join('\n'),
    }));
  },
};

// What the CLI and the library share: both run the main thread and start the embedded worker.
const mainThreadDefine = {
  __K6P_VERSION__: JSON.stringify(pkg.version),
  __K6P_GUEST_SOURCES__: guestNamesDefine,
  __K6P_WORKER_CODE_BR_B64__: JSON.stringify(workerCodeBrB64),
  __K6P_EXAMPLES__: JSON.stringify(examples()),
};

// CommonJS bundles define import.meta.url (read by ESM dependencies and sources) as this.
const cjsImportMetaUrl = 'var __k6pImportMetaUrl=require("node:url").pathToFileURL(__filename).href;';
const cli = join(dist, 'k6-preflight.cjs');
const builds: Promise<unknown>[] = [
  build({
    ...common,
    entryPoints: [join(root, 'src', 'cli', 'entry.ts')],
    outfile: cli,
    format: 'cjs',
    minify: true,
    keepNames: false,
    // import() of a builtin becomes require(): a single executable's main script has no
    // dynamic import (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
    supported: { 'dynamic-import': false },
    plugins: [undiciClientOnly, llhttpSimdOnly, lazyChunkImports],
    metafile: !!process.env.K6P_META,
    // Dependencies shipped as ESM (yargs) read import.meta.url at load time: give them this file's URL.
    banner: { js: cjsImportMetaUrl },
    define: {
      'import.meta.url': '__k6pImportMetaUrl',
      ...mainThreadDefine,
      __K6P_CHUNKS_BR_B64__: JSON.stringify(chunksBrB64),
    },
  }),
];

// The library: the same sources, dependencies left to node_modules. Its sandbox worker
// runs dist/k6-preflight.cjs (self-contained), found next to the library file.
const libEntry = join(root, 'src', 'index.ts');
if (existsSync(libEntry)) {
  for (const format of ['esm', 'cjs'] as const) {
    builds.push(
      build({
        ...common,
        entryPoints: [libEntry],
        outfile: join(dist, format === 'esm' ? 'index.mjs' : 'index.cjs'),
        format,
        packages: 'external',
        define: {
          ...mainThreadDefine,
          ...(format === 'cjs'
            ? { 'import.meta.url': '__k6pImportMetaUrl' }
            : {}),
        },
        banner: {
          js:
            format === 'cjs'
              ? cjsImportMetaUrl
              : 'import{createRequire as __k6pCreateRequire}from"node:module";const require=__k6pCreateRequire(import.meta.url);',
        },
      }),
    );
  }
}
const results = await Promise.all(builds);
// K6P_META=file.json writes the CLI bundle's esbuild metafile (what takes the bytes).
if (process.env.K6P_META) writeFileSync(process.env.K6P_META, JSON.stringify((results[0] as { metafile?: unknown }).metafile));
const kib = (statSync(cli).size / 1024).toFixed(0);
console.log(`built dist/k6-preflight.cjs (${kib} KiB)${existsSync(libEntry) ? ', dist/index.{mjs,cjs}' : ''} in ${Date.now() - started} ms`);

if (withTypes && existsSync(libEntry)) {
  const t = Date.now();
  rmSync(join(dist, 'types'), { recursive: true, force: true });
  const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const tsc = spawnSync(process.execPath, [tscBin, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  console.log(`built dist/types in ${Date.now() - t} ms`);
}
