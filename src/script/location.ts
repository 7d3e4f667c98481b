// Source locations: offsets to line:col, and guest stack frames mapped back to the
// original file through source maps (TypeScript files are transformed before they run).
import { SourceMap } from 'node:module';
import { posix } from 'node:path';
import { unshiftColumn } from './throw-sites.js';
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

interface MappedEntry {
  originalLine?: number;
  originalColumn?: number;
  originalSource?: string;
}

/** Rewrites `file:line:col` references of transformed modules to the original positions:
 *  columns moved by the throw-site rewrite are taken back first, then source maps apply
 *  (TypeScript, or a pre-built bundle's own map, which may name other original files). */
export function mapStack(stack: string, modules: Record<string, ModuleCode>): string {
  const maps = new Map<string, SourceMap>();
  return stack.replace(FRAME, (whole, file: string, l: string, c: string) => {
    const mod = modules[file];
    if (!mod) return whole;
    const line = Number(l);
    const col = unshiftColumn(mod.shifts, line, Number(c));
    if (!mod.map) return `${file}:${line}:${col}`;
    let sm = maps.get(file);
    if (!sm) {
      try {
        sm = new SourceMap(JSON.parse(mod.map));
      } catch {
        return `${file}:${line}:${col}`; // a broken map: the generated position is still true
      }
      maps.set(file, sm);
    }
    const e = sm.findEntry(line - 1, col - 1) as MappedEntry;
    if (e.originalLine === undefined) return `${file}:${line}:${col}`;
    return `${sourceName(file, e.originalSource)}:${e.originalLine + 1}:${(e.originalColumn ?? 0) + 1}`;
  });
}

/** The original file a map entry names, relative to the script's folder like the
 *  module names (bundlers write `webpack://app/./src/x.ts`, `../src/x.ts`, …). */
function sourceName(file: string, source: string | undefined): string {
  if (!source) return file;
  let s = source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^file:\/\//, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(s)) return s;
  if (s.startsWith('/')) return s;
  s = posix.normalize(posix.join(posix.dirname(file), s));
  return s;
}

const RUNTIME_FRAME = /^(k6p:|k6$|k6\/)/;

/** The first frame that points into the user's files (not the k6 runtime). Pass a stack
 *  already mapped with `mapStack`. */
export function userLocation(stack: string, modules: Record<string, ModuleCode>): string | undefined {
  for (const m of stack.matchAll(FRAME)) {
    if (modules[m[1]!] || (!RUNTIME_FRAME.test(m[1]!) && !m[1]!.includes('://'))) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
