// `npm run bench [-- --quick]`: where k6-preflight stands against plain Node and the tools
// users would otherwise run. Each figure is measured side by side with its baseline in the
// same run (medians of repeated runs; loopback target server in a separate process), and
// the table is printed and saved to .bench/last.md. Never an assertion: goals are reported.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareScriptAttempts } from '../src/attempt/script-attempt.js';
import { createRedactor } from '../src/http/redact.js';
import { planFromInput } from '../src/plan/plan.js';
import { runValidation } from '../src/poll/driver.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
/** `--protocols`: only the gRPC and WebSocket figures. */
const protocolsOnly = process.argv.includes('--protocols');
const bundle = join(root, 'dist', 'k6-preflight.cjs');
const sea = join(root, 'dist', 'k6-preflight');
const work = mkdtempSync(join(tmpdir(), 'k6p-bench-'));
const REPS = quick ? 5 : 15;
const LOOP = 2000;

// --- small utilities ----------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + ' ms';
const mb = (kb: number) => (kb / 1024).toFixed(1) + ' MB';
const progress = (s: string) => process.stderr.write(`bench: ${s}\n`);

function which(cmd: string): string | undefined {
  for (const d of [join(root, 'node_modules', '.bin'), ...(process.env.PATH ?? '').split(delimiter)]) {
    const p = join(d, cmd);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

/** Wall time of one process run, and its output. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const c = spawn(cmd, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const kill = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.on('error', reject);
    c.on('close', (code) => {
      clearTimeout(kill);
      resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code, stdout, stderr });
    });
  });
}

/** Median wall time over REPS runs, interleaving the commands so load drifts hit all alike. */
async function wallTimes(cmds: Record<string, [string, string[]]>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  for (const [k, [c, a]] of Object.entries(cmds)) {
    const r = await timed(c, a); // warm the file cache; also a correctness check
    if (r.code !== 0) throw new Error(`${k}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  }
  for (let i = 0; i < REPS; i++) for (const [k, [c, a]] of Object.entries(cmds)) times[k]!.push((await timed(c, a)).ms);
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

// --- the target: a separate process so its CPU is not ours ----------------------------------

async function startTarget(): Promise<{ url: string; child: ChildProcess }> {
  const code = `
    const http = require('node:http');
    const body = JSON.stringify({ status: 'ok' });
    const s = http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
    s.keepAliveTimeout = 60000;
    s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(String(d).trim()));
    child.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

// --- scripts ---------------------------------------------------------------------------------

function writeScripts(url: string) {
  writeFileSync(
    join(work, 'one.js'),
    `import http from 'k6/http';\nimport { check } from 'k6';\nexport default function () { check(http.get(__ENV.TARGET + '/health'), { 'status is 200': (r) => r.status === 200 }); }\n`,
  );
  writeFileSync(
    join(work, 'loop.js'),
    `import http from 'k6/http';
export default function () {
  const n = Number(__ENV.N), warm = Number(__ENV.WARM);
  for (let i = 0; i < warm; i++) http.get(__ENV.TARGET + '/health');
  const t0 = Date.now();
  for (let i = 0; i < n; i++) { if (http.get(__ENV.TARGET + '/health').status !== 200) throw new Error('bad status'); }
  console.log('elapsed ' + (Date.now() - t0));
}\n`,
  );
  const undici = JSON.stringify(join(root, 'node_modules', 'undici', 'index.js'));
  writeFileSync(
    join(work, 'one-undici.cjs'),
    `const { request } = require(${undici});\nrequest(process.argv[2]).then(async (r) => { await r.body.text(); if (r.statusCode !== 200) process.exit(1); });\n`,
  );
  writeFileSync(
    join(work, 'loop-undici.cjs'),
    `const { Client } = require(${undici});
(async () => {
  const u = new URL(process.argv[2]); const c = new Client(u.origin);
  const n = Number(process.argv[3]), warm = Number(process.argv[4]);
  const get = async () => { const r = await c.request({ path: u.pathname, method: 'GET' }); const t = await r.body.text(); if (r.statusCode !== 200) throw new Error('bad'); return t; };
  for (let i = 0; i < warm; i++) await get();
  const t0 = Date.now();
  for (let i = 0; i < n; i++) await get();
  console.log('elapsed ' + (Date.now() - t0));
  await c.close();
})();\n`,
  );
  writeFileSync(join(work, 'rss-probe.cjs'), `process.on('exit', () => process.stderr.write('\\nmaxrss ' + process.resourceUsage().maxRSS + '\\n'));\n`);
  void url;
}

// --- measurements ----------------------------------------------------------------------------

// --- gRPC and WebSocket: one call / one round trip, sandbox vs a plain Node client -----------

const PROTO_N = 500;
const PROTO_WARM = 50;

/** What the targets and the plain-Node clients load, as string literals for the code they run. */
function protocolModules() {
  const req = createRequire(join(root, 'package.json'));
  return {
    grpcJs: JSON.stringify(req.resolve('@grpc/grpc-js')),
    loader: JSON.stringify(req.resolve('@grpc/proto-loader')),
    ws: JSON.stringify(req.resolve('ws')),
    health: JSON.stringify(join(root, 'test', 'fixtures', 'grpc', 'health.proto')),
  };
}
type ProtocolModules = ReturnType<typeof protocolModules>;

/** A gRPC health server and a WebSocket echo server in one separate process. */
async function startProtocolTargets({ grpcJs, loader, ws: wsPkg, health }: ProtocolModules): Promise<{ grpc: string; ws: string; child: ChildProcess }> {
  const code = `
    const grpc = require(${grpcJs}); const loader = require(${loader}); const { WebSocketServer } = require(${wsPkg});
    const pkg = grpc.loadPackageDefinition(loader.loadSync(${health}, { enums: String }));
    const s = new grpc.Server();
    s.addService(pkg.grpc.health.v1.Health.service, { Check: (_c, cb) => cb(null, { status: 'SERVING' }) });
    s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, gp) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => process.stdout.write(gp + ' ' + wss.address().port + '\\n'));
      wss.on('connection', (ws) => ws.on('message', (d, bin) => ws.send(d, { binary: bin })));
    });
    process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
  const [g, w] = line.split(' ');
  return { grpc: `127.0.0.1:${g}`, ws: `ws://127.0.0.1:${w}/`, child };
}

function writeProtocolScripts({ grpcJs, loader, ws, health }: ProtocolModules) {
  writeFileSync(
    join(work, 'grpc-loop.js'),
    `import grpc from 'k6/net/grpc';
const client = new grpc.Client();
export default function () {
  client.connect(__ENV.ADDR, { plaintext: true });
  const n = Number(__ENV.N), warm = Number(__ENV.WARM);
  for (let i = 0; i < warm; i++) client.healthCheck();
  const t0 = Date.now();
  for (let i = 0; i < n; i++) { if (client.healthCheck().status !== grpc.HealthCheckServing) throw new Error('not serving'); }
  console.log('elapsed ' + (Date.now() - t0));
  client.close();
}\n`,
  );
  writeFileSync(
    join(work, 'ws-loop.js'),
    `import ws from 'k6/ws';
export default function () {
  const n = Number(__ENV.N), warm = Number(__ENV.WARM);
  let i = 0, t0 = 0;
  ws.connect(__ENV.URL, {}, (s) => {
    s.on('open', () => s.send('x'));
    s.on('message', () => {
      i++;
      if (i === warm) t0 = Date.now();
      if (i === warm + n) { console.log('elapsed ' + (Date.now() - t0)); s.close(); } else s.send('x');
    });
  });
}\n`,
  );
  writeFileSync(
    join(work, 'grpc-loop.cjs'),
    `const grpc = require(${grpcJs}); const loader = require(${loader});
const pkg = grpc.loadPackageDefinition(loader.loadSync(${health}, { enums: String }));
const c = new pkg.grpc.health.v1.Health(process.argv[2], grpc.credentials.createInsecure());
const check = () => new Promise((res, rej) => c.Check({ service: '' }, (e, r) => (e ? rej(e) : r.status === 'SERVING' ? res() : rej(new Error('not serving')))));
(async () => {
  const n = Number(process.argv[3]), warm = Number(process.argv[4]);
  for (let i = 0; i < warm; i++) await check();
  const t0 = Date.now();
  for (let i = 0; i < n; i++) await check();
  console.log('elapsed ' + (Date.now() - t0));
  c.close();
})();\n`,
  );
  writeFileSync(
    join(work, 'ws-loop.cjs'),
    `const WebSocket = require(${ws});
const n = Number(process.argv[3]), warm = Number(process.argv[4]);
const s = new WebSocket(process.argv[2]);
let i = 0, t0 = 0;
s.on('open', () => s.send('x'));
s.on('message', () => {
  i++;
  if (i === warm) t0 = Date.now();
  if (i === warm + n) { console.log('elapsed ' + (Date.now() - t0)); s.close(); } else s.send('x');
});\n`,
  );
}

async function protocols() {
  const reps = quick ? 3 : 5;
  progress(`gRPC and WebSocket: ${PROTO_N} sequential calls / round trips, ${reps} processes each`);
  const modules = protocolModules();
  const targets = await startProtocolTargets(modules);
  try {
    writeProtocolScripts(modules);
    const elapsed = (out: string) => Number(/elapsed (\d+)/.exec(out)?.[1] ?? NaN);
    const cases = [
      {
        figure: `one gRPC unary call (health Check), ${PROTO_N} in a row on one connection`,
        sandbox: [bundle, 'run', 'grpc-loop.js', '-e', `ADDR=${targets.grpc}`, '-e', `N=${PROTO_N}`, '-e', `WARM=${PROTO_WARM}`],
        plain: ['grpc-loop.cjs', targets.grpc, String(PROTO_N), String(PROTO_WARM)],
        baseline: 'node + @grpc/grpc-js',
      },
      {
        figure: `one WebSocket round trip (k6/ws echo), ${PROTO_N} in a row`,
        sandbox: [bundle, 'run', 'ws-loop.js', '-e', `URL=${targets.ws}`, '-e', `N=${PROTO_N}`, '-e', `WARM=${PROTO_WARM}`],
        plain: ['ws-loop.cjs', targets.ws, String(PROTO_N), String(PROTO_WARM)],
        baseline: 'node + ws',
      },
    ];
    for (const c of cases) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < reps; i++) {
        const x = await timed(process.execPath, c.sandbox);
        if (x.code !== 0) throw new Error(`${c.figure}: ${x.stdout}${x.stderr}`);
        a.push(elapsed(x.stdout));
        b.push(elapsed((await timed(process.execPath, c.plain)).stdout));
      }
      const per = (t: number) => `${((t / PROTO_N) * 1000).toFixed(0)} µs`;
      rows.push({ figure: c.figure, value: per(median(a)), baseline: `${per(median(b))} ${c.baseline}`, ratio: `${(median(a) / median(b)).toFixed(2)}×`, goal: '', met: undefined });
    }
  } finally {
    targets.child.stdin?.end();
    targets.child.kill();
  }
}


interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: boolean | undefined;
}
const rows: Row[] = [];
const notes: string[] = [];

async function oneShot(url: string) {
  progress(`one-shot check, ${REPS} runs each (whole process wall time)`);
  const target = `${url}/health`;
  const cmds: Record<string, [string, string[]]> = {
    run: [process.execPath, [bundle, 'run', 'one.js', '-e', `TARGET=${url}`]],
    liftoff: [process.execPath, ['--liftoff-only', bundle, 'run', 'one.js', '-e', `TARGET=${url}`]],
    undici: [process.execPath, ['one-undici.cjs', target]],
    empty: [process.execPath, ['-e', '0']],
  };
  const curl = which('curl');
  if (curl) cmds.curl = [curl, ['-sf', '-o', '/dev/null', target]];
  const waitOn = which('wait-on');
  if (waitOn) cmds['wait-on'] = [waitOn, ['-t', '10000', target]];
  if (existsSync(sea)) cmds.sea = [sea, ['run', 'one.js', '-e', `TARGET=${url}`]];
  const t = await wallTimes(cmds);
  const r = t.run! / t.undici!;
  rows.push({ figure: '`run` of a one-request script, whole process', value: ms(t.run!), baseline: `${ms(t.undici!)} (node + undici, one GET)`, ratio: `${r.toFixed(2)}×`, goal: '≤ 1.0×', met: r <= 1.0 });
  rows.push({ figure: '  same, `node --liftoff-only` (no TurboFan tier-up of the QuickJS WASM)', value: ms(t.liftoff!), baseline: ms(t.undici!), ratio: `${(t.liftoff! / t.undici!).toFixed(2)}×`, goal: '', met: undefined });
  if (t.sea !== undefined) rows.push({ figure: '  same, single executable (dist/k6-preflight)', value: ms(t.sea), baseline: ms(t.undici!), ratio: `${(t.sea / t.undici!).toFixed(2)}×`, goal: '', met: undefined });
  rows.push({ figure: '  empty `node -e 0`', value: ms(t.empty!), baseline: '', ratio: '', goal: '', met: undefined });
  rows.push({ figure: '  `curl` for the same check', value: curl ? ms(t.curl!) : 'not installed', baseline: '', ratio: '', goal: '', met: undefined });
  rows.push({ figure: '  `wait-on` for the same check', value: waitOn ? ms(t['wait-on']!) : 'not installed', baseline: '', ratio: '', goal: '', met: undefined });
}

async function throughput(url: string) {
  const reps = quick ? 3 : 5;
  progress(`throughput: ${LOOP} sequential GETs, ${reps} processes each`);
  const warm = 200;
  const inSandbox: number[] = [];
  const plain: number[] = [];
  const elapsed = (out: string) => Number(/elapsed (\d+)/.exec(out)?.[1] ?? NaN);
  for (let i = 0; i < reps; i++) {
    const a = await timed(process.execPath, [bundle, 'run', 'loop.js', '-e', `TARGET=${url}`, '-e', `N=${LOOP}`, '-e', `WARM=${warm}`, '--timeout', '60s']);
    if (a.code !== 0) throw new Error(`sandbox loop failed: ${a.stdout}${a.stderr}`);
    inSandbox.push(elapsed(a.stdout));
    const b = await timed(process.execPath, ['loop-undici.cjs', `${url}/health`, String(LOOP), String(warm)]);
    plain.push(elapsed(b.stdout));
  }
  const sRate = (LOOP / median(inSandbox)) * 1000;
  const pRate = (LOOP / median(plain)) * 1000;
  const r = sRate / pRate;
  rows.push({
    figure: `${LOOP} sequential \`http.get\` in the sandbox`,
    value: `${sRate.toFixed(0)} req/s (${((median(inSandbox) / LOOP) * 1000).toFixed(0)} µs/req)`,
    baseline: `${pRate.toFixed(0)} req/s (${((median(plain) / LOOP) * 1000).toFixed(0)} µs/req) node + undici`,
    ratio: `${r.toFixed(2)}×`,
    goal: '≥ 0.8× throughput',
    met: r >= 0.8,
  });
}

/**
 * Isolation is measured in a plain `node` process running an esbuild bundle of the
 * measurement (under tsx every dynamic import inside quickjs-emscripten takes a round trip
 * to the loader-hooks thread, which would be counted as isolation cost).
 */
async function isolation() {
  progress('per-attempt isolation (bundling the measurement)');
  const { build } = await import('esbuild');
  const variantDir = dirname(createRequire(join(root, 'package.json')).resolve('@jitl/quickjs-wasmfile-release-sync'));
  const out = join(work, 'isolation.cjs');
  const n = quick ? 100 : 300;
  await build({
    stdin: {
      contents: `
        import { freshEngine } from './src/sandbox/quickjs.js';
        import { shouldInterruptAfterDeadline } from 'quickjs-emscripten-core';
        (async () => {
          const times = [];
          for (let i = 0; i < ${n} + 30; i++) {
            const t = process.hrtime.bigint();
            const mod = await freshEngine(64 * 1024 * 1024);
            const rt = mod.newRuntime();
            rt.setMaxStackSize(256 * 1024);
            rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + 1000));
            const ctx = rt.newContext();
            ctx.unwrapResult(ctx.evalCode('export default function () { return 1 }', 'v.js', { type: 'module' })).dispose();
            ctx.dispose();
            rt.dispose();
            if (i >= 30) times.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
          console.log(JSON.stringify(times));
        })();`,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'isolation.ts',
    },
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    supported: { 'dynamic-import': false },
    alias: { '@jitl/quickjs-wasmfile-release-sync/emscripten-module': join(variantDir, 'emscripten-module.cjs') },
    logLevel: 'error',
    logOverride: { 'empty-import-meta': 'silent' },
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'src', 'sandbox', 'quickjs.ts')).href) },
  });
  const r = await timed(process.execPath, [out]);
  if (r.code !== 0) throw new Error(`isolation measurement failed: ${r.stderr}`);
  const iso = median(JSON.parse(r.stdout) as number[]);
  rows.push({ figure: 'per-attempt isolation (fresh WASM module + runtime + context)', value: ms(iso), baseline: '—', ratio: '', goal: '≤ 1 ms', met: iso <= 1 });

  // The whole attempt as the driver sees it (worker bridge, guest runtime, one check), through
  // the published library in a plain node process.
  writeFileSync(
    join(work, 'attempts.mjs'),
    `const lib = await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'index.mjs')).href)});
const times = [];
await lib.poll({ code: "import { check } from 'k6';\\nexport default function () { check(1, { never: () => false }); }" }, {
  schedule: { interval: '20ms', jitter: 0, maxDuration: '${quick ? 2 : 4}s' },
  onEvent: (e) => { if (e.type === 'attempt') times.push(e.result.durationMs); },
});
console.log(JSON.stringify(times.slice(5)));
`,
  );
  const a = await timed(process.execPath, [join(work, 'attempts.mjs')]);
  if (a.code !== 0) throw new Error(`attempt measurement failed: ${a.stderr}`);
  const whole = JSON.parse(a.stdout) as number[];
  rows.push({ figure: `  a whole attempt, warm (worker bridge, guest runtime, one check; ${whole.length} attempts)`, value: ms(median(whole)), baseline: '', ratio: '', goal: '', met: undefined });
}

