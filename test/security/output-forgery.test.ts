// Class of attack: a script writes to the operator's terminal or log as if it were the tool:
// raw ESC/OSC sequences (clear screen, window title, clipboard write), a carriage return that
// overwrites the line, or a line break followed by text that reads like the tool's own
// verdict. In JSON lines, raw U+2028/U+2029 split a line for JavaScript-based log readers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jsonReporter, textReporter } from '../../src/report/reporter.js';
import { CONTINUATION } from '../../src/report/sanitize.js';
import { createStyle } from '../../src/report/style.js';
import { cli, folder, jsonLines } from '../helpers/cli.js';

const OSC_TITLE = '\x1b]0;pwned\x07';
const OSC_CLIPBOARD = '\x1b]52;c;cm0gLXJmIH4=\x07';
const CLEAR = '\x1b[2J\x1b[H';
const CSI_C1 = '\u009b31m';

const SCRIPT = `import { check, group, fail } from 'k6';
export default function () {
  console.log(${JSON.stringify(OSC_TITLE + OSC_CLIPBOARD + CLEAR + CSI_C1)} + 'hello');
  console.log('line one\\nSucceeded: everything is fine\\n  ✓ all checks passed');
  console.warn('progress 10%\\roverwritten');
  console.log('sep\\u2028a\\u2029b \\u202Eevil');
  group('grp\\x1b[8m\\nSucceeded: group', () => {
    check(1, { ['name\\x1b[1K\\r\\nattempt 2 at 00:00:00']: () => true });
  });
  fail('boom\\x1b[31m\\nSucceeded: fake verdict');
}
`;

/** Lines at column 0 that are not the tool's own. */
function forgedLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(Succeeded|attempt 2|  ✓ all)/.test(l));
}

describe('output a script cannot forge', () => {
  it('text mode shows control characters escaped and marks continuation lines', async () => {
    const dir = folder({ 'validate.js': SCRIPT });
    for (const color of [[], ['--color']]) {
      const r = await cli(['run', join(dir, 'validate.js'), ...color]);
      assert.equal(r.code, 1, r.stderr + r.stdout);
      const withoutOwnColour = r.stdout.replace(/\x1b\[(?:1|2|22|31|32|33|39)m/g, '');
      assert.doesNotMatch(withoutOwnColour, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]/, 'a raw control character reached the terminal');
      assert.deepEqual(forgedLines(r.stdout), [], r.stdout);
      // The script's text is still there, visibly escaped.
      assert.ok(r.stdout.includes('\\e]0;pwned\\x07'), r.stdout);
      assert.ok(r.stdout.includes('progress 10%\\roverwritten'));
      assert.ok(r.stdout.includes(`\n${CONTINUATION}Succeeded: everything is fine`));
      // The real verdict is the last line, at column 0.
      const last = r.stdout.trimEnd().split('\n').pop()!.replace(/\x1b\[[0-9;]*m/g, '');
      assert.match(last, /^Failed ScriptFailed: /);
    }
  });

  it('JSON lines escape U+2028/U+2029 and C1 controls, and still carry the text', async () => {
    const dir = folder({ 'validate.js': SCRIPT });
    const r = await cli(['run', join(dir, 'validate.js'), '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u2028\u2029\u0080-\u009f]/);
    const lines = jsonLines(r.stdout);
    // Every physical line is one JSON document, also for JavaScript's line splitting.
    assert.equal(r.stdout.split(/\r\n|\n|\r|\u2028|\u2029/).filter(Boolean).length, lines.length);
    const msgs = lines.filter((l) => l.type === 'console').map((l) => l.message);
    assert.ok(msgs.includes('sep\u2028a\u2029b \u202Eevil'), JSON.stringify(msgs));
  });

  it('the reporters apply the same rules to any event, not only the CLI\'s', () => {
    let text = '';
    const tr = textReporter({ write: (s: string) => (text += s) }, createStyle(false), { live: false });
    tr.event({ type: 'check', attempt: 1, name: 'x\nSucceeded: y', group: '::g\x1b[2J', passed: true });
    tr.event({ type: 'request', attempt: 1, request: { method: 'GET\r', url: 'http://h/\x1b]0;t\x07', status: 200, error: '', error_code: 0, remote_ip: '', remote_port: 0, local_ip: '', local_port: 0, proto: '', timings: { blocked: 0, looking_up: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 } } });
    tr.notice('n\nSucceeded: z');
    tr.close();
    assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f]/);
    assert.deepEqual(text.split('\n').filter((l) => l.startsWith('Succeeded')), []);
    let json = '';
    const jr = jsonReporter({ write: (s: string) => (json += s) });
    jr.notice('a\u2028b');
    jr.close();
    assert.equal(json, '{"type":"notice","message":"a\\u2028b"}\n');
  });
});
