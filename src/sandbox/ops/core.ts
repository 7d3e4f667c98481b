// Worker-side operations of the k6 core: lifecycle information, checks, console,
// sleep, fail and k6/execution's test.fail/abort, and open(). Each records into the
// attempt's journal, which survives whatever the script does afterwards.
import { posix } from 'node:path';
import { readScriptFile } from '../../script/source.js';
import { InputTooLarge } from '../../script/limits.js';
import type { CheckTally, ConsoleRecord } from '../../attempt/types.js';
import { bool, fields, none, optStr, str, text } from './decode.js';
import { ALL_PHASES, GuestError, INIT_ONLY, VU_PHASES, workerOp } from './types.js';

/** What a script can make the host keep is bounded: distinct checks (more are folded into
 *  one tally), the length of a check name, and the fail() messages kept. */
export const MAX_CHECKS = 500;
export const MAX_CHECK_NAME = 256;
export const MAX_FAIL_MESSAGES = 10;
/** Check results streamed live per attempt; the tallies count every one. */
export const MAX_CHECK_EVENTS = 1000;
const OTHER_CHECKS = '(other checks beyond the first 500)';

/** Console output kept per attempt; beyond it lines are counted, not stored. */
export const MAX_CONSOLE_LINES = 200;
export const MAX_CONSOLE_LINE_BYTES = 4096;

export interface Journal {
  checks: Map<string, CheckTally>;
  console: ConsoleRecord[];
  consoleDropped: number;
  checkEvents: number;
  failCalls: string[];
  testFail?: string;
  testAbort?: string;
  onCheck?: (name: string, group: string, passed: boolean) => void;
  onConsole?: (rec: ConsoleRecord) => void;
}

export const newJournal = (): Journal => ({ checks: new Map(), console: [], consoleDropped: 0, checkEvents: 0, failCalls: [] });

const clipText = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);

const LEVELS = new Set<ConsoleRecord['level']>(['log', 'debug', 'info', 'warn', 'error']);
const isLevel = (v: unknown): v is ConsoleRecord['level'] => typeof v === 'string' && LEVELS.has(v as ConsoleRecord['level']);

export const info = workerOp({
  phases: ALL_PHASES,
  doc: '– → `{ env, vu, iter, attempt, phase, options }`',
  decode: none,
  run: (_p, env) => ({ value: env.info() }),
});

export const check = workerOp({
  phases: VU_PHASES,
  refused: 'Using check() in the init context is not supported',
  doc: '`{ name, group, passed }`',
  decode: (raw) => {
    const p = fields(raw, 'check');
    return { name: str(p.name, 'check name'), group: optStr(p.group) ?? '', passed: bool(p.passed) };
  },
  run: ({ name: rawName, group: rawGroup, passed }, { journal }) => {
    let name = clipText(rawName, MAX_CHECK_NAME);
    let group = clipText(rawGroup, MAX_CHECK_NAME);
    let key = `${group}\u0000${name}`;
    if (!journal.checks.has(key) && journal.checks.size >= MAX_CHECKS) {
      name = OTHER_CHECKS;
      group = '';
      key = `\u0000${name}`;
    }
    const tally = journal.checks.get(key) ?? { name, group, passes: 0, fails: 0 };
    if (passed) tally.passes++;
    else tally.fails++;
    journal.checks.set(key, tally);
    if (++journal.checkEvents <= MAX_CHECK_EVENTS) journal.onCheck?.(name, group, passed);
  },
});

export const consoleOp = workerOp({
  phases: ALL_PHASES,
  doc: '`{ level, message }` (size-bounded)',
  decode: (raw) => {
    const p = fields(raw, 'console');
    return { level: isLevel(p.level) ? p.level : ('log' as const), message: text(p.message) };
  },
  run: ({ level, message }, { journal }) => {
    if (journal.console.length >= MAX_CONSOLE_LINES) {
      journal.consoleDropped++;
      return;
    }
    if (Buffer.byteLength(message) > MAX_CONSOLE_LINE_BYTES) {
      message = Buffer.from(message).subarray(0, MAX_CONSOLE_LINE_BYTES).toString() + '… (truncated)';
    }
    const rec: ConsoleRecord = { level, message };
    journal.console.push(rec);
    journal.onConsole?.(rec);
  },
});

export const sleep = workerOp({
  phases: ALL_PHASES,
  doc: '`{ seconds }` (cut to the deadline)',
  decode: (raw) => {
    const seconds = fields(raw, 'sleep').seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new GuestError('sleep() needs a number of seconds ≥ 0', 'TypeError');
    return seconds;
  },
  run: (seconds, env) => env.sleep(seconds * 1000),
});

const message = (op: string) => (raw: unknown) => text(fields(raw, op).message);

export const fail = workerOp({
  phases: ALL_PHASES,
  doc: '`{ message }`',
  decode: message('fail'),
  run: (msg, { journal }) => {
    if (journal.failCalls.length < MAX_FAIL_MESSAGES) journal.failCalls.push(clipText(msg, MAX_CONSOLE_LINE_BYTES));
  },
});

export const testFail = workerOp({
  phases: VU_PHASES,
  refused: 'test.fail() is not available in the init context',
  doc: '`{ message }`',
  decode: message('test.fail'),
  run: (msg, { journal }) => {
    journal.testFail ??= clipText(msg, MAX_CONSOLE_LINE_BYTES);
  },
});

export const testAbort = workerOp({
  phases: ALL_PHASES,
  doc: '`{ message }` (ends the attempt)',
  decode: message('test.abort'),
  run: (msg, { journal }) => {
    journal.testAbort ??= clipText(msg, MAX_CONSOLE_LINE_BYTES);
  },
});

export const open = workerOp({
  phases: INIT_ONLY,
  refused:
    'the "open" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/javascript-api/init-context/open for more information',
  doc: '`{ path, mode }` → string or `{buf}` (files beside the script, size-capped)',
  decode: (raw) => {
    const p = fields(raw, 'open');
    return { path: str(p.path, 'open() path'), binary: p.mode === 'b', from: optStr(p.from) };
  },
  run: ({ path, binary, from: caller }, { ctx }) => {
    if (path === '') throw new GuestError('open() needs a file name');
    if (path.startsWith('file://')) path = path.slice(7);
    // Relative to the calling module (named by the guest), when it is one of the script's files.
    const from = caller !== undefined && ctx.files.has(caller) ? caller : ctx.currentFile;
    const base = posix.dirname(from || '.');
    const name = posix.normalize(posix.join(base, path)).replace(/^\.\//, '');
    if (path.startsWith('/') || name.startsWith('..')) {
      throw new GuestError(`open("${path}"): only files inside the script's folder or ConfigMap can be opened`);
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = readScriptFile(ctx.files, ctx.root, name);
    } catch (err) {
      if (err instanceof InputTooLarge) throw new GuestError(`open("${path}"): ${err.message}`);
      throw err;
    }
    if (!bytes) throw new GuestError(`open("${path}"): no such file (looked for ${name} beside the script)`);
    if (binary) return { value: { buf: 0 }, buffers: [bytes] };
    return { value: Buffer.from(bytes).toString('utf8') };
  },
});