async function schedule(url: string) {
  progress('schedule accuracy and deadline overshoot');
  const source = (code: string) => ({ origin: 's.js', entry: 's.js', files: new Map([['s.js', Buffer.from(code)]]) });
  const prep = (code: string, timeoutMs: number) =>
    prepareScriptAttempts({ source: source(code), env: { TARGET: url }, memoryLimitBytes: 64 * 1024 * 1024, timeoutMs, engine: {}, redactor: createRedactor() });

  // Attempts that fail quickly, every 100 ms: how late does each start against its plan?
  const failing = await prep("import http from 'k6/http';\nimport { check } from 'k6';\nexport default function () { check(http.get(__ENV.TARGET + '/health'), { never: () => false }); }\n", 5_000);
  const lateness: number[] = [];
  try {
    let planned: number | undefined;
    await runValidation({
      plan: planFromInput({ interval: '100ms', jitter: 0, maxDuration: quick ? '2s' : '5s', timeout: '5s' }),
      runner: failing.run,
      onEvent: (e) => {
        if (e.type === 'waiting' && !e.final) planned = Date.parse(e.at);
        if (e.type === 'attemptStarted' && planned !== undefined) lateness.push(Date.parse(e.at) - planned);
      },
    });
  } finally {
    await failing.close();
  }
  const late = median(lateness);
  const worst = Math.max(...lateness);
  rows.push({ figure: `scheduled attempt start vs plan (${lateness.length} attempts every 100 ms)`, value: `median ${ms(late)}, max ${ms(worst)}`, baseline: '—', ratio: '', goal: '≤ 5 ms', met: late <= 5 });

  // An attempt that is still sleeping at the deadline: how long after it does validation end?
  const sleeping = await prep("import { sleep } from 'k6';\nexport default function () { sleep(30); }\n", 30_000);
  const over: number[] = [];
  try {
    for (let i = 0; i < (quick ? 3 : 7); i++) {
      const st = await runValidation({ plan: planFromInput({ interval: '1s', jitter: 0, maxDuration: '300ms', timeout: '30s' }), runner: sleeping.run });
      over.push(Date.parse(st.finishedAt!) - Date.parse(st.deadline!));
    }
  } finally {
    await sleeping.close();
  }
  const o = median(over);
  rows.push({ figure: 'deadline overshoot (attempt cancelled at the deadline)', value: `median ${ms(o)}, max ${ms(Math.max(...over))}`, baseline: '—', ratio: '', goal: '≤ 20 ms', met: o <= 20 });
}

