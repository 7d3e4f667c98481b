// Thrown non-Error values (`throw "line 6"`) carry no stack in QuickJS, yet k6 reports
// where they were thrown. Before a user module runs, each `throw X` becomes
// `throw __k6p_throwSite(line, col, (X))`: the guest records X with the current stack,
// the throw's own line:col in place of the call's, and the host uses that stack when a
// phase fails with exactly that value. The inserted text is listed in `shifts`, so a
// column reported on a rewritten line can be taken back to the module's own column.
import { parse, type Node } from 'acorn';

/** An insertion at a (1-based) line and (0-based) column of the original text. */
export type Shift = [line: number, col: number, length: number];

export const THROW_SITE_FN = '__k6p_throwSite';

interface ThrowNode extends Node {
  argument: Node;
}

export function markThrowSites(code: string): { code: string; shifts: Shift[] } {
  if (!/\bthrow\b/.test(code)) return { code, shifts: [] };
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true, allowHashBang: true, allowAwaitOutsideFunction: true });
  } catch {
    return { code, shifts: [] }; // QuickJS reports the syntax error itself
  }
  const throws: ThrowNode[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object' || typeof (n as Node).type !== 'string') return;
    if ((n as Node).type === 'ThrowStatement') throws.push(n as ThrowNode);
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') walk(v);
  };
  walk(ast);
  if (throws.length === 0) return { code, shifts: [] };

  // Edits left to right. The line:col passed is the throw's position in the rewritten
  // text (insertions earlier on its line included), so it unshifts like any other frame.
  const edits: { at: number; pos: { line: number; column: number }; throwAt?: ThrowNode; text?: string }[] = [];
  for (const t of throws) edits.push({ at: t.argument.start, pos: t.argument.loc!.start, throwAt: t }, { at: t.argument.end, pos: t.argument.loc!.end, text: '))' });
  edits.sort((a, b) => a.at - b.at);
  const shifts: Shift[] = [];
  let out = '';
  let last = 0;
  for (const e of edits) {
    const { line, column: col } = e.pos;
    let text = e.text!;
    if (e.throwAt) {
      const { line: tl, column: tc } = e.throwAt.loc!.start;
      const before = shifts.filter((s) => s[0] === tl && s[1] <= tc).reduce((n, s) => n + s[2], 0);
      text = ` ${THROW_SITE_FN}(${tl},${tc + before + 1},(`; // the space: minified code writes throw"x"
    }
    out += code.slice(last, e.at) + text;
    last = e.at;
    shifts.push([line, col, text.length]);
  }
  out += code.slice(last);
  return { code: out, shifts };
}

/** A (1-based) column of the rewritten module back to the original's. */
export function unshiftColumn(shifts: readonly Shift[] | undefined, line: number, col: number): number {
  if (!shifts?.length) return col;
  const c = col - 1; // 0-based, rewritten
  let moved = 0;
  for (const [l, at, len] of shifts) {
    if (l !== line) continue;
    if (c < at + moved) break;
    if (c < at + moved + len) return at + 1; // inside inserted text: its insertion point
    moved += len;
  }
  return c - moved + 1;
}
