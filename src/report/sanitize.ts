// The last step before anything leaves the process. Every sink (text and JSON-lines
// reporters, the status file, the termination message, the library's events and result)
// passes what it is about to write through `forOutput`, so a field added tomorrow is masked
// without anyone remembering to: secrets are masked in every string of the value, keys
// included, whatever produced it (a check name built from a secret, a group, a message).
//
// The text and JSON helpers below make script-controlled strings inert: a script must not be
// able to drive the terminal (ESC/OSC sequences: clear screen, window title, clipboard) or
// print a line that reads like the tool's own verdict.
import { createRedactor, type Redactor } from '../http/redact.js';

const generic = createRedactor();

/** A deep copy of `value` with every string (and object key) redacted. Plain data only:
 *  functions and class instances other than arrays, plain objects and Dates are dropped to
 *  their JSON form first, which is what the sinks write anyway. */
export function forOutput<T>(value: T, redactor: Redactor = generic): T {
  return walk(value, redactor, 0) as T;
}

function walk(v: unknown, r: Redactor, depth: number): unknown {
  if (typeof v === 'string') return r.text(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 64) return '[too deep]';
  if (Array.isArray(v)) return v.map((x) => walk(x, r, depth + 1));
  if (v instanceof Date) return v;
  if (ArrayBuffer.isView(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    out[r.text(k)] = walk(x, r, depth + 1);
  }
  return out;
}

/**
 * JSON text safe to print or embed: JSON.stringify leaves U+2028/U+2029 (line separators to
 * JavaScript and some log viewers) and the C1 controls U+0080–U+009F (U+009B is a terminal's
 * CSI) raw; they are escaped here. The result parses back to the same value.
 */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// C0 controls except tab and LF, DEL, C1 controls, line/paragraph separators, and the bidi
// overrides and isolates that make text display in another order than it is stored. A tab
// only moves the cursor right, so script output that lines columns up with tabs keeps them.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\r': '\\r', '\x1b': '\\e', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

/** Shows control characters as visible escapes (`\e`, `\r`, `\x07`, `\u202e`). Newlines stay. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => {
    const n = NAMED[c];
    if (n) return n;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** What starts every continuation line of a multi-line string in text output. No line the
 *  tool prints on its own starts with it, and a script cannot put anything before it. */
export const CONTINUATION = '    ┆ ';

/** A script-controlled string for text output: controls escaped, and every line after the
 *  first marked as a continuation, so it can never begin a line of its own. */
export function textField(s: string): string {
  const safe = escapeControls(s);
  return safe.includes('\n') ? safe.split('\n').join('\n' + CONTINUATION) : safe;
}