async function rss(url: string) {
  progress('peak RSS');
  const probe = join(work, 'rss-probe.cjs');
  const peak = async (args: string[]) => {
    const xs: number[] = [];
    for (let i = 0; i < (quick ? 3 : 5); i++) {
      const r = await timed(process.execPath, ['--require', probe, ...args]);
      xs.push(Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? NaN));
    }
    return median(xs);
  };
  const run = await peak([bundle, 'run', 'one.js', '-e', `TARGET=${url}`]);
  const liftoff = await peak(['--liftoff-only', bundle, 'run', 'one.js', '-e', `TARGET=${url}`]);
  const version = await peak([bundle, '--version']);
  const empty = await peak(['-e', '0']);
  const undici = await peak(['one-undici.cjs', `${url}/health`]);
  // The goal is what k6-preflight adds to a runner pod: node itself (and undici, which any
  // HTTP client brings) are the baseline it is measured against.
  rows.push({ figure: 'peak RSS of a one-request `run`', value: mb(run), baseline: `${mb(empty)} empty node; ${mb(undici)} node + undici GET`, ratio: `+${mb(run - empty)}`, goal: '≤ 64 MB over empty node', met: (run - empty) / 1024 <= 64 });
  rows.push({ figure: '  same, `node --liftoff-only`', value: mb(liftoff), baseline: '', ratio: `+${mb(liftoff - empty)}`, goal: '', met: undefined });
  rows.push({ figure: '  loading the bundle only (`--version`)', value: mb(version), baseline: '', ratio: `+${mb(version - empty)}`, goal: '', met: undefined });
}

