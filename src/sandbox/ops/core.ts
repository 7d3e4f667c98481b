// Worker-side operations of the k6 core: lifecycle information, checks, console,
// sleep, fail and k6/execution's test.fail/abort, and open(). Each records into the
// attempt's journal, which survives whatever the script does afterwards.
import { posix } from 'node:path';
import { readConfined } from '../../script/source.js';
import type { CheckTally, ConsoleRecord } from '../../attempt/types.js';
import { GuestError, type OpContext, type OpHandler } from './types.js';

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

const LEVELS = new Set(['log', 'debug', 'info', 'warn', 'error']);

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new GuestError(`${what} must be a string`, 'TypeError');
  return v;
};

function notInInit(ctx: OpContext, what: string) {
  if (ctx.phase === 'init') throw new GuestError(`Using ${what} in the init context is not supported`);
}

export function coreOps(journal: Journal, info: () => unknown, sleep: (ms: number) => void): Record<string, OpHandler> {
  return {
    info: () => ({ value: info() }),

    check: (p, _b, ctx) => {
      notInInit(ctx, 'check()');
      let name = clipText(str(p?.name, 'check name'), MAX_CHECK_NAME);
      let group = typeof p?.group === 'string' ? clipText(p.group, MAX_CHECK_NAME) : '';
      let key = `${group}\u0000${name}`;
      if (!journal.checks.has(key) && journal.checks.size >= MAX_CHECKS) {
        name = OTHER_CHECKS;
        group = '';
        key = `\u0000${name}`;
      }
      const tally = journal.checks.get(key) ?? { name, group, passes: 0, fails: 0 };
      if (p.passed) tally.passes++;
      else tally.fails++;
      journal.checks.set(key, tally);
      if (++journal.checkEvents <= MAX_CHECK_EVENTS) journal.onCheck?.(name, group, !!p.passed);
    },

    console: (p) => {
      const level = LEVELS.has(p?.level) ? p.level : 'log';
      if (journal.console.length >= MAX_CONSOLE_LINES) {
        journal.consoleDropped++;
        return;
      }
      let message = String(p?.message ?? '');
      if (Buffer.byteLength(message) > MAX_CONSOLE_LINE_BYTES) {
        message = Buffer.from(message).subarray(0, MAX_CONSOLE_LINE_BYTES).toString() + '… (truncated)';
      }
      const rec = { level, message } as ConsoleRecord;
      journal.console.push(rec);
      journal.onConsole?.(rec);
    },

    sleep: (p) => {
      const seconds = Number(p?.seconds);
      if (!Number.isFinite(seconds) || seconds < 0) throw new GuestError('sleep() needs a number of seconds ≥ 0', 'TypeError');
      sleep(seconds * 1000);
    },

    fail: (p) => {
      if (journal.failCalls.length < MAX_FAIL_MESSAGES) journal.failCalls.push(clipText(String(p?.message ?? ''), MAX_CONSOLE_LINE_BYTES));
    },

    'test.fail': (p, _b, ctx) => {
      if (ctx.phase === 'init') throw new GuestError('test.fail() is not available in the init context');
      journal.testFail ??= String(p?.message ?? '');
    },

    'test.abort': (p) => {
      journal.testAbort ??= String(p?.message ?? '');
    },

    open: (p, _b, ctx) => {
      if (ctx.phase !== 'init') {
        throw new GuestError(
          'the "open" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/javascript-api/init-context/open for more information',
        );
      }
      let path = str(p?.path, 'open() path');
      if (path === '') throw new GuestError('open() needs a file name');
      if (path.startsWith('file://')) path = path.slice(7);
      // Relative to the calling module (named by the guest), when it is one of the script's files.
      const from = typeof p?.from === 'string' && ctx.files.has(p.from) ? p.from : ctx.currentFile;
      const base = posix.dirname(from || '.');
      const name = posix.normalize(posix.join(base, path)).replace(/^\.\//, '');
      if (path.startsWith('/') || name.startsWith('..')) {
        throw new GuestError(`open("${path}"): only files inside the script's folder or ConfigMap can be opened`);
      }
      const bytes = ctx.files.get(name) ?? (ctx.root ? readConfined(ctx.root, name) : undefined);
      if (!bytes) throw new GuestError(`open("${path}"): no such file (looked for ${name} beside the script)`);
      if (p?.mode === 'b') return { value: { buf: 0 }, buffers: [bytes] };
      return { value: Buffer.from(bytes).toString('utf8') };
    },
  };
}
