// Source locations: offsets to line:col, and guest stack frames mapped back to the
// original file through source maps (TypeScript files are transformed before they run).
import { SourceMap } from 'node:module';
import type { ModuleCode } from '../sandbox/protocol.js';

export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}

const FRAME = /([^\s()]+):(\d+):(\d+)/g;

/** Rewrites `file:line:col` references of transformed modules to the original positions. */
export function mapStack(stack: string, modules: Record<string, ModuleCode>): string {
  const maps = new Map<string, SourceMap>();
  return stack.replace(FRAME, (whole, file: string, l: string, c: string) => {
    const mod = modules[file];
    if (!mod?.map) return whole;
    let sm = maps.get(file);
    if (!sm) maps.set(file, (sm = new SourceMap(JSON.parse(mod.map))));
    const e = sm.findEntry(Number(l) - 1, Number(c) - 1) as { originalLine?: number; originalColumn?: number };
    if (e.originalLine === undefined) return whole;
    return `${file}:${e.originalLine + 1}:${(e.originalColumn ?? 0) + 1}`;
  });
}

/** The first frame that points into the user's files (not the k6 runtime). Pass a stack
 *  already mapped with `mapStack`. */
export function userLocation(stack: string, modules: Record<string, ModuleCode>): string | undefined {
  for (const m of stack.matchAll(FRAME)) {
    if (modules[m[1]!]) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