function size() {
  const b = statSync(bundle).size;
  rows.push({ figure: 'bundle size (dist/k6-preflight.cjs)', value: `${(b / 1e6).toFixed(2)} MB (${(b / 1024).toFixed(0)} KiB)`, baseline: '—', ratio: '', goal: '≤ 1.5 MB', met: b <= 1.5e6 });
  if (existsSync(sea)) rows.push({ figure: '  single executable (dist/k6-preflight)', value: `${(statSync(sea).size / 1e6).toFixed(1)} MB`, baseline: `node binary ${(statSync(process.execPath).size / 1e6).toFixed(1)} MB`, ratio: '', goal: '', met: undefined });
}

// --- main ------------------------------------------------------------------------------------

if (!existsSync(bundle)) {
  progress('building dist/ first');
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build.ts')], { cwd: root, stdio: 'inherit' });
}
const started = Date.now();
const target = await startTarget();
try {
  writeScripts(target.url);
  if (protocolsOnly) await protocols();
  else {
    await oneShot(target.url);
    await throughput(target.url);
    await protocols();
    await isolation();
    await schedule(target.url);
    await rss(target.url);
    size();
  }
} finally {
  target.child.stdin?.end();
  target.child.kill();
  rmSync(work, { recursive: true, force: true });
}

const cpu = cpus();
const header = `k6-preflight bench — ${new Date().toISOString().slice(0, 19)}Z, Node ${process.versions.node}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${quick ? 'quick' : 'full'} (${REPS} runs per wall-time median), ${((Date.now() - started) / 1000).toFixed(0)} s`;
const table = [
  '| figure | k6-preflight | baseline (same run) | ratio | goal | met |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`),
].join('\n');
const text = `${header}\n\n${table}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
process.stdout.write(text);
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'last.md'), text);
progress('saved .bench/last.md');
